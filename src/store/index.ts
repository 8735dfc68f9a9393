/** Durable stores: interfaces, errors, the embedded SQLite and the shared PostgreSQL implementations (docs/stores.md). */
import { openPostgresStores, type StoreLog } from './postgres/index.ts';
import { openSqliteStores } from './sqlite/index.ts';
import type { Stores } from './types.ts';

export { contentHash } from './content-hash.ts';
export { ConflictError, InvalidError, NotFoundError } from './errors.ts';
export {
  openPostgresStores,
  PG_SCHEMA_VERSION,
  type PostgresStores,
  type StoreLog,
} from './postgres/index.ts';
export { ProvisioningTables } from './provisioning-tables.ts';
export { DATABASE_FILE, openSqliteStores, SCHEMA_VERSION } from './sqlite/index.ts';
export type * from './types.ts';
export { SERVICES } from './types.ts';
export { CUSTOMER_ID_PATTERN, E164_PATTERN, isCustomerId, isE164 } from './validate.ts';

export type StoreSelection =
  { kind: 'sqlite'; dir: string } | { kind: 'postgres'; url: string; poolSize?: number; log?: StoreLog };

/** The stores config `store.kind` selects: SQLite in the data directory (one node) or PostgreSQL (several). */
export async function openStores(selection: StoreSelection): Promise<Stores> {
  if (selection.kind === 'sqlite') return openSqliteStores(selection.dir);
  return openPostgresStores(selection);
}
