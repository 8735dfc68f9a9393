import type { Pool, PoolClient } from 'pg';
import { ConflictError, InvalidError, NotFoundError } from '../errors.ts';
import {
  type Customer,
  type CustomerInput,
  type CustomerPatch,
  type NumberInput,
  type NumberPatch,
  type NumberQuery,
  type PhoneNumber,
  type ProvisioningStore,
  SERVICES,
  type ServiceFlags,
} from '../types.ts';
import { isCustomerId, isE164 } from '../validate.ts';
import { isForeignKeyViolation, mapConstraint, transaction } from './database.ts';
import type { ProvisioningReplica } from './replica.ts';

interface CustomerRow {
  id: string;
  name: string;
  dr_tenant_id: string | null;
  dr_domain: string | null;
  screening_opt_out: boolean;
  created_at: Date;
  updated_at: Date;
}

type NumberRow = { number: string; customer: string; custom_header: string | null } & Record<
  (typeof SERVICES)[number],
  boolean
> & { created_at: Date; updated_at: Date };

type Db = Pool | PoolClient;

/**
 * Provisioning in the shared database. Reads go to PostgreSQL; after each write this node
 * re-reads the changed keys into its replica before answering, so its own next call sees the
 * change, and the triggers tell the other nodes to do the same.
 */
export class PgProvisioningStore implements ProvisioningStore {
  private readonly pool: Pool;
  private readonly replica: ProvisioningReplica;

  constructor(pool: Pool, replica: ProvisioningReplica) {
    this.pool = pool;
    this.replica = replica;
  }

  async listCustomers(): Promise<Customer[]> {
    const { rows } = await this.pool.query<CustomerRow>('SELECT * FROM customers ORDER BY id');
    return rows.map(toCustomer);
  }

  async getCustomer(id: string): Promise<Customer | undefined> {
    const row = await customerById(this.pool, id);
    return row && toCustomer(row);
  }

