/**
 * The stores several SBC nodes share: one PostgreSQL database (docs/stores.md, "Several nodes").
 * Each node keeps a replica of the provisioning rows rules read, and follows the other nodes'
 * changes and activations through LISTEN/NOTIFY.
 */
import type { Stores } from '../types.ts';
import { createPool, SILENT, type StoreLog } from './database.ts';
import { migrate } from './migrations.ts';
import { NotificationListener } from './notifications.ts';
import { PgProvisioningStore } from './provisioning-store.ts';
import { ProvisioningReplica } from './replica.ts';
import { PgRuleStore } from './rule-store.ts';
import { PgTokenStore } from './token-store.ts';

export { PG_SCHEMA_VERSION } from './migrations.ts';
export type { StoreLog } from './database.ts';

export interface PostgresStoreOptions {
  url: string;
  /** Connections this node opens for queries (one more is used for notifications). */
  poolSize?: number;
  log?: StoreLog;
}

export interface PostgresStores extends Stores {
  /** Provisioning rows this node holds for rules. */
  replicaSize(): { numbers: number; customers: number };
  /** Closes every connection; resolves once they are closed (close() does the same, unawaited). */
  end(): Promise<void>;
}

/** Connects, applies missing migrations, loads the replica and starts listening. */
export async function openPostgresStores(options: PostgresStoreOptions): Promise<PostgresStores> {
  const log = options.log ?? SILENT;
  const pool = createPool(options.url, options.poolSize ?? 10, log);
  const activationListeners = new Set<() => void>();
  const replica = new ProvisioningReplica(pool, log);
  const listener = new NotificationListener(
    options.url,
    {
      // Notifications sent while this node was not listening are lost: read everything again,
      // and have the active version re-checked.
      onConnected: async () => {
        await replica.reload();
        for (const l of activationListeners) l();
      },
      onProvisioning: (payload) => replica.notified(payload),
      onRuleActive: () => {
        for (const l of activationListeners) l();
      },
    },
    log,
  );
  try {
    await migrate(pool);
    await listener.start();
  } catch (error) {
    await listener.close();
    await pool.end().catch(() => undefined);
    throw error;
  }
  let ending: Promise<void> | undefined;
  const end = () => {
    ending ??= (async () => {
      replica.close();
      activationListeners.clear();
      await listener.close();
      await pool.end().catch(() => undefined);
    })();
    return ending;
  };
  return {
    rules: new PgRuleStore(pool),
    provisioning: new PgProvisioningStore(pool, replica),
    lookup: replica,
    tokens: new PgTokenStore(pool),
    healthy: () => ending === undefined && listener.connected,
    onActivation(listener) {
      activationListeners.add(listener);
      return () => activationListeners.delete(listener);
    },
    replicaSize: () => replica.size,
    close: () => void end(),
    end,
  };
}
