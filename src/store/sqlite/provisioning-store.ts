import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { ConflictError, InvalidError, NotFoundError } from '../errors.ts';
import {
  type Customer,
  type CustomerInput,
  type CustomerPatch,
  type NumberInput,
  type NumberPatch,
  type NumberQuery,
  type PhoneNumber,
  type ProvisioningLookup,
  type ProvisioningStore,
  SERVICES,
  type ServiceFlags,
} from '../types.ts';
import { isCustomerId, isE164 } from '../validate.ts';
import { transaction } from './database.ts';

interface CustomerRow {
  id: string;
  name: string;
  dr_tenant_id: string | null;
  dr_domain: string | null;
  screening_opt_out: number;
  created_at: string;
  updated_at: string;
}

type NumberRow = { number: string; customer: string; custom_header: string | null } & Record<
  (typeof SERVICES)[number],
  number
> & { created_at: string; updated_at: string };

export class SqliteProvisioningStore implements ProvisioningStore, ProvisioningLookup {
  private readonly db: DatabaseSync;
  // Prepared once: lookups run on every call's signaling path.
  private readonly numberById: StatementSync;
  private readonly customerById: StatementSync;

  constructor(db: DatabaseSync) {
    this.db = db;
    this.numberById = db.prepare('SELECT * FROM numbers WHERE number = ?');
    this.customerById = db.prepare('SELECT * FROM customers WHERE id = ?');
  }

  async listCustomers(): Promise<Customer[]> {
    const rows = this.db.prepare('SELECT * FROM customers ORDER BY id').all() as unknown as CustomerRow[];
    return rows.map(toCustomer);
  }

  async getCustomer(id: string): Promise<Customer | undefined> {
    const row = this.customerById.get(id) as CustomerRow | undefined;
    return row && toCustomer(row);
  }

  async createCustomer(input: CustomerInput): Promise<Customer> {
    if (!isCustomerId(input.id)) throw new InvalidError(`'${input.id}' is not a valid customer id`);
    const now = new Date().toISOString();
    transaction(this.db, () => {
      if (this.customerById.get(input.id)) throw new ConflictError(`customer '${input.id}' already exists`);
      this.db
        .prepare(
          'INSERT INTO customers (id, name, dr_tenant_id, dr_domain, screening_opt_out, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          input.id,
          input.name,
          input.direct_routing?.tenant_id ?? null,
          input.direct_routing?.domain ?? null,
          input.screening_opt_out ? 1 : 0,
          now,
          now,
        );
    });
    return this.mustGetCustomer(input.id);
  }

  async updateCustomer(id: string, patch: CustomerPatch): Promise<Customer> {
    transaction(this.db, () => {
      const row = this.customerById.get(id) as CustomerRow | undefined;
      if (!row) throw new NotFoundError(`customer '${id}' does not exist`);
      const dr = patch.direct_routing;
      this.db
        .prepare(
          'UPDATE customers SET name = ?, dr_tenant_id = ?, dr_domain = ?, screening_opt_out = ?, updated_at = ? WHERE id = ?',
        )
        .run(
          patch.name ?? row.name,
          dr === undefined ? row.dr_tenant_id : (dr.tenant_id ?? null),
          dr === undefined ? row.dr_domain : (dr.domain ?? null),
          patch.screening_opt_out === undefined ? row.screening_opt_out : patch.screening_opt_out ? 1 : 0,
          new Date().toISOString(),
          id,
        );
    });
    return this.mustGetCustomer(id);
  }

  async deleteCustomer(id: string): Promise<void> {
    transaction(this.db, () => {
      if (!this.customerById.get(id)) throw new NotFoundError(`customer '${id}' does not exist`);
      const used = this.db.prepare('SELECT COUNT(*) AS n FROM numbers WHERE customer = ?').get(id) as {
        n: number;
      };
      if (used.n > 0)
        throw new ConflictError(`customer '${id}' still has ${used.n} number(s); delete or move them first`);
      this.db.prepare('DELETE FROM customers WHERE id = ?').run(id);
    });
  }

