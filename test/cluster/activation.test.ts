/**
 * Two real `sbc run` nodes sharing a real PostgreSQL (issue 12 items 1, 2 and 5): a rule-set
 * version activated on node A takes the new calls of node B while B's call in progress keeps the
 * version it started with; provisioning written on A is what B's rules look up; a node that was
 * down starts on the version and provisioning activated meanwhile. sipp on both sides.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { stopAll } from '../edge/support/sipp.ts';
import { messages, runUac, startLines, startUas, wait } from '../core/support.ts';
import type { SbcUnderTest } from '../support/sbc-under-test.ts';
import { activeVersion, pinned, startNode, until } from './support/cluster.ts';
import { type PostgresServer, startPostgres } from './support/postgres-server.ts';

let pg: PostgresServer;
let storeUrl: string;
const nodes: SbcUnderTest[] = [];
let a: SbcUnderTest;
let b: SbcUnderTest;

beforeAll(async () => {
  pg = await startPostgres();
  storeUrl = await pg.createDatabase('cluster');
  a = await startNode('a', { storeUrl });
  b = await startNode('b', { storeUrl });
  nodes.push(a, b);
}, 60_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  for (const node of nodes) await node.close();
  await pg?.destroy();
});

function rules(uasPort: number, body: string): string {
  return `ruleset cluster
trunk caller {
  peers ["127.0.0.1:5999"]
  sources [127.0.0.0/8]
}
trunk core {
  peers ["127.0.0.1:${uasPort}"]
}
table numbers = provisioning.numbers { zoom: bool }
on request INVITE from caller {
${body}
}
`;
}

const LOOKUP = `  let callee = e164(ruri.user, country: "US") else reject 484
  let entry = numbers[callee] else reject 404 "Not provisioned"`;

const finals = (trace: string) => startLines(trace, /^SIP\/2\.0 [2-6]\d\d/);

it("a version activated on A takes B's new calls; B's call in progress keeps its version", async () => {
  const uas = await startUas('uas', 1);
  const v2 = await a.activate(rules(uas.port, `${LOOKUP}\n  set header "X-Version" = "two"\n  route core`));
  await until(async () => (await activeVersion(b)) === v2, 'B runs the version activated on A');

  // B's rules look up provisioning written on A.
  const before = await runUac(b.sipPort, { service: '4155550100' });
  expect(finals(messages(before))).toEqual(['SIP/2.0 404 Not provisioned']);
  expect((await a.api('POST', '/api/v1/customers', { id: 'acme', name: 'Acme' })).status).toBe(201);
  const number = { number: '+14155550100', customer: 'acme', services: { zoom: true } };
  expect((await a.api('POST', '/api/v1/numbers', number)).status).toBe(201);
  await wait(300); // the NOTIFY's way to B

  const long = runUac(b.sipPort, { service: '4155550100', extra: ['-d', '4000'] });
  await until(
    async () => (await pinned(b)).some((p) => p.version === v2 && p.calls === 1),
    'a call on v2 at B',
  );

  const v3 = await a.activate(rules(uas.port, '  reject 486 "Busy from three"'));
  await until(async () => (await activeVersion(b)) === v3, 'B runs the next version activated on A');
  expect(await pinned(b)).toEqual([
    expect.objectContaining({ version: v2, active: false, calls: 1 }),
    expect.objectContaining({ version: v3, active: true, calls: 0 }),
  ]);
  const after = await runUac(b.sipPort, { service: '4155550100' });
  expect(finals(messages(after))).toEqual(['SIP/2.0 486 Busy from three']);

  // The long call went through on v2 to its end.
  expect((await long).successful).toBe(1);
  expect(messages(await uas.done)).toMatch(/^X-Version: two/m);
  const cdr = b.cdrs().find((c) => c.status === 200);
  expect(cdr?.ruleVersion).toBe(v2);
  // v2 is unloaded at B once its last call ended.
  await until(async () => (await pinned(b)).every((p) => p.version !== v2), 'v2 unloaded at B');
  // One store: B reports the activation made through A.
  const active = (await b.api('GET', '/api/v1/rulesets/active')).json;
  expect(active).toMatchObject({ version: v3, previous: v2, kind: 'activate' });
}, 50_000);

it('a node that was down starts on the version and the provisioning changed meanwhile', async () => {
  await b.close();
  const number = { number: '+14155550101', customer: 'acme', services: { zoom: true } };
  expect((await a.api('POST', '/api/v1/numbers', number)).status).toBe(201);
  const v4 = await a.activate(rules(5998, `${LOOKUP}\n  reject 480 "Found by four"`));
  const again = await startNode('b', { storeUrl });
  nodes.push(again);
  expect(await activeVersion(again)).toBe(v4);
  const call = await runUac(again.sipPort, { service: '4155550101' });
  expect(finals(messages(call))).toEqual(['SIP/2.0 480 Found by four']);
}, 40_000);
