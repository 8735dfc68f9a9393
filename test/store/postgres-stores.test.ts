/**
 * The shared PostgreSQL stores on a real PostgreSQL server (Debian package, started here on a
 * loopback port in a temporary directory): the store contract every implementation meets, then
 * what several nodes need — migrations applied once, version numbers unique across nodes, other
 * nodes' changes and activations reaching each node, and a full resynchronisation after a node
 * lost its notification connection.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPostgresStores,
  PG_SCHEMA_VERSION,
  type PostgresStores,
  ProvisioningTables,
} from '../../src/store/index.ts';
import { type PostgresServer, startPostgres } from '../cluster/support/postgres-server.ts';
import { storeContract } from './support/contract.ts';

let server: PostgresServer;
let databases = 0;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await server?.destroy();
});

async function freshDatabase(): Promise<string> {
  return server.createDatabase(`contract_${++databases}`);
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function sql(url: string, text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

describe('PostgreSQL stores: the store contract', () => {
  storeContract(async () => {
    const stores = await openPostgresStores({ url: await freshDatabase(), poolSize: 4 });
    return { stores, dispose: () => stores.end() };
  });
});

describe('PostgreSQL stores: several nodes on one database', () => {
  const opened: PostgresStores[] = [];
  async function node(url: string): Promise<PostgresStores> {
    const stores = await openPostgresStores({ url, poolSize: 4 });
    opened.push(stores);
    return stores;
  }
  afterAll(async () => {
    for (const s of opened.splice(0)) await s.end();
  });

  it('nodes starting at once on an empty database apply the migrations once', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([node(url), node(url)]);
    expect(a.healthy() && b.healthy()).toBe(true);
    expect((await sql(url, 'SELECT version FROM sbc_schema_version')).rows).toEqual([
      { version: PG_SCHEMA_VERSION },
    ]);
    await a.end();
    // Reopening a migrated database changes nothing and keeps the data.
    await b.rules.addVersion({
      author: 'x',
      message: 'kept',
      entry: 'main.rules',
      files: { 'main.rules': '' },
    });
    expect((await (await node(url)).rules.getVersion(1))?.message).toBe('kept');
  });

  it('refuses a database written by a newer SBC instead of misreading it', async () => {
    const url = await freshDatabase();
    await (await node(url)).end();
    await sql(url, 'UPDATE sbc_schema_version SET version = $1', [PG_SCHEMA_VERSION + 1]);
    await expect(openPostgresStores({ url })).rejects.toThrow(/newer than this SBC knows/);
  });

  it('two nodes never hand out the same version number, and leave no gaps', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([node(url), node(url)]);
    const made = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).rules.addVersion({
          author: 'x',
          message: `${i}`,
          entry: 'main.rules',
          files: { 'main.rules': `${i}` },
        }),
      ),
    );
    expect(made.map((v) => v.version).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it("a node's provisioning changes reach the other node's lookups (NOTIFY), deletions and bulk imports too", async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([node(url), node(url)]);
    const seenByB = new ProvisioningTables(b.lookup);
    await a.provisioning.createCustomer({ id: 'acme', name: 'Acme' });
    await a.provisioning.createNumber({ number: '+14155550100', customer: 'acme', services: { zoom: true } });
    await until(() => seenByB.get('numbers', '+14155550100')?.zoom === true);
    expect(seenByB.get('tenants', 'acme')).toEqual({ name: 'Acme', screening: true });

    await a.provisioning.updateCustomer('acme', { direct_routing: { domain: 'acme.example.com' } });
    await until(() => seenByB.get('tenants', 'acme')?.domain === 'acme.example.com');

    const bulk = Array.from({ length: 3000 }, (_, i) => ({
      number: `+1415600${String(i).padStart(4, '0')}`,
      customer: 'acme',
      services: { teams_direct_routing: true },
    }));
    const started = Date.now();
    await a.provisioning.upsertNumbers(bulk);
    await until(() => b.replicaSize().numbers === 3001);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(seenByB.get('numbers', '+14156002999')?.teams_direct_routing).toBe(true);

    await a.provisioning.deleteNumber('+14155550100');
    await until(() => seenByB.get('numbers', '+14155550100') === undefined);
    // And the other way round.
    await b.provisioning.updateNumber('+14156000000', { custom_header: 'from-b' });
    await until(() => new ProvisioningTables(a.lookup).get('numbers', '+14156000000')?.header === 'from-b');
  });

  it("an activation on one node is announced to every node's activation listener", async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([node(url), node(url)]);
    let told = 0;
    b.onActivation?.(() => told++);
    await a.rules.addVersion({ author: 'x', message: '', entry: 'main.rules', files: { 'main.rules': '' } });
    await a.rules.activate(1, 'alice', 'activate');
    await until(() => told >= 1);
    expect((await b.rules.active())?.version).toBe(1);
  });

  it('a node that lost its notification connection resynchronises in full when it is back', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([node(url), node(url)]);
    await a.provisioning.createCustomer({ id: 'acme', name: 'Acme' });
    let told = 0;
    b.onActivation?.(() => told++);
    // Cut every LISTEN connection (both nodes'); the pools' connections stay.
    await sql(
      url,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()",
    );
    await until(() => !b.healthy());
    // Written while B is not listening: no notification will ever reach it.
    await a.provisioning.createNumber({ number: '+14155550199', customer: 'acme' });
    await until(() => b.healthy());
    expect(new ProvisioningTables(b.lookup).get('numbers', '+14155550199')).toMatchObject({
      customer: 'acme',
    });
    // The active version is re-checked after a reconnect, since a move may have been missed too.
    expect(told).toBeGreaterThanOrEqual(1);
  });
});
