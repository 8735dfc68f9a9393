/**
 * Rules read provisioning through the runtime's TableSource. A real rule set in a real isolate
 * looks numbers up in a real SQLite store: a change made in the store is seen by the very next
 * call, with no rule reload (issue 9 item 4).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStores, ProvisioningTables, type Stores } from '../../src/store/index.ts';
import { requestIn, runtimeFor } from '../runtime/helpers.ts';

const RULES = `ruleset lookups

trunk core {
  peers ["10.0.0.10:5060"]
}

table numbers = provisioning.numbers {
  zoom: bool
  header: string?
  tenant: string?
}

table tenants = provisioning.tenants {
  domain: string
  screening: bool
}

on request INVITE {
  let callee = e164(ruri.user, country: "US") else reject 484
  let entry = numbers[callee] else reject 404 "Number not provisioned"
  if not entry.zoom {
    reject 403 "Number not enabled for Zoom"
  }
  let tenant_id = entry.tenant else reject 480
  let tenant = tenants[tenant_id] else reject 481
  if tenant.screening {
    set header "X-Screened" = "yes"
  }
  if has(entry.header) {
    set header "X-Customer" = entry.header ?? ""
  }
  set ruri.host = tenant.domain
  route core
}
`;

let dir: string;
let stores: Stores;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sbc-tables-'));
  stores = openSqliteStores(dir);
  await stores.provisioning.createCustomer({
    id: 'acme',
    name: 'Acme',
    direct_routing: { domain: 'acme.sbc.example.com' },
  });
});
afterEach(() => {
  stores.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ProvisioningTables', () => {
  it('serves numbers and tenants rows in the shape rules declare', async () => {
    await stores.provisioning.createNumber({
      number: '+14085551212',
      customer: 'acme',
      services: { zoom: true },
      custom_header: 'acme-7',
    });
    const tables = new ProvisioningTables(stores.lookup);
    expect(tables.get('numbers', '+14085551212')).toEqual({
      customer: 'acme',
      tenant: 'acme',
      zoom: true,
      teams_direct_routing: false,
      operator_connect: false,
      teams_phone_mobile: false,
      header: 'acme-7',
    });
    expect(tables.get('tenants', 'acme')).toEqual({
      name: 'Acme',
      screening: true,
      domain: 'acme.sbc.example.com',
    });
    expect(tables.get('numbers', '+10000000000')).toBeUndefined();
    expect(tables.get('routes', 'acme')).toBeUndefined();
  });

  it('a running rule set sees provisioning changes on the next call, without reload', async () => {
    const runtime = runtimeFor(RULES, { tables: new ProvisioningTables(stores.lookup) });
    try {
      const call = () => runtime.runHook(requestIn());
      expect(call().effects[0]).toMatchObject({ kind: 'reject', code: 404 });

      await stores.provisioning.createNumber({
        number: '+14085551212',
        customer: 'acme',
        services: { zoom: false },
      });
      expect(call().effects[0]).toMatchObject({ kind: 'reject', code: 403 });

      await stores.provisioning.updateNumber('+14085551212', {
        services: { zoom: true },
        custom_header: 'acme-7',
      });
      const routed = call();
      expect(routed.error).toBeUndefined();
      expect(routed.effects).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'route', target: 'core' }),
          expect.objectContaining({ name: 'X-Customer', value: 'acme-7' }),
          expect.objectContaining({ name: 'X-Screened', value: 'yes' }),
        ]),
      );

      await stores.provisioning.updateCustomer('acme', { screening_opt_out: true });
      expect(call().effects).not.toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'X-Screened' })]),
      );
    } finally {
      runtime.close();
    }
  });
});
