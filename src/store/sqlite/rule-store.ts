import type { DatabaseSync } from 'node:sqlite';
import { contentHash } from '../content-hash.ts';
import { NotFoundError } from '../errors.ts';
import type {
  Activation,
  ActivationKind,
  NewRuleVersion,
  RuleStore,
  RuleVersion,
  RuleVersionSummary,
} from '../types.ts';
import { transaction } from './database.ts';

interface VersionRow {
  version: number;
  author: string;
  message: string;
  created_at: string;
  hash: string;
  entry: string;
  files?: string;
}

interface ActivationRow {
  id: number;
  version: number;
  previous: number | null;
  kind: ActivationKind;
  actor: string;
  at: string;
}

export class SqliteRuleStore implements RuleStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  async addVersion(input: NewRuleVersion): Promise<RuleVersion> {
    const created_at = new Date().toISOString();
    const hash = contentHash(input.entry, input.files);
    const files = JSON.stringify(input.files);
    // The number is taken inside the write transaction, so concurrent writers never share one.
    const version = transaction(this.db, () => {
      const row = this.db
        .prepare('SELECT COALESCE(MAX(version), 0) + 1 AS next FROM rule_versions')
        .get() as {
        next: number;
      };
      this.db
        .prepare(
          'INSERT INTO rule_versions (version, author, message, created_at, hash, entry, files) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(row.next, input.author, input.message, created_at, hash, input.entry, files);
      return row.next;
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
    const rows = this.db
      .prepare('SELECT version, author, message, created_at, hash, entry FROM rule_versions ORDER BY version')
      .all() as unknown as VersionRow[];
    return rows.map(toSummary);
  }

  async getVersion(version: number): Promise<RuleVersion | undefined> {
    const row = this.db.prepare('SELECT * FROM rule_versions WHERE version = ?').get(version) as
      VersionRow | undefined;
    if (row === undefined) return undefined;
    return { ...toSummary(row), files: JSON.parse(row.files ?? '{}') as Record<string, string> };
  }

  async activate(version: number, actor: string, kind: ActivationKind): Promise<Activation> {
    const at = new Date().toISOString();
    return transaction(this.db, () => {
      const exists = this.db.prepare('SELECT 1 AS one FROM rule_versions WHERE version = ?').get(version);
      if (exists === undefined) throw new NotFoundError(`rule set version ${version} does not exist`);
      const previous = this.currentRow()?.version ?? null;
      const result = this.db
        .prepare('INSERT INTO rule_activations (version, previous, kind, actor, at) VALUES (?, ?, ?, ?, ?)')
        .run(version, previous, kind, actor, at);
      const id = Number(result.lastInsertRowid);
      this.db
        .prepare(
          'INSERT INTO rule_active (id, activation_id) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET activation_id = excluded.activation_id',
        )
        .run(id);
      return { id, version, previous, kind, actor, at };
    });
  }

  async active(): Promise<Activation | undefined> {
    const row = this.currentRow();
    return row === undefined ? undefined : { ...row };
  }

  async activations(limit: number): Promise<Activation[]> {
    const rows = this.db
      .prepare('SELECT id, version, previous, kind, actor, at FROM rule_activations ORDER BY id DESC LIMIT ?')
      .all(limit) as unknown as ActivationRow[];
    return rows.map((r) => ({ ...r }));
  }

  private currentRow(): ActivationRow | undefined {
    return this.db
      .prepare(
        `SELECT a.id, a.version, a.previous, a.kind, a.actor, a.at
           FROM rule_active p JOIN rule_activations a ON a.id = p.activation_id WHERE p.id = 1`,
      )
      .get() as ActivationRow | undefined;
  }
}

function toSummary(row: VersionRow): RuleVersionSummary {
  return {
    version: row.version,
    author: row.author,
    message: row.message,
    created_at: row.created_at,
    hash: row.hash,
    entry: row.entry,
  };
}
