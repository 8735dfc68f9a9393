import type { Stores } from '../types.ts';
import { openDatabase } from './database.ts';
import { SqliteProvisioningStore } from './provisioning-store.ts';
import { SqliteRuleStore } from './rule-store.ts';
import { SqliteTokenStore } from './token-store.ts';

export { DATABASE_FILE } from './database.ts';
export { SCHEMA_VERSION } from './migrations.ts';

/** The embedded single-node stores: one SQLite file under `dir` (config `data.dir`). */
export function openSqliteStores(dir: string): Stores {
  const db = openDatabase(dir);
  const provisioning = new SqliteProvisioningStore(db);
  let open = true;
  return {
    rules: new SqliteRuleStore(db),
    provisioning,
    lookup: provisioning,
    tokens: new SqliteTokenStore(db),
    healthy: () => open && db.isOpen,
    close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}
