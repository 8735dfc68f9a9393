import { describe, expect, it } from 'vitest';
import { AdmissionControl, FloodGuard } from '../../../src/core/admission/admission.ts';
import { MemoryCounters } from '../../../src/core/admission/counters.ts';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('AdmissionControl', () => {
  it('limits concurrent calls per key, and frees a slot when a call ends', async () => {
    const control = new AdmissionControl(new MemoryCounters());
    const first = await control.admit([{ key: 'trunk:zoom', maxCalls: 2 }]);
    const second = await control.admit([{ key: 'trunk:zoom', maxCalls: 2 }]);
    const third = await control.admit([{ key: 'trunk:zoom', maxCalls: 2 }]);
    expect([first.admitted, second.admitted, third.admitted]).toEqual([true, true, false]);
    expect(third).toMatchObject({ status: 503, limit: 'trunk:zoom', retryAfterSeconds: 5 });
    if (first.admitted) {
      first.release();
      first.release(); // twice is harmless
    }
    expect(control.active('trunk:zoom')).toBe(1);
    expect((await control.admit([{ key: 'trunk:zoom', maxCalls: 2 }])).admitted).toBe(true);
    expect(control.status().mode).toBe('memory');
  });

  it('admits against all limits or none: a tenant refusal holds no trunk slot', async () => {
    const control = new AdmissionControl(new MemoryCounters());
    expect((await control.admit([{ key: 'tenant:a', maxCalls: 1 }])).admitted).toBe(true);
    const refused = await control.admit([
      { key: 'trunk:zoom', maxCalls: 10 },
      { key: 'tenant:a', maxCalls: 1 },
    ]);
    expect(refused.admitted).toBe(false);
    expect(control.active('trunk:zoom')).toBe(0);
  });

  it('limits calls per second with a one-second burst, then refills', async () => {
    const time = clock();
    const control = new AdmissionControl(new MemoryCounters({ now: time.now }));
    const attempt = async () => (await control.admit([{ key: 'trunk:core', cps: 5 }])).admitted;
    const burst: boolean[] = [];
    for (let i = 0; i < 6; i++) burst.push(await attempt());
    expect(burst).toEqual([true, true, true, true, true, false]);
    time.advance(200); // one token back
    expect([await attempt(), await attempt()]).toEqual([true, false]);
  });

  it('works the same over counters that answer asynchronously (shared counters)', async () => {
    const memory = new MemoryCounters();
    const remote = {
      acquire: async (key: string, limit: number) => memory.acquire(key, limit),
      release: (key: string) => memory.release(key),
      rate: async (key: string, perSecond: number) => memory.rate(key, perSecond),
      active: (key: string) => memory.active(key),
    };
    const control = new AdmissionControl(remote);
    // Admitted concurrently: the limit still holds.
    const results = await Promise.all(
      Array.from({ length: 5 }, () => control.admit([{ key: 'tenant:t', maxCalls: 3 }])),
    );
    expect(results.filter((r) => r.admitted)).toHaveLength(3);
    expect(control.active('tenant:t')).toBe(3);
  });
});

describe('FloodGuard', () => {
  it('throttles one source while others keep working', () => {
    const time = clock();
    const guard = new FloodGuard(new MemoryCounters({ now: time.now }), 10);
    const flood = Array.from({ length: 50 }, () => guard.allows('198.51.100.7'));
    expect(flood.filter(Boolean)).toHaveLength(10);
    expect(guard.allows('198.51.100.8')).toBe(true);
  });

  it('keeps a bounded number of sources in memory', () => {
    const counters = new MemoryCounters({ maxBuckets: 3 });
    const guard = new FloodGuard(counters, 1);
    for (const source of ['a', 'b', 'c', 'd']) expect(guard.allows(source)).toBe(true);
    // 'a' was evicted as least recently used, so it starts with a fresh bucket.
    expect(guard.allows('a')).toBe(true);
    expect(guard.allows('d')).toBe(false);
  });
});