  async createCustomer(input: CustomerInput): Promise<Customer> {
    if (!isCustomerId(input.id)) throw new InvalidError(`'${input.id}' is not a valid customer id`);
    const now = new Date().toISOString();
    const conflict = `customer '${input.id}' already exists`;
    const row = await transaction(this.pool, async (client) => {
      if (await customerById(client, input.id)) throw new ConflictError(conflict);
      const { rows } = await client.query<CustomerRow>(
        `INSERT INTO customers (id, name, dr_tenant_id, dr_domain, screening_opt_out, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
        [
          input.id,
          input.name,
          input.direct_routing?.tenant_id ?? null,
          input.direct_routing?.domain ?? null,
          input.screening_opt_out === true,
          now,
        ],
      );
      return rows[0] as CustomerRow;
    }).catch((error: unknown) => mapConstraint(error, { unique: conflict }));
    await this.replica.refresh({ customers: [input.id] });
    return toCustomer(row);
  }

  async updateCustomer(id: string, patch: CustomerPatch): Promise<Customer> {
    const updated = await transaction(this.pool, async (client) => {
      const row = await customerById(client, id, true);
      if (!row) throw new NotFoundError(`customer '${id}' does not exist`);
      const dr = patch.direct_routing;
      const { rows } = await client.query<CustomerRow>(
        `UPDATE customers SET name = $1, dr_tenant_id = $2, dr_domain = $3, screening_opt_out = $4, updated_at = $5
         WHERE id = $6 RETURNING *`,
        [
          patch.name ?? row.name,
          dr === undefined ? row.dr_tenant_id : (dr.tenant_id ?? null),
          dr === undefined ? row.dr_domain : (dr.domain ?? null),
          patch.screening_opt_out ?? row.screening_opt_out,
          new Date().toISOString(),
          id,
        ],
      );
      return rows[0] as CustomerRow;
    });
    await this.replica.refresh({ customers: [id] });
    return toCustomer(updated);
  }

  async deleteCustomer(id: string): Promise<void> {
    try {
      await transaction(this.pool, async (client) => {
        if (!(await customerById(client, id, true)))
          throw new NotFoundError(`customer '${id}' does not exist`);
        const { rows } = await client.query<{ n: number }>(
          'SELECT COUNT(*)::int AS n FROM numbers WHERE customer = $1',
          [id],
        );
        const used = rows[0]?.n ?? 0;
        if (used > 0) throw new ConflictError(stillHas(id, used));
        await client.query('DELETE FROM customers WHERE id = $1', [id]);
      });
    } catch (error) {
      // Another node assigned a number between the count and the delete.
      if (isForeignKeyViolation(error)) throw new ConflictError(stillHas(id, 1));
      throw error;
    }
    await this.replica.refresh({ customers: [id] });
  }

  async listNumbers(query: NumberQuery): Promise<PhoneNumber[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.customer !== undefined) {
      params.push(query.customer);
      where.push(`customer = $${params.length}`);
    }
    if (query.after !== undefined) {
      params.push(query.after);
      where.push(`number > $${params.length}`);
    }
    params.push(query.limit);
    const sql = `SELECT * FROM numbers ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY number LIMIT $${params.length}`;
    const { rows } = await this.pool.query<NumberRow>(sql, params);
    return rows.map(toNumber);
  }

  async getNumber(number: string): Promise<PhoneNumber | undefined> {
    const row = await numberById(this.pool, number);
    return row && toNumber(row);
  }

  async createNumber(input: NumberInput): Promise<PhoneNumber> {
    const conflict = `number ${input.number} already exists`;
    const row = await transaction(this.pool, async (client) => {
      if (await numberById(client, input.number)) throw new ConflictError(conflict);
      return writeNumber(client, input, undefined);
    }).catch((error: unknown) => mapConstraint(error, { unique: conflict }));
    await this.replica.refresh({ numbers: [input.number] });
    return toNumber(row);
  }

  async updateNumber(number: string, patch: NumberPatch): Promise<PhoneNumber> {
    const row = await transaction(this.pool, async (client) => {
      const existing = await numberById(client, number, true);
      if (!existing) throw new NotFoundError(`number ${number} does not exist`);
      const current = toNumber(existing);
      return writeNumber(
        client,
        {
          number,
          customer: patch.customer ?? current.customer,
          services: { ...current.services, ...patch.services },
          custom_header: patch.custom_header === undefined ? current.custom_header : patch.custom_header,
        },
        existing,
      );
    });
    await this.replica.refresh({ numbers: [number] });
    return toNumber(row);
  }

  async deleteNumber(number: string): Promise<void> {
    const result = await this.pool.query('DELETE FROM numbers WHERE number = $1', [number]);
    if (result.rowCount === 0) throw new NotFoundError(`number ${number} does not exist`);
    await this.replica.refresh({ numbers: [number] });
  }

  async upsertNumbers(rows: NumberInput[]): Promise<{ created: number; updated: number }> {
    for (const input of rows) if (!isE164(input.number)) throw new InvalidError(notE164(input.number));
    const counts = await transaction(this.pool, async (client) => {
      // Set-based, so a CSV import of many thousand numbers is a few statements, not one per row.
      const customers = [...new Set(rows.map((r) => r.customer))];
      const known = await client.query<{ id: string }>(
        'SELECT id FROM customers WHERE id = ANY($1) FOR KEY SHARE',
        [customers],
      );
      const knownIds = new Set(known.rows.map((r) => r.id));
      const unknown = rows.find((r) => !knownIds.has(r.customer));
      if (unknown) throw new InvalidError(`customer '${unknown.customer}' does not exist`);
      const numbers = rows.map((r) => r.number);
      const existing = await client.query<{ number: string }>(
        'SELECT number FROM numbers WHERE number = ANY($1) FOR UPDATE',
        [numbers],
      );
      // Counted row by row as the single-node store does: a number repeated in the batch is
      // created once and then updated; the last row for a number is what is stored.
      const present = new Set(existing.rows.map((r) => r.number));
      let created = 0;
      let updated = 0;
      const last = new Map<string, NumberInput>();
      for (const input of rows) {
        if (present.has(input.number)) updated++;
        else created++;
        present.add(input.number);
        last.set(input.number, input);
      }
      const batch = [...last.values()];
      for (let i = 0; i < batch.length; i += BULK_CHUNK)
        await upsertBatch(client, batch.slice(i, i + BULK_CHUNK));
      return { created, updated };
    });
    await this.replica.refresh({ numbers: rows.map((r) => r.number) });
    return counts;
  }
}

const BULK_CHUNK = 10_000;

/** INSERT … ON CONFLICT over arrays (one parameter per column), keeping each row's created_at. */
async function upsertBatch(client: PoolClient, rows: NumberInput[]): Promise<void> {
  const now = new Date().toISOString();
  const columns = [
    rows.map((r) => r.number),
    rows.map((r) => r.customer),
    ...SERVICES.map((s) => rows.map((r) => r.services?.[s] === true)),
    rows.map((r) => r.custom_header ?? null),
  ];
  const types = ['text[]', 'text[]', ...SERVICES.map(() => 'boolean[]'), 'text[]'];
  const unnest = types.map((t, i) => `$${i + 1}::${t}`).join(', ');
  const at = `$${types.length + 1}`;
  await client.query(
    `INSERT INTO numbers (number, customer, ${SERVICES.join(', ')}, custom_header, created_at, updated_at)
     SELECT *, ${at}::timestamptz, ${at}::timestamptz FROM unnest(${unnest})
     ON CONFLICT (number) DO UPDATE SET customer = excluded.customer,
       ${SERVICES.map((s) => `${s} = excluded.${s}`).join(', ')},
       custom_header = excluded.custom_header, updated_at = excluded.updated_at`,
    [...columns, now],
  );
}

/** Inserts or replaces one number; the caller holds the transaction. */
async function writeNumber(
  client: PoolClient,
  input: NumberInput,
  existing: NumberRow | undefined,
): Promise<NumberRow> {
  if (!isE164(input.number)) throw new InvalidError(notE164(input.number));
  const missing = `customer '${input.customer}' does not exist`;
  if (!(await customerById(client, input.customer))) throw new InvalidError(missing);
  const now = new Date().toISOString();
  const flags = SERVICES.map((s) => input.services?.[s] === true);
  const placeholders = SERVICES.map((_, i) => `$${i + 3}`).join(', ');
  const n = SERVICES.length;
  try {
    const { rows } = await client.query<NumberRow>(
      `INSERT INTO numbers (number, customer, ${SERVICES.join(', ')}, custom_header, created_at, updated_at)
       VALUES ($1, $2, ${placeholders}, $${n + 3}, $${n + 4}, $${n + 5})
       ON CONFLICT (number) DO UPDATE SET customer = excluded.customer,
         ${SERVICES.map((s) => `${s} = excluded.${s}`).join(', ')},
         custom_header = excluded.custom_header, updated_at = excluded.updated_at
       RETURNING *`,
      [input.number, input.customer, ...flags, input.custom_header ?? null, existing?.created_at ?? now, now],
    );
    return rows[0] as NumberRow;
  } catch (error) {
    // The customer was deleted by another node since the check.
    return mapConstraint(error, { foreignKey: missing });
  }
}

async function customerById(db: Db, id: string, forUpdate = false): Promise<CustomerRow | undefined> {
  const { rows } = await db.query<CustomerRow>(
    `SELECT * FROM customers WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

async function numberById(db: Db, number: string, forUpdate = false): Promise<NumberRow | undefined> {
  const { rows } = await db.query<NumberRow>(
    `SELECT * FROM numbers WHERE number = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [number],
  );
  return rows[0];
}

function notE164(number: string): string {
  return `'${number}' is not an E.164 number (+ and 2–15 digits)`;
}

function stillHas(id: string, count: number): string {
  return `customer '${id}' still has ${count} number(s); delete or move them first`;
}

function toCustomer(row: CustomerRow): Customer {
  const direct_routing: Customer['direct_routing'] = {};
  if (row.dr_tenant_id !== null) direct_routing.tenant_id = row.dr_tenant_id;
  if (row.dr_domain !== null) direct_routing.domain = row.dr_domain;
  return {
    id: row.id,
    name: row.name,
    direct_routing,
    screening_opt_out: row.screening_opt_out,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function toNumber(row: NumberRow): PhoneNumber {
  const services = {} as ServiceFlags;
  for (const s of SERVICES) services[s] = row[s];
  return {
    number: row.number,
    customer: row.customer,
    services,
    custom_header: row.custom_header,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
