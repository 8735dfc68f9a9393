/** Provisioning endpoints: customers, numbers, CSV import/export with per-row errors. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProvisioningTables } from '../../src/store/index.ts';
import { auth, startTestAdmin, type TestAdmin } from './support/admin.ts';

let t: TestAdmin;
beforeEach(async () => {
  t = await startTestAdmin();
});
afterEach(() => t.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, payload?: object) =>
  t.app.inject({ method, url, headers: auth(), ...(payload ? { payload } : {}) });
const csv = (url: string, text: string) =>
  t.app.inject({ method: 'POST', url, headers: { ...auth(), 'content-type': 'text/csv' }, payload: text });

const CONTOSO = {
  id: 'contoso',
  name: 'Contoso Ltd',
  direct_routing: { tenant_id: '6babcaad-604b-40ac-a9d7-9fd97c0b779f', domain: 'contoso.sbc.example.com' },
};

describe('customers', () => {
  it('CRUD with Direct Routing identity and screening opt-out', async () => {
    const created = await call('POST', '/api/v1/customers', CONTOSO);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ ...CONTOSO, screening_opt_out: false });
    expect((await call('POST', '/api/v1/customers', CONTOSO)).statusCode).toBe(409);
    const patched = await call('PATCH', '/api/v1/customers/contoso', { screening_opt_out: true });
    expect(patched.json()).toMatchObject({ screening_opt_out: true, direct_routing: CONTOSO.direct_routing });
    expect((await call('GET', '/api/v1/customers')).json()).toHaveLength(1);
    expect((await call('DELETE', '/api/v1/customers/contoso')).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/customers/contoso')).statusCode).toBe(404);
  });

  it('refuses a malformed tenant id, domain or unknown field with a 400 that names it', async () => {
    const bad = await call('POST', '/api/v1/customers', {
      ...CONTOSO,
      direct_routing: { tenant_id: 'nope' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('/direct_routing/tenant_id');
    const extra = await call('POST', '/api/v1/customers', { ...CONTOSO, colour: 'blue' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().message).toContain("unknown field(s) 'colour'");
    expect((await call('PATCH', '/api/v1/customers/contoso', {})).statusCode).toBe(400);
  });
});

describe('numbers', () => {
  beforeEach(async () => {
    await call('POST', '/api/v1/customers', CONTOSO);
  });

  it('CRUD; the path may omit the +; rules see each change at once', async () => {
    const tables = new ProvisioningTables(t.stores.lookup);
    const created = await call('POST', '/api/v1/numbers', {
      number: '+14155550100',
      customer: 'contoso',
      services: { teams_direct_routing: true },
      custom_header: 'contoso-hq',
    });
    expect(created.statusCode).toBe(201);
    expect(tables.get('numbers', '+14155550100')).toMatchObject({
      teams_direct_routing: true,
      zoom: false,
      header: 'contoso-hq',
    });
    const patched = await call('PATCH', '/api/v1/numbers/14155550100', {
      services: { zoom: true },
      custom_header: null,
    });
    expect(patched.json().services).toMatchObject({ zoom: true, teams_direct_routing: true });
    expect(tables.get('numbers', '+14155550100')).not.toHaveProperty('header');
    expect((await call('GET', '/api/v1/numbers/%2B14155550100')).json().number).toBe('+14155550100');
    expect((await call('DELETE', '/api/v1/numbers/+14155550100')).statusCode).toBe(204);
    expect(tables.get('numbers', '+14155550100')).toBeUndefined();
    expect((await call('GET', '/api/v1/numbers/14155550100')).statusCode).toBe(404);
  });

  it('refuses non-E.164 numbers, unknown customers and header values with line breaks', async () => {
    expect(
      (await call('POST', '/api/v1/numbers', { number: '4155550100', customer: 'contoso' })).statusCode,
    ).toBe(400);
    const ghost = await call('POST', '/api/v1/numbers', { number: '+14155550100', customer: 'ghost' });
    expect(ghost.statusCode).toBe(422);
    expect(ghost.json().message).toContain("customer 'ghost' does not exist");
    const injected = await call('POST', '/api/v1/numbers', {
      number: '+14155550100',
      customer: 'contoso',
      custom_header: 'a\r\nVia: x',
    });
    expect(injected.statusCode).toBe(400);
    expect(
      (
        await call('POST', '/api/v1/numbers', {
          number: '+14155550100',
          customer: 'contoso',
          services: { zoom: 'yes' },
        })
      ).statusCode,
    ).toBe(400);
  });

  it('lists with a customer filter and keyset paging', async () => {
    for (const n of ['+14155550102', '+14155550100', '+14155550101'])
      await call('POST', '/api/v1/numbers', { number: n, customer: 'contoso' });
    const first = (await call('GET', '/api/v1/numbers?customer=contoso&limit=2')).json();
    expect(first.map((n: { number: string }) => n.number)).toEqual(['+14155550100', '+14155550101']);
    const next = (
      await call('GET', `/api/v1/numbers?limit=2&after=${encodeURIComponent('+14155550101')}`)
    ).json();
    expect(next.map((n: { number: string }) => n.number)).toEqual(['+14155550102']);
    expect((await call('GET', '/api/v1/numbers?limit=0')).statusCode).toBe(400);
  });
});

describe('CSV import and export', () => {
  beforeEach(async () => {
    await call('POST', '/api/v1/customers', CONTOSO);
    await call('POST', '/api/v1/customers', { id: 'acme', name: 'Acme' });
  });

  const GOOD = [
    'number,customer,zoom,teams_direct_routing,operator_connect,teams_phone_mobile,custom_header',
    '+14155550100,contoso,true,false,false,false,contoso-hq',
    '+14155550101,acme,yes,no,1,0,',
    '"+14155550102",acme,,,,true,"acme, sales"',
  ].join('\n');

  it('imports rows (create or replace) and exports them in the same format', async () => {
    const r = await csv('/api/v1/numbers/import', GOOD);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ created: 3, updated: 0, errors: [] });
    const again = await csv('/api/v1/numbers/import', 'number,customer,zoom\n+14155550100,acme,false\n');
    expect(again.json()).toMatchObject({ created: 0, updated: 1 });
    expect((await call('GET', '/api/v1/numbers/14155550100')).json()).toMatchObject({
      customer: 'acme',
      custom_header: null,
    });

    const exported = await call('GET', '/api/v1/numbers/export');
    expect(exported.headers['content-type']).toMatch(/^text\/csv/);
    expect(exported.body.split('\n')[0]).toBe(GOOD.split('\n')[0]);
    expect(exported.body).toContain('+14155550102,acme,false,false,false,true,"acme, sales"');
    // What was exported imports back unchanged.
    expect((await csv('/api/v1/numbers/import', exported.body)).json()).toMatchObject({
      created: 0,
      updated: 3,
    });
    const contosoOnly = await call('GET', '/api/v1/numbers/export?customer=contoso');
    expect(contosoOnly.body.trim().split('\n')).toHaveLength(1);
  });

  it('reports every bad row with its line and imports nothing, unless partial', async () => {
    const text = [
      'number,customer,zoom',
      '+14155550100,contoso,true',
      '4155550101,contoso,true',
      '+14155550102,ghost,true',
      '+14155550103,acme,maybe',
      '+14155550100,acme,false',
      '+14155550104,acme',
    ].join('\n');
    const r = await csv('/api/v1/numbers/import', text);
    expect(r.statusCode).toBe(422);
    expect(r.json().errors).toEqual([
      { line: 3, number: '4155550101', message: expect.stringContaining('not an E.164 number') },
      { line: 4, number: '+14155550102', message: "customer 'ghost' does not exist" },
      { line: 5, number: '+14155550103', message: "zoom: 'maybe' is not true/false" },
      { line: 6, number: '+14155550100', message: 'number also on line 2' },
      { line: 7, message: 'expected 3 fields, found 2' },
    ]);
    expect((await call('GET', '/api/v1/numbers')).json()).toEqual([]);

    const partial = await csv('/api/v1/numbers/import?partial=true', text);
    expect(partial.statusCode).toBe(200);
    expect(partial.json()).toMatchObject({ created: 1, updated: 0 });
    expect(partial.json().errors).toHaveLength(5);
  });

  it('a file that is not usable CSV is a 400 with the reason', async () => {
    for (const [text, reason] of [
      ['', 'empty'],
      ['number,customer,colour\n', "unknown column(s) 'colour'"],
      ['customer,zoom\nacme,true\n', "no 'number' column"],
      ['number,customer\n"+14155550100,acme\n', 'Quote Not Closed'],
      ['number,number,customer\n', 'appears twice'],
    ] as const) {
      const r = await csv('/api/v1/numbers/import', text);
      expect(r.statusCode, text).toBe(400);
      expect(r.json().message).toContain(reason);
    }
    const json = await call('POST', '/api/v1/numbers/import', { number: '+1' });
    expect(json.statusCode).toBe(400);
  });

  it('import and export are audited and counted', async () => {
    await csv('/api/v1/numbers/import', GOOD);
    expect(t.logs().find((l) => l.action === 'number.import')).toMatchObject({
      audit: true,
      created: 3,
      actor: 'bootstrap',
    });
    const metrics = (await call('GET', '/metrics')).body;
    expect(metrics).toContain('sbc_provisioning_changes_total{entity="number",action="import"} 3');
  });
});
