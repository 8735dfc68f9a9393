/**
 * What every implementation of the store interfaces must do (src/store/types.ts), run against
 * each of them: the embedded SQLite stores and the shared PostgreSQL stores. Only behaviour
 * visible through the interfaces is checked here; each implementation's own file checks the rest
 * (files and pragmas, migrations, notifications).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConflictError,
  contentHash,
  InvalidError,
  NotFoundError,
  ProvisioningTables,
  type Stores,
} from '../../../src/store/index.ts';

export interface Opened {
  stores: Stores;
  /** Closes the stores and frees whatever they used (a file, a database). */
  dispose(): Promise<void>;
}

const files = (text: string) => ({ 'main.rules': text, 'lib/common.rules': '# shared' });

export function storeContract(open: () => Promise<Opened>): void {
  let opened: Opened;
  let stores: Stores;
  beforeEach(async () => {
    opened = await open();
    stores = opened.stores;
  });
  afterEach(async () => {
    await opened.dispose();
  });

  describe('RuleStore', () => {
    it('numbers versions 1, 2, 3 and keeps author, message, time, hash and files', async () => {
      const a = await stores.rules.addVersion({
        author: 'alice',
        message: 'first',
        entry: 'main.rules',
        files: files('a'),
      });
      const b = await stores.rules.addVersion({
        author: 'bob',
        message: 'second',
        entry: 'main.rules',
        files: files('b'),
      });
      expect([a.version, b.version]).toEqual([1, 2]);
      expect(b).toMatchObject({ author: 'bob', message: 'second', entry: 'main.rules' });
      expect(Date.parse(b.created_at)).toBeGreaterThan(Date.now() - 60_000);
      expect(b.hash).toBe(contentHash('main.rules', files('b')));
      expect(b.hash).not.toBe(a.hash);
      const stored = await stores.rules.getVersion(2);
      expect(stored).toEqual(b);
      // Files come back in the order they were written.
      expect(Object.keys(stored?.files ?? {})).toEqual(['main.rules', 'lib/common.rules']);
      expect((await stores.rules.listVersions()).map((v) => v.version)).toEqual([1, 2]);
      expect(await stores.rules.getVersion(3)).toBeUndefined();
    });

    it('the content hash depends on every path and byte, not on key order', () => {
      expect(contentHash('m', { a: '1', b: '2' })).toBe(contentHash('m', { b: '2', a: '1' }));
      expect(contentHash('m', { a: '12', b: '' })).not.toBe(contentHash('m', { a: '1', b: '2' }));
      expect(contentHash('m', { a: '1' })).not.toBe(contentHash('n', { a: '1' }));
    });

    it('activation moves the pointer and records history with the previous version', async () => {
      for (const t of ['a', 'b', 'c'])
        await stores.rules.addVersion({ author: 'x', message: t, entry: 'main.rules', files: files(t) });
      expect(await stores.rules.active()).toBeUndefined();
      await stores.rules.activate(1, 'alice', 'activate');
      await stores.rules.activate(3, 'alice', 'activate');
      const back = await stores.rules.activate(1, 'bob', 'rollback');
      expect(back).toMatchObject({ version: 1, previous: 3, kind: 'rollback', actor: 'bob' });
      expect(await stores.rules.active()).toEqual(back);
      expect((await stores.rules.activations(10)).map((a) => [a.version, a.previous])).toEqual([
        [1, 3],
        [3, 1],
        [1, null],
      ]);
      expect((await stores.rules.activations(1)).length).toBe(1);
    });

    it('refuses to activate a version that does not exist, and leaves the pointer alone', async () => {
      await stores.rules.addVersion({ author: 'x', message: '', entry: 'main.rules', files: files('a') });
      await stores.rules.activate(1, 'x', 'activate');
      await expect(stores.rules.activate(7, 'x', 'activate')).rejects.toBeInstanceOf(NotFoundError);
      expect((await stores.rules.active())?.version).toBe(1);
      expect(await stores.rules.activations(10)).toHaveLength(1);
    });
  });

  describe('ProvisioningStore: customers', () => {
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
      expect(await stores.provisioning.getCustomer('contoso')).toEqual(c);
      await expect(
        stores.provisioning.createCustomer({ id: 'contoso', name: 'again' }),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(stores.provisioning.createCustomer({ id: 'bad id!', name: 'x' })).rejects.toBeInstanceOf(
        InvalidError,
      );
      const changed = await stores.provisioning.updateCustomer('contoso', { screening_opt_out: true });
      expect(changed).toMatchObject({ name: 'Contoso', screening_opt_out: true });
      expect(changed.direct_routing.tenant_id).toBe('6babcaad-604b-40ac-a9d7-9fd97c0b779f');
      expect(changed.created_at).toBe(c.created_at);
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
      await expect(stores.provisioning.deleteCustomer('acme')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('ProvisioningStore: numbers', () => {
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
      expect(await stores.provisioning.getNumber('+14155550100')).toEqual(n);
      const u = await stores.provisioning.updateNumber('+14155550100', {
        services: { operator_connect: true },
        custom_header: null,
      });
      expect(u.services).toMatchObject({ zoom: true, operator_connect: true });
      expect(u.custom_header).toBeNull();
      expect(u.created_at).toBe(n.created_at);
      await expect(stores.provisioning.updateNumber('+19999', { custom_header: 'x' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(stores.provisioning.deleteNumber('+19999')).rejects.toBeInstanceOf(NotFoundError);
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

    it('bulk upsert is all or nothing, and counts a repeated number once created, then updated', async () => {
      await stores.provisioning.createNumber({ number: '+14155550100', customer: 'acme' });
      const before = await stores.provisioning.getNumber('+14155550100');
      const result = await stores.provisioning.upsertNumbers([
        { number: '+14155550100', customer: 'contoso', services: { teams_phone_mobile: true } },
        { number: '+14155550101', customer: 'acme' },
        { number: '+14155550101', customer: 'acme', custom_header: 'last wins' },
      ]);
      expect(result).toEqual({ created: 1, updated: 2 });
      const moved = await stores.provisioning.getNumber('+14155550100');
      expect(moved).toMatchObject({ customer: 'contoso', created_at: before?.created_at });
      expect(moved?.services.teams_phone_mobile).toBe(true);
      expect((await stores.provisioning.getNumber('+14155550101'))?.custom_header).toBe('last wins');
      await expect(
        stores.provisioning.upsertNumbers([
          { number: '+14155550102', customer: 'acme' },
          { number: '+14155550103', customer: 'ghost' },
        ]),
      ).rejects.toThrow(/ghost/);
      await expect(
        stores.provisioning.upsertNumbers([
          { number: '+14155550104', customer: 'acme' },
          { number: 'not-a-number', customer: 'acme' },
        ]),
      ).rejects.toBeInstanceOf(InvalidError);
      expect(await stores.provisioning.getNumber('+14155550102')).toBeUndefined();
      expect(await stores.provisioning.getNumber('+14155550104')).toBeUndefined();
    });
  });

  describe('ProvisioningLookup', () => {
    it('serves the rows rules see, and a change to the next lookup on this node', async () => {
      const tables = new ProvisioningTables(stores.lookup);
      await stores.provisioning.createCustomer({
        id: 'acme',
        name: 'Acme',
        direct_routing: { domain: 'acme.sbc.example.com' },
      });
      expect(tables.get('numbers', '+14085551212')).toBeUndefined();
      await stores.provisioning.createNumber({
        number: '+14085551212',
        customer: 'acme',
        services: { zoom: true },
        custom_header: 'acme-7',
      });
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
      await stores.provisioning.updateCustomer('acme', { screening_opt_out: true });
      expect(tables.get('tenants', 'acme')?.screening).toBe(false);
      await stores.provisioning.upsertNumbers([{ number: '+14085551213', customer: 'acme' }]);
      expect(tables.get('numbers', '+14085551213')?.zoom).toBe(false);
      await stores.provisioning.deleteNumber('+14085551212');
      expect(tables.get('numbers', '+14085551212')).toBeUndefined();
      expect(tables.get('routes', 'acme')).toBeUndefined();
    });
  });

  describe('TokenStore', () => {
    it('finds a token by the hash of its secret, lists and removes it', async () => {
      const record = {
        id: 'tok1',
        name: 'ci',
        role: 'operator' as const,
        created_at: '2026-01-02T03:04:05.000Z',
        created_by: 'admin',
      };
      await stores.tokens.create(record, 'a'.repeat(64));
      expect(await stores.tokens.findByHash('a'.repeat(64))).toEqual(record);
      expect(await stores.tokens.findByHash('b'.repeat(64))).toBeUndefined();
      await expect(stores.tokens.create({ ...record, id: 'tok2' }, 'a'.repeat(64))).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await stores.tokens.list()).toEqual([record]);
      await stores.tokens.remove('tok1');
      await expect(stores.tokens.remove('tok1')).rejects.toBeInstanceOf(NotFoundError);
      expect(await stores.tokens.list()).toEqual([]);
    });
  });
}
