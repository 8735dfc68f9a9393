/**
 * The provisioning rows rules see, held in memory on each node. Rules look numbers up
 * synchronously on every call (ProvisioningLookup) and must never wait on the network, so each
 * node loads `numbers` and `customers` at start and re-reads the keys that changed: its own
 * writes at once, other nodes' when their NOTIFY arrives (docs/stores.md, "Several nodes").
 *
 * Every re-read runs on one serial queue, so a later read (which sees at least what an earlier
 * one saw) is always applied after it: the replica never goes back to an older row.
 */
import type { Pool } from 'pg';
import { type ProvisioningLookup, SERVICES } from '../types.ts';
import type { StoreLog } from './database.ts';

type Row = Record<string, unknown>;

interface NumberRow {
  number: string;
  customer: string;
  custom_header: string | null;
  [service: string]: unknown;
}

interface CustomerRow {
  id: string;
  name: string;
  dr_tenant_id: string | null;
  dr_domain: string | null;
  screening_opt_out: boolean;
}

const NUMBER_COLUMNS = `number, customer, ${SERVICES.join(', ')}, custom_header`;
const CUSTOMER_COLUMNS = 'id, name, dr_tenant_id, dr_domain, screening_opt_out';
/** Keys per re-read query, so a bulk import of a million numbers is read back in slices. */
const CHUNK = 5000;
const RETRY_MS = 1000;

export class ProvisioningReplica implements ProvisioningLookup {
  readonly #pool: Pool;
  readonly #log: StoreLog;
  #numbers = new Map<string, Row>();
  #tenants = new Map<string, Row>();
  readonly #pendingNumbers = new Set<string>();
  readonly #pendingCustomers = new Set<string>();
  #queue: Promise<void> = Promise.resolve();
  #nextFlush: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(pool: Pool, log: StoreLog) {
    this.#pool = pool;
    this.#log = log;
  }

  get(table: string, key: string): Row | undefined {
    const row =
      table === 'numbers' ? this.#numbers.get(key) : table === 'tenants' ? this.#tenants.get(key) : undefined;
    // A copy, as the SQLite lookup returns a fresh row each time: no caller can change the replica.
    return row && { ...row };
  }

  get size(): { numbers: number; customers: number } {
    return { numbers: this.#numbers.size, customers: this.#tenants.size };
  }

  /** Loads every row (at start, and after the notification connection was lost). */
  reload(): Promise<void> {
    const run = async () => {
      const [customers, numbers] = await Promise.all([
        this.#pool.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customers`),
        this.#pool.query<NumberRow>(`SELECT ${NUMBER_COLUMNS} FROM numbers`),
      ]);
      this.#tenants = new Map(customers.rows.map((r) => [r.id, tenantRow(r)]));
      this.#numbers = new Map(numbers.rows.map((r) => [r.number, numberRow(r)]));
    };
    const next = this.#queue.then(run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** A NOTIFY payload from the provisioning triggers: `n:<number>` or `c:<customer id>`. */
  notified(payload: string): void {
    this.#mark(payload);
    void this.#enqueue().catch(() => undefined);
  }

  /** Re-reads these keys after this node's own write, so its next call sees the change. */
  async refresh(keys: { numbers?: readonly string[]; customers?: readonly string[] }): Promise<void> {
    for (const n of keys.numbers ?? []) this.#pendingNumbers.add(n);
    for (const c of keys.customers ?? []) this.#pendingCustomers.add(c);
    // The write is committed whatever happens here; a failed re-read is retried (see #flush).
    await this.#enqueue().catch(() => undefined);
  }

  close(): void {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
  }

  #mark(payload: string): void {
    const key = payload.slice(2);
    if (payload.startsWith('n:')) this.#pendingNumbers.add(key);
    else if (payload.startsWith('c:')) this.#pendingCustomers.add(key);
  }

  /** One flush waiting on the queue at a time; keys added before it starts ride along. */
  #enqueue(): Promise<void> {
    if (this.#nextFlush) return this.#nextFlush;
    const next = this.#queue.then(() => {
      this.#nextFlush = undefined;
      return this.#flush();
    });
    this.#nextFlush = next;
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #flush(): Promise<void> {
    const numbers = [...this.#pendingNumbers];
    const customers = [...this.#pendingCustomers];
    this.#pendingNumbers.clear();
    this.#pendingCustomers.clear();
    try {
      for (let i = 0; i < customers.length; i += CHUNK) {
        const keys = customers.slice(i, i + CHUNK);
        const { rows } = await this.#pool.query<CustomerRow>(
          `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = ANY($1)`,
          [keys],
        );
        apply(
          this.#tenants,
          keys,
          rows.map((r) => [r.id, tenantRow(r)]),
        );
      }
      for (let i = 0; i < numbers.length; i += CHUNK) {
        const keys = numbers.slice(i, i + CHUNK);
        const { rows } = await this.#pool.query<NumberRow>(
          `SELECT ${NUMBER_COLUMNS} FROM numbers WHERE number = ANY($1)`,
          [keys],
        );
        apply(
          this.#numbers,
          keys,
          rows.map((r) => [r.number, numberRow(r)]),
        );
      }
    } catch (error) {
      // Put the keys back and try again shortly; a lost connection also triggers a full reload.
      for (const n of numbers) this.#pendingNumbers.add(n);
      for (const c of customers) this.#pendingCustomers.add(c);
      this.#log.warn({ err: error }, 'provisioning replica: re-read failed; retrying');
      if (!this.#closed && !this.#retry) {
        this.#retry = setTimeout(() => {
          this.#retry = undefined;
          void this.#enqueue().catch(() => undefined);
        }, RETRY_MS);
        this.#retry.unref();
      }
      throw error;
    }
  }
}

/** Sets the rows read back and drops the keys that no longer exist (deleted). */
function apply(map: Map<string, Row>, keys: readonly string[], found: Array<[string, Row]>): void {
  const seen = new Set<string>();
  for (const [key, row] of found) {
    map.set(key, row);
    seen.add(key);
  }
  for (const key of keys) if (!seen.has(key)) map.delete(key);
}

/** The `numbers` row rules see (docs/stores.md, "What rules see"), as the SQLite lookup builds it. */
function numberRow(row: NumberRow): Row {
  const out: Row = { customer: row.customer, tenant: row.customer };
  for (const service of SERVICES) out[service] = row[service] === true;
  if (row.custom_header !== null) out.header = row.custom_header;
  return out;
}

function tenantRow(row: CustomerRow): Row {
  const out: Row = { name: row.name, screening: !row.screening_opt_out };
  if (row.dr_tenant_id !== null) out.tenant_id = row.dr_tenant_id;
  if (row.dr_domain !== null) out.domain = row.dr_domain;
  return out;
}