  async listNumbers(query: NumberQuery): Promise<PhoneNumber[]> {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (query.customer !== undefined) {
      where.push('customer = ?');
      params.push(query.customer);
    }
    if (query.after !== undefined) {
      where.push('number > ?');
      params.push(query.after);
    }
    const sql = `SELECT * FROM numbers ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY number LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, query.limit) as unknown as NumberRow[];
    return rows.map(toNumber);
  }

  async getNumber(number: string): Promise<PhoneNumber | undefined> {
    const row = this.numberById.get(number) as NumberRow | undefined;
    return row && toNumber(row);
  }

  async createNumber(input: NumberInput): Promise<PhoneNumber> {
    transaction(this.db, () => {
      if (this.numberById.get(input.number)) throw new ConflictError(`number ${input.number} already exists`);
      this.writeNumber(input, undefined);
    });
    return this.mustGetNumber(input.number);
  }

  async updateNumber(number: string, patch: NumberPatch): Promise<PhoneNumber> {
    transaction(this.db, () => {
      const row = this.numberById.get(number) as NumberRow | undefined;
      if (!row) throw new NotFoundError(`number ${number} does not exist`);
      const current = toNumber(row);
      this.writeNumber(
        {
          number,
          customer: patch.customer ?? current.customer,
          services: { ...current.services, ...patch.services },
          custom_header: patch.custom_header === undefined ? current.custom_header : patch.custom_header,
        },
        row,
      );
    });
    return this.mustGetNumber(number);
  }

  async deleteNumber(number: string): Promise<void> {
    const result = this.db.prepare('DELETE FROM numbers WHERE number = ?').run(number);
    if (result.changes === 0) throw new NotFoundError(`number ${number} does not exist`);
  }

  async upsertNumbers(rows: NumberInput[]): Promise<{ created: number; updated: number }> {
    let created = 0;
    let updated = 0;
    transaction(this.db, () => {
      for (const input of rows) {
        const existing = this.numberById.get(input.number) as NumberRow | undefined;
        this.writeNumber(input, existing);
        if (existing) updated++;
        else created++;
      }
    });
    return { created, updated };
  }

  /** ProvisioningLookup: the rows rules see (docs/stores.md, "What rules see"). */
  get(table: string, key: string): Record<string, unknown> | undefined {
    if (table === 'numbers') {
      const row = this.numberById.get(key) as NumberRow | undefined;
      if (!row) return undefined;
      const out: Record<string, unknown> = { customer: row.customer, tenant: row.customer };
      for (const service of SERVICES) out[service] = row[service] === 1;
      if (row.custom_header !== null) out.header = row.custom_header;
      return out;
    }
    if (table === 'tenants') {
      const row = this.customerById.get(key) as CustomerRow | undefined;
      if (!row) return undefined;
      const out: Record<string, unknown> = { name: row.name, screening: row.screening_opt_out === 0 };
      if (row.dr_tenant_id !== null) out.tenant_id = row.dr_tenant_id;
      if (row.dr_domain !== null) out.domain = row.dr_domain;
      return out;
    }
    return undefined;
  }

  /** Inserts or replaces one number; the caller holds the transaction. */
  private writeNumber(input: NumberInput, existing: NumberRow | undefined): void {
    if (!isE164(input.number))
      throw new InvalidError(`'${input.number}' is not an E.164 number (+ and 2–15 digits)`);
    if (!this.customerById.get(input.customer))
      throw new InvalidError(`customer '${input.customer}' does not exist`);
    const now = new Date().toISOString();
    const flags = SERVICES.map((s) => (input.services?.[s] ? 1 : 0));
    this.db
      .prepare(
        `INSERT INTO numbers (number, customer, ${SERVICES.join(', ')}, custom_header, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (number) DO UPDATE SET customer = excluded.customer,
           ${SERVICES.map((s) => `${s} = excluded.${s}`).join(', ')},
           custom_header = excluded.custom_header, updated_at = excluded.updated_at`,
      )
      .run(
        input.number,
        input.customer,
        ...flags,
        input.custom_header ?? null,
        existing?.created_at ?? now,
        now,
      );
  }

  private async mustGetCustomer(id: string): Promise<Customer> {
    const customer = await this.getCustomer(id);
    if (!customer) throw new NotFoundError(`customer '${id}' does not exist`);
    return customer;
  }

  private async mustGetNumber(number: string): Promise<PhoneNumber> {
    const found = await this.getNumber(number);
    if (!found) throw new NotFoundError(`number ${number} does not exist`);
    return found;
  }
}

function toCustomer(row: CustomerRow): Customer {
  const direct_routing: Customer['direct_routing'] = {};
  if (row.dr_tenant_id !== null) direct_routing.tenant_id = row.dr_tenant_id;
  if (row.dr_domain !== null) direct_routing.domain = row.dr_domain;
  return {
    id: row.id,
    name: row.name,
    direct_routing,
    screening_opt_out: row.screening_opt_out === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toNumber(row: NumberRow): PhoneNumber {
  const services = {} as ServiceFlags;
  for (const s of SERVICES) services[s] = row[s] === 1;
  return {
    number: row.number,
    customer: row.customer,
    services,
    custom_header: row.custom_header,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
