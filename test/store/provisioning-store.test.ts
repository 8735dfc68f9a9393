/** The SQLite provisioning store on a real database file: customers, numbers, bulk upserts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidError,
  NotFoundError,
  openSqliteStores,
  type Stores,
} from '../../src/store/index.ts';

let dir: string;
let stores: Stores;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sbc-prov-'));
  stores = openSqliteStores(dir);
});
afterEach(() => {
  stores.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('customers', () => {
  it('are created with a Direct Routing identity and screening on unless opted out', async () => {
    const c = await stores.provisioning.createCustomer({
      id: 'contoso',
      name: 'Contoso',
      direct_routing: {
        tenant_id: '6babcaad-604b-40ac-a9d7-9fd97c0b779f',
        domain: 'contoso.sbc.example.com',
      },
    });
    expect(c).toMatchObject({
      id: 'contoso',
      screening_opt_out: false,
      direct_routing: { domain: 'contoso.sbc.example.com' },
    });
    await expect(stores.provisioning.createCustomer({ id: 'contoso', name: 'again' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    const changed = await stores.provisioning.updateCustomer('contoso', { screening_opt_out: true });
    expect(changed).toMatchObject({ name: 'Contoso', screening_opt_out: true });
    expect(changed.direct_routing.tenant_id).toBe('6babcaad-604b-40ac-a9d7-9fd97c0b779f');
    await expect(stores.provisioning.updateCustomer('nobody', { name: 'x' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('cannot be deleted while numbers are assigned', async () => {
    await stores.provisioning.createCustomer({ id: 'acme', name: 'Acme' });
    await stores.provisioning.createNumber({ number: '+14155550100', customer: 'acme' });
    await expect(stores.provisioning.deleteCustomer('acme')).rejects.toThrow(/still has 1 number/);
    await stores.provisioning.deleteNumber('+14155550100');
    await stores.provisioning.deleteCustomer('acme');
    expect(await stores.provisioning.listCustomers()).toEqual([]);
  });
});

describe('numbers', () => {
  beforeEach(async () => {
    await stores.provisioning.createCustomer({ id: 'acme', name: 'Acme' });
    await stores.provisioning.createCustomer({ id: 'contoso', name: 'Contoso' });
  });

  it('keep service flags and a custom header; updates merge flags', async () => {
    const n = await stores.provisioning.createNumber({
      number: '+14155550100',
      customer: 'acme',
      services: { zoom: true },
      custom_header: 'acme-1',
    });
    expect(n.services).toEqual({
      zoom: true,
      teams_direct_routing: false,
      operator_connect: false,
      teams_phone_mobile: false,
    });
    const u = await stores.provisioning.updateNumber('+14155550100', {
      services: { operator_connect: true },
      custom_header: null,
    });
    expect(u.services).toMatchObject({ zoom: true, operator_connect: true });
    expect(u.custom_header).toBeNull();
    expect(u.created_at).toBe(n.created_at);
  });

  it('refuse numbers that are not E.164 and customers that do not exist', async () => {
    await expect(
      stores.provisioning.createNumber({ number: '4155550100', customer: 'acme' }),
    ).rejects.toBeInstanceOf(InvalidError);
    await expect(
      stores.provisioning.createNumber({ number: '+14155550100', customer: 'ghost' }),
    ).rejects.toThrow(/does not exist/);
    await stores.provisioning.createNumber({ number: '+14155550100', customer: 'acme' });
    await expect(
      stores.provisioning.createNumber({ number: '+14155550100', customer: 'acme' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('list in number order, filtered by customer, paged with after', async () => {
    for (const [n, c] of [
      ['+441', 'acme'],
      ['+12', 'contoso'],
      ['+333', 'acme'],
      ['+19', 'acme'],
    ] as const)
      await stores.provisioning.createNumber({ number: n, customer: c });
    const all = await stores.provisioning.listNumbers({ limit: 100 });
    expect(all.map((n) => n.number)).toEqual(['+12', '+19', '+333', '+441']);
    const acme = await stores.provisioning.listNumbers({ customer: 'acme', limit: 2 });
    expect(acme.map((n) => n.number)).toEqual(['+19', '+333']);
    const next = await stores.provisioning.listNumbers({ customer: 'acme', after: '+333', limit: 2 });
    expect(next.map((n) => n.number)).toEqual(['+441']);
  });

  it('bulk upsert is all or nothing', async () => {
    await stores.provisioning.createNumber({ number: '+14155550100', customer: 'acme' });
    const result = await stores.provisioning.upsertNumbers([
      { number: '+14155550100', customer: 'contoso', services: { teams_phone_mobile: true } },
      { number: '+14155550101', customer: 'acme' },
    ]);
    expect(result).toEqual({ created: 1, updated: 1 });
    expect((await stores.provisioning.getNumber('+14155550100'))?.customer).toBe('contoso');
    await expect(
      stores.provisioning.upsertNumbers([
        { number: '+14155550102', customer: 'acme' },
        { number: '+14155550103', customer: 'ghost' },
      ]),
    ).rejects.toThrow(/ghost/);
    expect(await stores.provisioning.getNumber('+14155550102')).toBeUndefined();
  });
});
