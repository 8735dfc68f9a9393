/** Durable stores: interfaces, errors and the embedded SQLite implementation (docs/stores.md). */
export { contentHash } from './content-hash.ts';
export { ConflictError, InvalidError, NotFoundError } from './errors.ts';
export { ProvisioningTables } from './provisioning-tables.ts';
export { DATABASE_FILE, openSqliteStores, SCHEMA_VERSION } from './sqlite/index.ts';
export type * from './types.ts';
export { SERVICES } from './types.ts';
export { CUSTOMER_ID_PATTERN, E164_PATTERN, isCustomerId, isE164 } from './validate.ts';
