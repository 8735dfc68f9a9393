/**
 * A tenant's concurrent-call limit across two real `sbc run` nodes sharing a real Redis (issue 12
 * items 3 and 5): under sipp load on both nodes at once, no more than the limit is admitted in
 * all; with Redis gone each node admits its local share and says so in /health and /metrics,
 * and is back on the shared count when Redis returns.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { stopAll } from '../edge/support/sipp.ts';
import { runUac, startUas } from '../core/support.ts';
import { metricValue, type SbcUnderTest } from '../support/sbc-under-test.ts';
import { until, startTwoNodes, type TwoNodes } from './support/cluster.ts';
import type { RedisServer } from './support/redis-server.ts';

const LIMIT = 4;
/** Calls placed on each node at once. */
const PER_NODE = 15;
let cluster: TwoNodes | undefined;
let redis: RedisServer;
let a: SbcUnderTest;
let b: SbcUnderTest;

beforeAll(async () => {
  cluster = await startTwoNodes({ expectedNodes: 2, core: { tenants: { acme: { maxCalls: LIMIT } } } });
  ({ redis, a, b } = cluster);
}, 60_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await cluster?.close();
});

async function activateTenantRules(): Promise<void> {
  const uas = await startUas('uas', 40);
  await a.activate(`ruleset tenants
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
  route core
}
`);
}

/** PER_NODE calls on each node at once, each held 3 s: all arrive while the first ones still hold their slot. */
async function loadBothNodes(
  service: string,
): Promise<{ admitted: number; refused: number; byNode: number[] }> {
  const load = { service, calls: PER_NODE, rate: 50, extra: ['-d', '3000'] };
  await Promise.all([runUac(a.sipPort, load), runUac(b.sipPort, load)]);
  const cdrs = () => [a, b].map((n) => n.cdrs().filter((c) => c.to === service));
  await until(() => cdrs().flat().length === 2 * PER_NODE, 'a CDR for every call');
  const byNode = cdrs().map((list) => list.filter((c) => c.status === 200).length);
  return {
    admitted: byNode[0]! + byNode[1]!,
    refused: cdrs()
      .flat()
      .filter((c) => c.status === 503 && c.cause === 'admission').length,
    byNode,
  };
}

async function health(node: SbcUnderTest) {
  return (await fetch(`http://127.0.0.1:${node.adminPort}/health`)).json() as Promise<{
    status: string;
    components: Record<string, { ok: boolean; detail: string }>;
  }>;
}

it(`a tenant limit of ${LIMIT} calls holds across both nodes under load`, async () => {
  await activateTenantRules();
  expect((await health(a)).components.admission).toMatchObject({ ok: true });
  const result = await loadBothNodes('1001');
  expect(result.admitted).toBe(LIMIT);
  expect(result.refused).toBe(2 * PER_NODE - LIMIT);
  const rejects = await Promise.all(
    [a, b].map(
      async (n) =>
        metricValue(await n.metrics(), 'sbc_admission_rejects_total', { limit: 'tenant:acme' }) ?? 0,
    ),
  );
  expect(rejects[0]! + rejects[1]!).toBe(2 * PER_NODE - LIMIT);
}, 40_000);

it('with Redis unreachable each node admits its local share and says so; back to shared when Redis returns', async () => {
  await activateTenantRules();
  await redis.stop();
  await until(
    async () => (await health(a)).status === 'degraded' && (await health(b)).status === 'degraded',
    "both nodes' /health say degraded",
  );
  const degraded = await health(b);
  expect(degraded.status).toBe('degraded');
  expect(degraded.components.admission).toEqual({
    ok: false,
    detail: expect.stringMatching(/Redis unreachable/),
  });
  expect(metricValue(await b.metrics(), 'sbc_admission_shared')).toBe(0);

  // Local share: floor(4 / 2) = 2 per node, so the limit still holds in all.
  const result = await loadBothNodes('1002');
  expect(result.byNode).toEqual([LIMIT / 2, LIMIT / 2]);
  expect(metricValue(await a.metrics(), 'sbc_admission_local_share_decisions_total')).toBeGreaterThanOrEqual(
    10,
  );

  await redis.start();
  await until(
    async () => (await health(a)).status === 'ok' && (await health(b)).status === 'ok',
    'both healthy',
  );
  expect(metricValue(await a.metrics(), 'sbc_admission_shared')).toBe(1);
  const shared = await loadBothNodes('1003');
  expect(shared.admitted).toBe(LIMIT);
}, 50_000);
