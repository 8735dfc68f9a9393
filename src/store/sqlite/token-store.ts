import type { DatabaseSync } from 'node:sqlite';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { TokenRecord, TokenStore } from '../types.ts';

export class SqliteTokenStore implements TokenStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  async create(record: TokenRecord, secretHash: string): Promise<void> {
    try {
      this.db
        .prepare(
          'INSERT INTO tokens (id, name, role, secret_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(record.id, record.name, record.role, secretHash, record.created_at, record.created_by);
    } catch (error) {
      if (String(error).includes('UNIQUE')) throw new ConflictError(`token ${record.id} already exists`);
      throw error;
    }
  }

  async findByHash(secretHash: string): Promise<TokenRecord | undefined> {
    const row = this.db
      .prepare('SELECT id, name, role, created_at, created_by FROM tokens WHERE secret_hash = ?')
      .get(secretHash) as TokenRecord | undefined;
    return row && { ...row };
  }

  async list(): Promise<TokenRecord[]> {
    const rows = this.db
      .prepare('SELECT id, name, role, created_at, created_by FROM tokens ORDER BY created_at, id')
      .all() as unknown as TokenRecord[];
    return rows.map((r) => ({ ...r }));
  }

  async remove(id: string): Promise<void> {
    const result = this.db.prepare('DELETE FROM tokens WHERE id = ?').run(id);
    if (result.changes === 0) throw new NotFoundError(`token ${id} does not exist`);
  }
}
