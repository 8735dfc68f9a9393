/**
 * Schema migrations, applied in order at open. `schema_version` holds the number of the last one
 * applied; each migration runs in the same transaction as the bump of that number, so a crash
 * leaves the schema at one version or the next, never half-migrated.
 */
import type { DatabaseSync } from 'node:sqlite';

const MIGRATIONS: readonly string[] = [
  // 1: rule versions, activation history and the active pointer; provisioning; tokens.
  `
  CREATE TABLE rule_versions (
    version    INTEGER PRIMARY KEY,
    author     TEXT NOT NULL,
    message    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    hash       TEXT NOT NULL,
    entry      TEXT NOT NULL,
    files      TEXT NOT NULL
  ) STRICT;
  CREATE TABLE rule_activations (
    id       INTEGER PRIMARY KEY,
    version  INTEGER NOT NULL REFERENCES rule_versions(version),
    previous INTEGER REFERENCES rule_versions(version),
    kind     TEXT NOT NULL CHECK (kind IN ('activate', 'rollback')),
    actor    TEXT NOT NULL,
    at       TEXT NOT NULL
  ) STRICT;
  -- One row: the pointer. It names an activation, whose version row exists (foreign keys).
  CREATE TABLE rule_active (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    activation_id INTEGER NOT NULL REFERENCES rule_activations(id)
  ) STRICT;
  CREATE TABLE customers (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    dr_tenant_id       TEXT,
    dr_domain          TEXT,
    screening_opt_out  INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
  ) STRICT;
  CREATE TABLE numbers (
    number               TEXT PRIMARY KEY,
    customer             TEXT NOT NULL REFERENCES customers(id),
    zoom                 INTEGER NOT NULL DEFAULT 0,
    teams_direct_routing INTEGER NOT NULL DEFAULT 0,
    operator_connect     INTEGER NOT NULL DEFAULT 0,
    teams_phone_mobile   INTEGER NOT NULL DEFAULT 0,
    custom_header        TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
  ) STRICT;
  CREATE INDEX numbers_by_customer ON numbers(customer, number);
  CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
  ) STRICT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT');
  // IMMEDIATE: two processes opening a fresh file at once must not both apply migration 1.
  db.exec('BEGIN IMMEDIATE');
  try {
    const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `the database schema is version ${current}, newer than this SBC knows (${MIGRATIONS.length}); upgrade the SBC`,
      );
    }
    for (let i = current; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i] ?? '');
    if (row === undefined)
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(MIGRATIONS.length);
    else db.prepare('UPDATE schema_version SET version = ?').run(MIGRATIONS.length);
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
