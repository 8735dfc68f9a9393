/**
 * Node A of two is killed with SIGKILL while it holds calls (issue 12 item 5): node B keeps
 * serving, the tenant slots A held are freed once its heartbeat expires (nothing leaks), and
 * nothing written through A is lost — versions, the activation history, provisioning, tokens.
 * Real `sbc run` processes, PostgreSQL, Redis and sipp.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { stopAll } from '../edge/support/sipp.ts';
import { messages, runUac, startLines, startUas } from '../core/support.ts';
import type { SbcUnderTest } from '../support/sbc-under-test.ts';
import { activeVersion, pinned, until, startTwoNodes, type TwoNodes } from './support/cluster.ts';

const LIMIT = 3;
let cluster: TwoNodes | undefined;
let a: SbcUnderTest;
let b: SbcUnderTest;

beforeAll(async () => {
  cluster = await startTwoNodes({ core: { tenants: { acme: { maxCalls: LIMIT } } } });
  ({ a, b } = cluster);
}, 60_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await cluster?.close();
});

const finals = (trace: string) => startLines(trace, /^SIP\/2\.0 [2-6]\d\d/);

it('after A is killed, B serves calls, frees the slots A held, and has everything written through A', async () => {
  const uas = await startUas('uas', 20, ['-timeout', '60s']);
  const rules = (mark: string) => `ruleset node_loss
var tenant = ""
trunk caller {
  peers ["127.0.0.1:5999"]
  sources [127.0.0.0/8]
}
trunk core {
  peers ["127.0.0.1:${uas.port}"]
}
on request INVITE from caller {
  set tenant = "acme"
  set header "X-Mark" = "${mark}"
  route core
}
`;
  // Written through A: an active version and one kept for later, provisioning, a token.
  const active = await a.activate(rules('one'));
  const spare = await a.upload(rules('two'));
  expect((await a.api('POST', '/api/v1/customers', { id: 'acme', name: 'Acme' })).status).toBe(201);
  const numbers = Array.from({ length: 50 }, (_, i) => `+1415555${String(i).padStart(4, '0')}`);
  for (const number of numbers)
    expect((await a.api('POST', '/api/v1/numbers', { number, customer: 'acme' })).status).toBe(201);
  const token = await a.api('POST', '/api/v1/tokens', { name: 'noc', role: 'viewer' });
  expect(token.status).toBe(201);
  const secret = (token.json as { token: string }).token;
  await until(async () => (await activeVersion(b)) === active, 'B runs the version activated on A');

  // A takes every slot of the tenant with long calls; B must refuse the next one.
  void runUac(a.sipPort, { service: '2001', calls: LIMIT, rate: 20, extra: ['-d', '60000'] });
  await until(async () => (await pinned(a)).some((p) => p.calls === LIMIT), 'A holds the limit');
  const full = await runUac(b.sipPort, { service: '2002' });
  expect(finals(messages(full))).toEqual(['SIP/2.0 503 Service Unavailable']);

  process.kill(a.proc.child.pid as number, 'SIGKILL');
  expect(await a.proc.exited).toBe('SIGKILL');
  const killedAt = Date.now();

  // A's slots stop counting once its heartbeat expires (nodeTtlMs 1 s): B admits again.
  let served: string[] = [];
  await until(
    async () => {
      served = finals(messages(await runUac(b.sipPort, { service: '2003' })));
      return served[0] === 'SIP/2.0 200 OK';
    },
    'B admits a call of the tenant again',
    15_000,
  );
  expect(Date.now() - killedAt).toBeLessThan(15_000);

  // Nothing written through A is missing at B.
  const versions = (await b.api('GET', '/api/v1/rulesets/versions')).json as Array<{ version: number }>;
  expect(versions.map((v) => v.version)).toEqual(expect.arrayContaining([active, spare]));
  expect((await b.api('GET', '/api/v1/rulesets/active')).json).toMatchObject({ version: active });
  const listed = (await b.api('GET', '/api/v1/numbers?limit=1000')).json as Array<{ number: string }>;
  expect(listed.map((n) => n.number)).toEqual(numbers);
  const withToken = await fetch(`http://127.0.0.1:${b.adminPort}/api/v1/rulesets/active`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(withToken.status).toBe(200);

  // And B alone can still change what every node runs.
  expect((await b.api('POST', '/api/v1/rulesets/activate', { version: spare })).status).toBe(200);
  expect(await activeVersion(b)).toBe(spare);
  const next = await runUac(b.sipPort, { service: '2004' });
  expect(finals(messages(next))[0]).toBe('SIP/2.0 200 OK');
  expect(b.cdrs().find((c) => c.to === '2004')?.ruleVersion).toBe(spare);
}, 55_000);
