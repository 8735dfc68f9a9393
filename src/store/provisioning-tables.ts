/**
 * Rules read provisioning data through the runtime's TableSource (src/runtime/table-source.ts):
 * `table numbers = provisioning.numbers { … }` and `provisioning.tenants`. This adapter serves it
 * from a ProvisioningLookup without any cache, so a change made through the admin API is seen
 * by the very next lookup, with no rule reload (issue: "visible to new calls at once").
 */
import type { TableRow, TableSource } from '../runtime/table-source.ts';
import type { ProvisioningLookup } from './types.ts';

/** The provisioning sources the rule language knows (dsl PROVISIONING_SOURCES). */
const TABLES = new Set(['numbers', 'tenants']);

export class ProvisioningTables implements TableSource {
  private readonly lookup: ProvisioningLookup;

  constructor(lookup: ProvisioningLookup) {
    this.lookup = lookup;
  }

  get(table: string, key: string): TableRow | undefined {
    if (!TABLES.has(table)) return undefined;
    return this.lookup.get(table, key);
  }
}
