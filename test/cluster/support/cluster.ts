/**
 * Several real `sbc run` processes sharing one PostgreSQL database (and a Redis, when given), as
 * an operator runs them (docs/operations.md, "Running several nodes"). Each node has its own SIP
 * and admin ports and data directory; teardown stops only the processes started here.
 */
import { metricValue, type SbcUnderTest, startSbcUnderTest } from '../../support/sbc-under-test.ts';

export interface Shared {
  storeUrl: string;
  redisUrl?: string;
  expectedNodes?: number;
  core?: Record<string, unknown>;
}

export async function startNode(name: string, shared: Shared): Promise<SbcUnderTest> {
  return startSbcUnderTest({
    ...(shared.core ? { core: shared.core } : {}),
    config: {
      store: { kind: 'postgres', url: shared.storeUrl, poolSize: 4 },
      cluster: { nodeId: name, expectedNodes: shared.expectedNodes ?? 2 },
      // Short heartbeats, so a killed node's calls stop counting within a test's patience.
      ...(shared.redisUrl
        ? { redis: { url: shared.redisUrl, heartbeatMs: 200, nodeTtlMs: 1000, commandTimeoutMs: 300 } }
        : {}),
    },
  });
}

/** Uploads a rule set on a node without activating it; resolves with its version number. */
export async function upload(node: SbcUnderTest, rules: string): Promise<number> {
  const up = await node.api('POST', '/api/v1/rulesets/versions', { files: { 'main.rules': rules } });
  if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${up.text}`);
  return (up.json as { version: { version: number } }).version.version;
}

export async function activeVersion(node: SbcUnderTest): Promise<number | undefined> {
  return metricValue(await node.metrics(), 'sbc_rule_active_version');
}

export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not in ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The node's rule-set versions loaded, with the calls pinned to each (GET /api/v1/rulesets/calls). */
export async function pinned(
  node: SbcUnderTest,
): Promise<Array<{ version: number; active: boolean; calls: number }>> {
  return (await node.api('GET', '/api/v1/rulesets/calls')).json as Array<{
    version: number;
    active: boolean;
    calls: number;
  }>;
}
