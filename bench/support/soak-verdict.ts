// The soak's verdict: is a resource of the SBC process flat under steady load, or growing?
//
// Memory under V8 is a sawtooth: the heap, and RSS with it, climbs for a minute or two and drops
// at each full (mark-compact) GC. A straight line through raw samples mistakes a rising tooth for
// a leak. So each resource is judged by its floors: the samples of the second half of the load
// (RSS settles only after minutes: the allocator keeps the pages V8 once used) are cut into
// windows at least one full-GC interval long (measured during the run from V8's major-GC count;
// 60 s at least), so that each window holds a trough; the lowest value of each window is its
// floor, and the least-squares slope through the floors, projected over one hour, is compared
// with a threshold: the larger of 10 % of the mean and an absolute floor (RSS 16 MiB, heap 8 MiB,
// handles 10, fds 10). The slope must also stand out of its own noise (more than twice its
// standard error), since sampling finds each trough only to within a sample. A leak of an object,
// timer or socket per call or per reload raises every floor. Fewer than three windows, or memory
// with no full GC in the run, cannot be judged: the verdict then says to run longer.

import { slope } from './held-calls.ts';

/** Standard error of the least-squares slope through `points` (NaN below three points). */
export function slopeError(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 3) return Number.NaN;
  const b = slope(points);
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const residual = points.reduce((a, [x, y]) => a + (y - my - b * (x - mx)) ** 2, 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return Math.sqrt(residual / (n - 2) / sxx);
}

export interface SoakSample {
  /** Seconds since the load started (negative: before it). */
  t: number;
  rssMiB: number;
  heapMiB: number;
  handles: number;
  fds: number;
  inFlight: number;
  /** V8 full (mark-compact) collections so far. */
  majorGcs: number;
}

export type Resource = 'rssMiB' | 'heapMiB' | 'handles' | 'fds';

export const RESOURCES: Array<{
  key: Resource;
  name: string;
  unit: string;
  floor: number;
  memory: boolean;
}> = [
  { key: 'rssMiB', name: 'RSS', unit: 'MiB', floor: 16, memory: true },
  { key: 'heapMiB', name: 'V8 heap used', unit: 'MiB', floor: 8, memory: true },
  { key: 'handles', name: 'active handles', unit: '', floor: 10, memory: false },
  { key: 'fds', name: 'open file descriptors', unit: '', floor: 10, memory: false },
];

export type Verdict = 'flat' | 'growing' | 'inconclusive';

export interface Trend {
  key: Resource;
  name: string;
  unit: string;
  first: number;
  last: number;
  mean: number;
  windowS: number;
  floors: number[];
  /** Growth of the floors (least squares), per hour, and that slope's standard error per hour. */
  perHour: number;
  errorPerHour: number;
  threshold: number;
  verdict: Verdict;
  why?: string;
}

const MIN_WINDOW_S = 60;

/** Seconds between full GCs during the samples, or undefined when fewer than two happened. */
export function majorGcInterval(samples: SoakSample[]): number | undefined {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last) return undefined;
  const count = last.majorGcs - first.majorGcs;
  return count >= 2 ? (last.t - first.t) / count : undefined;
}

/** (mid time, lowest value) of consecutive windows of at least `windowS` seconds. */
function floorsOf(samples: SoakSample[], key: Resource, windowS: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let window: SoakSample[] = [];
  for (const s of samples) {
    window.push(s);
    if (s.t - window[0]!.t >= windowS) {
      out.push([(window[0]!.t + s.t) / 2, Math.min(...window.map((w) => w[key]))]);
      window = [];
    }
  }
  return out;
}

export function trends(underLoad: SoakSample[]): Trend[] {
  const t0 = underLoad[0]?.t ?? 0;
  const span = (underLoad.at(-1)?.t ?? 0) - t0;
  const judged = underLoad.filter((s) => s.t >= t0 + 0.5 * span);
  const gc = majorGcInterval(underLoad);
  return RESOURCES.map(({ key, name, unit, floor, memory }) => {
    const values = judged.map((s) => s[key]);
    const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const windowS = memory && gc !== undefined ? Math.max(MIN_WINDOW_S, gc) : MIN_WINDOW_S;
    const floors = floorsOf(judged, key, windowS);
    const perSecond = slope(floors);
    const perHour = Number.isFinite(perSecond) ? perSecond * 3600 : Number.NaN;
    const errorPerHour = slopeError(floors) * 3600;
    const threshold = Math.max(0.1 * mean, floor);
    const base = {
      key,
      name,
      unit,
      first: underLoad[0]?.[key] ?? Number.NaN,
      last: underLoad.at(-1)?.[key] ?? Number.NaN,
      mean,
      windowS,
      floors: floors.map(([, v]) => v),
      perHour,
      errorPerHour,
      threshold,
    };
    if (memory && gc === undefined)
      return { ...base, verdict: 'inconclusive', why: 'fewer than two full GCs during the load: run longer' };
    if (floors.length < 3)
      return {
        ...base,
        verdict: 'inconclusive',
        why: `${floors.length} windows of ${windowS.toFixed(0)} s: run longer for three`,
      };
    const growing = perHour > threshold && !(perHour <= 2 * errorPerHour);
    return { ...base, verdict: growing ? 'growing' : 'flat' };
  });
}

export const RULE_TEXT =
  'floors (lowest value per window of ≥ one full-GC interval, 60 s at least) in the second half of the load; ' +
  'growing when their least-squares slope projected over one hour exceeds max(10 % of the mean; RSS 16 MiB, ' +
  'heap 8 MiB, handles 10, fds 10) and twice its standard error';
