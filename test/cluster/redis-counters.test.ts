/**
 * Admission counters shared through a real Redis (Debian package, started here on a loopback
 * port): limits hold across nodes under concurrent admissions, slots of a node killed with
 * SIGKILL stop counting once its heartbeat expires, and while Redis is unreachable each node
 * admits its local share, says so, and writes its counts back when Redis returns.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisCounters, type RedisCountersOptions } from '../../src/cluster/redis-counters.ts';
import { AdmissionControl } from '../../src/core/admission/admission.ts';
import { ROOT } from '../support/sbc-process.ts';
import { type RedisServer, startRedis } from './support/redis-server.ts';

let redis: RedisServer;
const nodes: RedisCounters[] = [];
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedis();
}, 30_000);
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close();
  if (redis.pid() === 0) await redis.start();
});
afterAll(async () => {
  await redis?.destroy();
});

/** Each test its own key prefix, so tests share the server but not their counts. */
function prefix(): string {
  return `t${++prefixes}:`;
}

async function node(keyPrefix: string, extra: Partial<RedisCountersOptions> = {}) {
  const registry = new Registry();
  const counters = new RedisCounters({
    url: redis.url,
    nodeName: `n${nodes.length}`,
    expectedNodes: 2,
    keyPrefix,
    commandTimeoutMs: 300,
    heartbeatMs: 200,
    nodeTtlMs: 600,
    logger: pino({ level: 'silent' }),
    registry,
    ...extra,
  });
  nodes.push(counters);
  await counters.start();
  const metric = async (name: string) =>
    Number(/\S+ (\S+)$/.exec((await registry.getSingleMetricAsString(name)).trim())?.[1]);
  return { counters, control: new AdmissionControl(counters), metric };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('shared through Redis', () => {
  it('a concurrent-call limit holds across two nodes admitting at once, and a release frees a slot', async () => {
    const p = prefix();
    const a = await node(p);
    const b = await node(p);
    expect(a.counters.status().mode).toBe('shared');
    expect(await a.metric('sbc_admission_shared')).toBe(1);
    const limit = [{ key: 'tenant:acme', maxCalls: 5 }];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).control.admit(limit)),
    );
    const admitted = results.filter((r) => r.admitted);
    expect(admitted).toHaveLength(5);
    // Both nodes took part; each knows what it holds.
    expect(a.control.active('tenant:acme') + b.control.active('tenant:acme')).toBe(5);
    expect((await a.control.admit(limit)).admitted).toBe(false);
    const first = admitted[0];
    if (first?.admitted) first.release();
    await until(async () => (await b.control.admit(limit)).admitted);
    expect(await b.metric('sbc_admission_local_share_decisions_total')).toBe(0);
  });

  it('a calls-per-second limit holds across nodes (one token bucket)', async () => {
    const p = prefix();
    const a = await node(p);
    const b = await node(p);
    const limit = [{ key: 'trunk:core', cps: 6 }];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).control.admit(limit)),
    );
    // A burst of one second's worth (6), maybe one more refilled while the burst ran.
    const admitted = results.filter((r) => r.admitted).length;
    expect(admitted).toBeGreaterThanOrEqual(6);
    expect(admitted).toBeLessThanOrEqual(7);
  });

  it('the slots of a node killed with SIGKILL stop counting once its heartbeat expires', async () => {
    const holder = spawn(
      join(ROOT, 'node_modules/.bin/node'),
      [join(import.meta.dirname, 'support/counter-holder.ts'), redis.url, 'calls:tenant:dead', '3', '3'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
    );
    const exited = new Promise((r) => holder.once('exit', r));
    try {
      let out = '';
      holder.stdout.on('data', (c: Buffer) => (out += c.toString()));
      holder.stderr.on('data', (c: Buffer) => (out += c.toString()));
      await until(() => out.includes('held'), 10_000);
      expect(out).toContain('held shared');
      // The holder used prefix 'sbc:'; this node shares it.
      const b = await node('sbc:');
      const limit = [{ key: 'tenant:dead', maxCalls: 3 }];
      expect((await b.control.admit(limit)).admitted).toBe(false);
      process.kill(holder.pid as number, 'SIGKILL');
      await exited;
      const killedAt = Date.now();
      await until(async () => (await b.control.admit(limit)).admitted, 5000);
      // Not before the holder's time to live (600 ms) has run out.
      expect(Date.now() - killedAt).toBeGreaterThan(300);
    } finally {
      if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
      await exited;
    }
  }, 20_000);
});

describe('Redis unreachable', () => {
  it('each node admits its local share, says so, and writes its counts back when Redis returns', async () => {
    const p = prefix();
    const a = await node(p);
    const b = await node(p);
    const limit = [{ key: 'tenant:acme', maxCalls: 4 }];
    expect((await a.control.admit(limit)).admitted).toBe(true);
    await redis.stop();
    await until(
      () => a.counters.status().mode === 'local-share' && b.counters.status().mode === 'local-share',
    );
    expect(a.counters.status().detail).toMatch(/Redis unreachable.*1\/2 of each limit/);
    expect(await a.metric('sbc_admission_shared')).toBe(0);
    // Local share of 4 over 2 nodes: 2 each. A already holds 1, so one more; B two.
    const onA = await Promise.all([a.control.admit(limit), a.control.admit(limit)]);
    const onB = await Promise.all([b.control.admit(limit), b.control.admit(limit), b.control.admit(limit)]);
    expect(onA.filter((r) => r.admitted)).toHaveLength(1);
    expect(onB.filter((r) => r.admitted)).toHaveLength(2);
    expect(await a.metric('sbc_admission_local_share_decisions_total')).toBeGreaterThanOrEqual(2);

    // Redis comes back empty: each node writes the 2 calls it holds, and the limit of 4 is full.
    await redis.start();
    await until(() => a.counters.status().mode === 'shared' && b.counters.status().mode === 'shared');
    expect(await a.metric('sbc_admission_shared')).toBe(1);
    expect((await a.control.admit(limit)).admitted).toBe(false);
    const released = onB.find((r) => r.admitted);
    if (released?.admitted) released.release();
    await until(async () => (await a.control.admit(limit)).admitted);
  }, 20_000);

  it('a node started while Redis is down runs on its local share and joins when Redis is up', async () => {
    await redis.stop();
    const a = await node(prefix());
    expect(a.counters.status().mode).toBe('local-share');
    const limit = [{ key: 'tenant:x', maxCalls: 10 }];
    const results = await Promise.all(Array.from({ length: 8 }, () => a.control.admit(limit)));
    expect(results.filter((r) => r.admitted)).toHaveLength(5);
    await redis.start();
    await until(() => a.counters.status().mode === 'shared', 8000);
  }, 20_000);
});
