// The soak's flat-or-growing rule (bench/support/soak-verdict.ts) on synthetic samples shaped like
// a real soak: V8's heap and RSS climb between full GCs and drop at each one.

import { expect, it } from 'vitest';
import { type SoakSample, trends } from '../../bench/support/soak-verdict.ts';

type Leak = Partial<Record<'rss' | 'heap' | 'fds' | 'handles', number>>;

/**
 * Ten minutes sampled every second, a full GC every `gcS` seconds (55 s: as measured at the soak's
 * default 50 calls/s); `leak` adds growth per second.
 */
function samples(leak: Leak = {}, gcS = 55, minutes = 10, everyS = 1): SoakSample[] {
  return Array.from({ length: (minutes * 60) / everyS }, (_, i) => {
    const t = i * everyS;
    const tooth = (t % gcS) / gcS; // 0 right after a full GC, near 1 just before the next
    return {
      t,
      rssMiB: 300 + 90 * tooth + (leak.rss ?? 0) * t,
      heapMiB: 50 + 60 * tooth + (leak.heap ?? 0) * t,
      handles: 7 + (i % 2) + (leak.handles ?? 0) * t,
      fds: 39 + (i % 3) + (leak.fds ?? 0) * t,
      inFlight: 100 + (i % 5),
      majorGcs: Math.floor(t / gcS),
    };
  });
}

const verdicts = (s: SoakSample[]) => Object.fromEntries(trends(s).map((t) => [t.key, t.verdict]));
const FLAT = { rssMiB: 'flat', heapMiB: 'flat', handles: 'flat', fds: 'flat' };

it('calls a GC sawtooth flat, whatever its period against the windows', () => {
  for (const gcS of [30, 45, 55, 60, 75])
    expect(verdicts(samples({}, gcS)), `GC every ${gcS} s`).toEqual(FLAT);
});

it('calls a resource growing when its floors rise past the threshold per hour', () => {
  // 1 MiB a minute: 60 MiB an hour, above max(10 % of ~350 MiB, 16 MiB).
  expect(verdicts(samples({ rss: 1 / 60 }))).toEqual({ ...FLAT, rssMiB: 'growing' });
  // One descriptor every 30 s: 120 an hour.
  expect(verdicts(samples({ fds: 1 / 30 }))).toEqual({ ...FLAT, fds: 'growing' });
  expect(verdicts(samples({ heap: 0.5 / 60, handles: 1 / 60 }))).toEqual({
    ...FLAT,
    heapMiB: 'growing',
    handles: 'growing',
  });
});

it('leaves out the warm-up: RSS that climbs to its plateau in the first half is flat', () => {
  // As measured: RSS rises for about four minutes of a ten-minute soak, then holds.
  const warm = samples().map((s) => ({ ...s, rssMiB: s.rssMiB + 330 * (1 - Math.exp(-s.t / 50)) }));
  expect(verdicts(warm)).toEqual(FLAT);
});

it('says inconclusive rather than guess: memory with no full GC, or a run too short for three windows', () => {
  expect(verdicts(samples({}, 10_000))).toEqual({ ...FLAT, rssMiB: 'inconclusive', heapMiB: 'inconclusive' });
  const short = trends(samples({}, 55, 2));
  expect(short.map((t) => t.verdict)).toEqual([
    'inconclusive',
    'inconclusive',
    'inconclusive',
    'inconclusive',
  ]);
  for (const t of short) expect(t.why, t.key).toMatch(/run longer/);
});
