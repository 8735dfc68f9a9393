/**
 * Schema migrations of the shared PostgreSQL database, applied in order when a node starts.
 * `sbc_schema_version` holds the number of the last one applied; each runs in the same
 * transaction as the bump of that number (PostgreSQL DDL is transactional), under an advisory
 * lock, so two nodes starting at once never both apply one and a crash never leaves half of one.
 *
 * Triggers announce every change on two channels (LISTEN/NOTIFY), which is how the other nodes
 * learn of it: `sbc_provisioning` with `n:<number>` or `c:<customer id>` per changed row, and
 * `sbc_rule_active` when the active pointer moves.
 */
import type { Pool } from 'pg';
import { LOCKS, lock, transaction } from './database.ts';

export const CHANNELS = { provisioning: 'sbc_provisioning', ruleActive: 'sbc_rule_active' } as const;

const MIGRATIONS: readonly string[] = [
  // 1: the tables of the SQLite schema (docs/stores.md), keys in byte order (COLLATE "C") so
  // listings and keyset paging sort as they do on a single node whatever the database locale;
  // rule files as `json`, which keeps the text (and so the file order) as written.
  `
  CREATE TABLE rule_versions (
    version    integer PRIMARY KEY,
    author     text NOT NULL,
    message    text NOT NULL,
    created_at timestamptz NOT NULL,
    hash       text NOT NULL,
    entry      text NOT NULL,
    files      json NOT NULL
  );
  CREATE TABLE rule_activations (
    id       integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version  integer NOT NULL REFERENCES rule_versions(version),
    previous integer REFERENCES rule_versions(version),
    kind     text NOT NULL CHECK (kind IN ('activate', 'rollback')),
    actor    text NOT NULL,
    at       timestamptz NOT NULL
  );
  CREATE TABLE rule_active (
    id            integer PRIMARY KEY CHECK (id = 1),
    activation_id integer NOT NULL REFERENCES rule_activations(id)
  );
  CREATE TABLE customers (
    id                text COLLATE "C" PRIMARY KEY,
    name              text NOT NULL,
    dr_tenant_id      text,
    dr_domain         text,
    screening_opt_out boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
  );
  CREATE TABLE numbers (
    number               text COLLATE "C" PRIMARY KEY,
    customer             text COLLATE "C" NOT NULL REFERENCES customers(id),
    zoom                 boolean NOT NULL DEFAULT false,
    teams_direct_routing boolean NOT NULL DEFAULT false,
    operator_connect     boolean NOT NULL DEFAULT false,
    teams_phone_mobile   boolean NOT NULL DEFAULT false,
    custom_header        text,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
  );
  CREATE INDEX numbers_by_customer ON numbers(customer, number);
  CREATE TABLE tokens (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    role        text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    secret_hash text NOT NULL UNIQUE,
    created_at  text NOT NULL,
    created_by  text NOT NULL
  );

  CREATE FUNCTION sbc_notify_number() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('${CHANNELS.provisioning}', 'n:' || COALESCE(NEW.number, OLD.number));
    RETURN NULL;
  END $$;
  CREATE TRIGGER numbers_notify AFTER INSERT OR UPDATE OR DELETE ON numbers
    FOR EACH ROW EXECUTE FUNCTION sbc_notify_number();
  CREATE FUNCTION sbc_notify_customer() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('${CHANNELS.provisioning}', 'c:' || COALESCE(NEW.id, OLD.id));
    RETURN NULL;
  END $$;
  CREATE TRIGGER customers_notify AFTER INSERT OR UPDATE OR DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION sbc_notify_customer();
  CREATE FUNCTION sbc_notify_active() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('${CHANNELS.ruleActive}', NEW.activation_id::text);
    RETURN NULL;
  END $$;
  CREATE TRIGGER rule_active_notify AFTER INSERT OR UPDATE ON rule_active
    FOR EACH ROW EXECUTE FUNCTION sbc_notify_active();
  `,
];

export const PG_SCHEMA_VERSION = MIGRATIONS.length;

export async function migrate(pool: Pool): Promise<void> {
  await transaction(pool, async (client) => {
    await lock(client, LOCKS.migrate);
    await client.query('CREATE TABLE IF NOT EXISTS sbc_schema_version (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM sbc_schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `the database schema is version ${current}, newer than this SBC knows (${MIGRATIONS.length}); upgrade the SBC`,
      );
    }
    for (let i = current; i < MIGRATIONS.length; i++) await client.query(MIGRATIONS[i] ?? '');
    if (rows.length === 0)
      await client.query('INSERT INTO sbc_schema_version (version) VALUES ($1)', [MIGRATIONS.length]);
    else await client.query('UPDATE sbc_schema_version SET version = $1', [MIGRATIONS.length]);
  });
}
