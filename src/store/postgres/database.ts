/**
 * The connection pool several SBC nodes share a PostgreSQL database through, and the
 * transaction helper every read-then-write goes through (docs/stores.md, "Several nodes").
 */
import { DatabaseError, Pool, type PoolClient } from 'pg';
import { ConflictError, InvalidError } from '../errors.ts';

/** The subset of a logger the stores write to (pino's Logger fits). */
export interface StoreLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const SILENT: StoreLog = { info() {}, warn() {}, error() {} };

export function createPool(url: string, size: number, log: StoreLog): Pool {
  const pool = new Pool({ connectionString: url, max: size, connectionTimeoutMillis: 5000 });
  // An idle connection dropped by the server (restart, failover) must not crash the node: the
  // pool discards it and opens a new one for the next query.
  pool.on('error', (error) => log.warn({ err: error }, 'PostgreSQL connection lost (pool)'));
  return pool;
}

/** Runs `work` in one transaction on one connection, rolling back on any error. */
export async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Transaction-scoped advisory locks: writers that read before they write (numbering a version,
 * moving the active pointer) take one first, so two nodes never interleave them (what
 * `BEGIN IMMEDIATE` does for SQLite).
 */
export const LOCKS = { migrate: 7_340_001, versions: 7_340_002, active: 7_340_003 } as const;

export async function lock(client: PoolClient, key: number): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [key]);
}

/** PostgreSQL SQLSTATE codes (Appendix A of its manual) the stores turn into typed errors. */
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Maps a constraint violation raced by another node (between this node's check and its write)
 * to the error the check would have thrown; anything else is rethrown as is.
 */
export function mapConstraint(error: unknown, messages: { unique?: string; foreignKey?: string }): never {
  if (error instanceof DatabaseError) {
    if (error.code === UNIQUE_VIOLATION && messages.unique) throw new ConflictError(messages.unique);
    if (error.code === FOREIGN_KEY_VIOLATION && messages.foreignKey)
      throw new InvalidError(messages.foreignKey);
  }
  throw error;
}

export function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof DatabaseError && error.code === FOREIGN_KEY_VIOLATION;
}
