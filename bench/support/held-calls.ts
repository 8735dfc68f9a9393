// Memory per active call: RSS of the process under test while sipp builds up long calls, sampled
// once a second against the calls in flight at the UAC. Benches take it first, on a fresh
// process: after a call-rate ramp the heap has room to spare and new calls barely move RSS. The per-call figure is the slope of a
// least-squares line through the samples, so one noisy sample (a GC) does not decide it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callsInFlight, freePort, sleep, startSipp, statRows } from './sipp.ts';

export interface MemorySample {
  calls: number;
  rssKb: number;
}

export interface HeldCallsMemory {
  held: number;
  idleKb: number;
  loadedKb: number;
  kbPerCall: number;
  samples: MemorySample[];
}

export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

export async function memoryUnderHeldCalls(
  sipp: string,
  target: string,
  calls: number,
  rss: () => number,
  holdRate = 250,
): Promise<HeldCallsMemory> {
  // A first batch of short calls warms the process up (compiled code, lazily built state), so
  // that what the held calls add is theirs.
  const warm = mkdtempSync(join(tmpdir(), 'bench-warm-'));
  const warmup = startSipp(
    sipp,
    [
      target,
      ...['-sn', 'uac', '-s', '4085551212', '-i', '127.0.0.1', '-p', String(await freePort())],
      ...[
        '-r',
        String(holdRate),
        '-m',
        String(Math.min(500, calls)),
        '-d',
        '100',
        '-timeout',
        '30s',
        '-nostdin',
      ],
    ],
    warm,
    40_000,
  );
  await warmup.done;
  rmSync(warm, { recursive: true, force: true });
  await sleep(1000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-hold-'));
  const rampS = Math.ceil(calls / holdRate);
  // Each call lasts until all are up and sampled, then ends with its BYE: no dialog is left
  // behind in the process under test for what it measures next.
  const holdMs = (rampS + 5) * 1000;
  const idleKb = rss();
  const samples: MemorySample[] = [{ calls: 0, rssKb: idleKb }];
  const uac = startSipp(
    sipp,
    [
      target,
      ...['-sn', 'uac', '-s', '4085551212', '-i', '127.0.0.1', '-p', String(await freePort())],
      ...['-r', String(holdRate), '-m', String(calls), '-l', String(calls), '-d', String(holdMs)],
      ...['-timeout', `${rampS + 30}s`, '-nostdin', '-trace_stat', '-stf', join(dir, 'stat.csv'), '-fd', '1'],
    ],
    dir,
    (rampS + 30) * 1000,
  );
  try {
    for (let s = 0; s < rampS + 5; s++) {
      await sleep(1000);
      // sipp's first statistics row is written at its start (all zeros): until the next one the
      // calls in flight are unknown, not 0.
      if (statRows(dir).length < 2) continue;
      const inFlight = callsInFlight(dir);
      samples.push({ calls: inFlight, rssKb: rss() });
      if (inFlight >= calls) break;
    }
    await sleep(1000);
    samples.push({ calls: callsInFlight(dir), rssKb: rss() });
    await uac.done;
  } finally {
    uac.child.kill('SIGKILL');
    await uac.done;
    rmSync(dir, { recursive: true, force: true });
  }
  const last = samples.at(-1)!;
  return {
    held: last.calls,
    idleKb,
    loadedKb: last.rssKb,
    kbPerCall: slope(samples.map((p) => [p.calls, p.rssKb])),
    samples,
  };
}
