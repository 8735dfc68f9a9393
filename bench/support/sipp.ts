// sipp (Debian package sip-tester) as the load generator of the benches: where it is, how a run
// is started and bounded, and what its -trace_stat / -trace_rtt files say.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function sippPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' }).trim();
  } catch {
    console.error("sipp is not installed: run 'npm run setup:system' (Debian package sip-tester)");
    process.exit(2);
  }
}

/** A free port from the kernel (benches run alone, outside the tests' per-worker port blocks). */
export async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** sipp's UDP buffers default to 64 KiB: a burst overflows them and looks like SBC latency. */
const SIPP_BUFFERS = ['-buff_size', String(4 * 1024 * 1024)];

export interface SippRun {
  child: ChildProcess;
  done: Promise<number | null>;
}

/** Starts sipp in `cwd`; `killAfterMs` bounds it even when sipp's own -timeout does not fire (seen under overload). */
export function startSipp(bin: string, args: string[], cwd: string, killAfterMs?: number): SippRun {
  const child = spawn(bin, [...args, ...SIPP_BUFFERS], { cwd, stdio: 'ignore' });
  const guard = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const done = new Promise<number | null>((r) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      r(code);
    }),
  );
  return { child, done };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Setup times (ms) from sipp's -trace_rtt file(s): `date_ms;response_time_ms;rtd_no` lines, sorted. */
export function readRtt(dir: string): number[] {
  const out: number[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('_rtt.csv')))
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n').slice(1)) {
      const v = Number(line.split(';')[1]);
      if (line.trim() !== '' && Number.isFinite(v)) out.push(v);
    }
  return out.sort((a, b) => a - b);
}

/** The rows of sipp's -trace_stat CSV (`stat.csv` in `dir`), one object per period. */
export function statRows(dir: string): Array<Record<string, string>> {
  let text: string;
  try {
    text = readFileSync(join(dir, 'stat.csv'), 'utf8');
  } catch {
    return [];
  }
  const lines = text.trim().split('\n');
  const head = lines[0]?.split(';') ?? [];
  return lines.slice(1).map((line) => {
    const cells = line.split(';');
    return Object.fromEntries(head.map((h, i) => [h, cells[i] ?? '']));
  });
}

/** Call totals from the last -trace_stat row; failed is -1 when sipp wrote none. */
export function statCounts(dir: string): { ok: number; failed: number } {
  const last = statRows(dir).at(-1);
  if (!last) return { ok: 0, failed: -1 };
  return { ok: Number(last['SuccessfulCall(C)']), failed: Number(last['FailedCall(C)']) };
}

/** Calls in flight at the UAC now (the last -trace_stat row), 0 before the first row. */
export function callsInFlight(dir: string): number {
  return Number(statRows(dir).at(-1)?.CurrentCall ?? 0);
}

export interface TimelinePoint {
  /** Seconds since the UAC started. */
  s: number;
  inFlight: number;
  startedPerS: number;
  okPerS: number;
  failedPerS: number;
}

/** Per-period figures of a UAC run (-fd 1: one row a second). */
export function statTimeline(dir: string): TimelinePoint[] {
  const rows = statRows(dir);
  // CurrentTime is "date<TAB>time<TAB>epoch seconds".
  const epoch = (row: Record<string, string>) => Number((row.CurrentTime ?? '').split('\t')[2]);
  const t0 = rows[0] ? epoch(rows[0]) : 0;
  // The first row is sipp's start (all zeros); a last row over a fraction of a second (the final
  // dump) would read as a burst, so it is left out.
  const full = rows.filter((row, i) => i === 0 || hms(row['ElapsedTime(P)'] ?? '') >= 0.5);
  return full.map((row) => {
    const period = Math.max(0.5, hms(row['ElapsedTime(P)'] ?? ''));
    return {
      s: Math.round((epoch(row) - t0) * 10) / 10,
      inFlight: Number(row.CurrentCall),
      startedPerS: Number(row['OutgoingCall(P)']) / period,
      okPerS: Number(row['SuccessfulCall(P)']) / period,
      failedPerS: Number(row['FailedCall(P)']) / period,
    };
  });
}

/** sipp's "hh:mm:ss[:micro]" durations, in seconds. */
function hms(text: string): number {
  const [h = 0, m = 0, s = 0, us = 0] = text.split(':').map(Number);
  return h * 3600 + m * 60 + s + us / 1e6;
}
