import { describe, expect, it } from 'vitest';
import { AdmissionControl, FloodGuard } from '../../../src/core/admission/admission.ts';
import { MemoryCounters } from '../../../src/core/admission/counters.ts';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('AdmissionControl', () => {
  it('limits concurrent calls per key, and frees a slot when a call ends', () => {
    const control = new AdmissionControl(new MemoryCounters());
    const first = control.admit([{ key: 'trunk:zoom', maxCalls: 2 }]);
    const second = control.admit([{ key: 'trunk:zoom', maxCalls: 2 }]);
    const third = control.admit([{ key: 'trunk:zoom', maxCalls: 2 }]);
    expect([first.admitted, second.admitted, third.admitted]).toEqual([true, true, false]);
    expect(third).toMatchObject({ status: 503, limit: 'trunk:zoom', retryAfterSeconds: 5 });
    if (first.admitted) {
      first.release();
      first.release(); // twice is harmless
    }
    expect(control.active('trunk:zoom')).toBe(1);
    expect(control.admit([{ key: 'trunk:zoom', maxCalls: 2 }]).admitted).toBe(true);
  });

  it('admits against all limits or none: a tenant refusal holds no trunk slot', () => {
    const control = new AdmissionControl(new MemoryCounters());
    expect(control.admit([{ key: 'tenant:a', maxCalls: 1 }]).admitted).toBe(true);
    const refused = control.admit([
      { key: 'trunk:zoom', maxCalls: 10 },
      { key: 'tenant:a', maxCalls: 1 },
    ]);
    expect(refused.admitted).toBe(false);
    expect(control.active('trunk:zoom')).toBe(0);
  });

  it('limits calls per second with a one-second burst, then refills', () => {
    const time = clock();
    const control = new AdmissionControl(new MemoryCounters({ now: time.now }));
    const attempt = () => control.admit([{ key: 'trunk:core', cps: 5 }]).admitted;
    expect(Array.from({ length: 6 }, attempt)).toEqual([true, true, true, true, true, false]);
    time.advance(200); // one token back
    expect([attempt(), attempt()]).toEqual([true, false]);
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
