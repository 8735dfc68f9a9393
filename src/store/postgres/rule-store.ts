import type { Pool, PoolClient } from 'pg';
import { contentHash } from '../content-hash.ts';
import { NotFoundError } from '../errors.ts';
import type {
  Activation,
  ActivationKind,
  NewRuleVersion,
  RuleFiles,
  RuleStore,
  RuleVersion,
  RuleVersionSummary,
} from '../types.ts';
import { LOCKS, lock, transaction } from './database.ts';

interface VersionRow {
  version: number;
  author: string;
  message: string;
  created_at: Date;
  hash: string;
  entry: string;
  files?: RuleFiles;
}

interface ActivationRow {
  id: number;
  version: number;
  previous: number | null;
  kind: ActivationKind;
  actor: string;
  at: Date;
}

const SUMMARY = 'version, author, message, created_at, hash, entry';
const ACTIVATION = 'a.id, a.version, a.previous, a.kind, a.actor, a.at';

export class PgRuleStore implements RuleStore {
  private readonly pool: Pool;

  constructor(pool: Pool) {
    this.pool = pool;
  }

  async addVersion(input: NewRuleVersion): Promise<RuleVersion> {
    const created_at = new Date().toISOString();
    const hash = contentHash(input.entry, input.files);
    // Numbered under a lock, as MAX + 1: no two nodes share a number, and no number is skipped
    // by a failed insert (a sequence would leave gaps).
    const version = await transaction(this.pool, async (client) => {
      await lock(client, LOCKS.versions);
      const { rows } = await client.query<{ next: number }>(
        'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM rule_versions',
      );
      const next = rows[0]?.next ?? 1;
      await client.query(
        'INSERT INTO rule_versions (version, author, message, created_at, hash, entry, files) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [next, input.author, input.message, created_at, hash, input.entry, JSON.stringify(input.files)],
      );
      return next;
    });
    return {
      version,
      author: input.author,
      message: input.message,
      created_at,
      hash,
      entry: input.entry,
      files: { ...input.files },
    };
  }

  async listVersions(): Promise<RuleVersionSummary[]> {
    const { rows } = await this.pool.query<VersionRow>(
      `SELECT ${SUMMARY} FROM rule_versions ORDER BY version`,
    );
    return rows.map(toSummary);
  }

  async getVersion(version: number): Promise<RuleVersion | undefined> {
    const { rows } = await this.pool.query<VersionRow>('SELECT * FROM rule_versions WHERE version = $1', [
      version,
    ]);
    const row = rows[0];
    if (row === undefined) return undefined;
    return { ...toSummary(row), files: row.files ?? {} };
  }

  async activate(version: number, actor: string, kind: ActivationKind): Promise<Activation> {
    const at = new Date().toISOString();
    return transaction(this.pool, async (client) => {
      await lock(client, LOCKS.active);
      const exists = await client.query('SELECT 1 FROM rule_versions WHERE version = $1', [version]);
      if (exists.rowCount === 0) throw new NotFoundError(`rule set version ${version} does not exist`);
      const previous = (await currentRow(client))?.version ?? null;
      const { rows } = await client.query<{ id: number }>(
        'INSERT INTO rule_activations (version, previous, kind, actor, at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [version, previous, kind, actor, at],
      );
      const id = rows[0]?.id ?? 0;
      // The trigger on rule_active tells every node (sbc_rule_active) once this commits.
      await client.query(
        'INSERT INTO rule_active (id, activation_id) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET activation_id = excluded.activation_id',
        [id],
      );
      return { id, version, previous, kind, actor, at };
    });
  }

  async active(): Promise<Activation | undefined> {
    const row = await currentRow(this.pool);
    return row && toActivation(row);
  }

  async activations(limit: number): Promise<Activation[]> {
    const { rows } = await this.pool.query<ActivationRow>(
      `SELECT ${ACTIVATION} FROM rule_activations a ORDER BY a.id DESC LIMIT $1`,
      [limit],
    );
    return rows.map(toActivation);
  }
}

async function currentRow(db: Pool | PoolClient): Promise<ActivationRow | undefined> {
  const { rows } = await db.query<ActivationRow>(
    `SELECT ${ACTIVATION} FROM rule_active p JOIN rule_activations a ON a.id = p.activation_id WHERE p.id = 1`,
  );
  return rows[0];
}

function toSummary(row: VersionRow): RuleVersionSummary {
  return {
    version: row.version,
    author: row.author,
    message: row.message,
    created_at: row.created_at.toISOString(),
    hash: row.hash,
    entry: row.entry,
  };
}

function toActivation(row: ActivationRow): Activation {
  return {
    id: row.id,
    version: row.version,
    previous: row.previous,
    kind: row.kind,
    actor: row.actor,
    at: row.at.toISOString(),
  };
}
