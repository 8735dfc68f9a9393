/**
 * Several real `sbc run` processes sharing one PostgreSQL database (and a Redis, when given), as
 * an operator runs them (docs/operations.md, "Running several nodes"). Each node has its own SIP
 * and admin ports and data directory; teardown stops only the processes started here.
 */
import { metricValue, type SbcUnderTest, startSbcUnderTest } from '../../support/sbc-under-test.ts';
import { type PostgresServer, startPostgres } from './postgres-server.ts';
import { type RedisServer, startRedis } from './redis-server.ts';

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

/** Two nodes `a` and `b` on a fresh PostgreSQL database and a Redis, all started here. */
export interface TwoNodes {
  pg: PostgresServer;
  redis: RedisServer;
  a: SbcUnderTest;
  b: SbcUnderTest;
  /** Stops the nodes, then Redis and PostgreSQL. */
  close(): Promise<void>;
}

export async function startTwoNodes(o: Omit<Shared, 'storeUrl' | 'redisUrl'>): Promise<TwoNodes> {
  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const shared: Shared = { ...o, storeUrl: await pg.createDatabase('cluster'), redisUrl: redis.url };
  const nodes: SbcUnderTest[] = [];
  const close = async (): Promise<void> => {
    for (const n of nodes) await n.close();
    await redis.destroy();
    await pg.destroy();
  };
  try {
    nodes.push(await startNode('a', shared));
    nodes.push(await startNode('b', shared));
  } catch (err) {
    await close();
    throw err;
  }
  return { pg, redis, a: nodes[0]!, b: nodes[1]!, close };
}
