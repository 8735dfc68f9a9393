/**
 * The one way rules read provisioning data: a synchronous, read-only lookup by table and key.
 * The SQLite/PostgreSQL provisioning store implements it later; tests use InMemoryTables.
 */
export type TableRow = Record<string, unknown>;

export interface TableSource {
  /** The row for `key` in provisioning table `table`, or undefined. Must not block on I/O. */
  get(table: string, key: string): TableRow | undefined;
}

export class InMemoryTables implements TableSource {
  private readonly data = new Map<string, Map<string, TableRow>>();

  constructor(tables: Record<string, Record<string, TableRow>> = {}) {
    for (const [name, rows] of Object.entries(tables)) this.data.set(name, new Map(Object.entries(rows)));
  }

  set(table: string, key: string, row: TableRow): void {
    let t = this.data.get(table);
    if (t === undefined) {
      t = new Map();
      this.data.set(table, t);
    }
    t.set(key, row);
  }

  get(table: string, key: string): TableRow | undefined {
    return this.data.get(table)?.get(key);
  }
}

export const NO_TABLES: TableSource = { get: () => undefined };
