import type { Pool } from 'pg';
import { NotFoundError } from '../errors.ts';
import type { TokenRecord, TokenStore } from '../types.ts';
import { mapConstraint } from './database.ts';

/** Admin API tokens in the shared database, so a token created on one node works on every node. */
export class PgTokenStore implements TokenStore {
  private readonly pool: Pool;

  constructor(pool: Pool) {
    this.pool = pool;
  }

  async create(record: TokenRecord, secretHash: string): Promise<void> {
    try {
      await this.pool.query(
        'INSERT INTO tokens (id, name, role, secret_hash, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)',
        [record.id, record.name, record.role, secretHash, record.created_at, record.created_by],
      );
    } catch (error) {
      mapConstraint(error, { unique: `token ${record.id} already exists` });
    }
  }

  async findByHash(secretHash: string): Promise<TokenRecord | undefined> {
    const { rows } = await this.pool.query<TokenRecord>(
      'SELECT id, name, role, created_at, created_by FROM tokens WHERE secret_hash = $1',
      [secretHash],
    );
    return rows[0] && { ...rows[0] };
  }

  async list(): Promise<TokenRecord[]> {
    const { rows } = await this.pool.query<TokenRecord>(
      'SELECT id, name, role, created_at, created_by FROM tokens ORDER BY created_at, id',
    );
    return rows.map((r) => ({ ...r }));
  }

  async remove(id: string): Promise<void> {
    const result = await this.pool.query('DELETE FROM tokens WHERE id = $1', [id]);
    if (result.rowCount === 0) throw new NotFoundError(`token ${id} does not exist`);
  }
}
