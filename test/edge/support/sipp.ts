// Runs sipp (Debian package sip-tester) as a real SIP peer. Every run is
// bounded (-m calls, -timeout) and every process started here is killed by
// PID in stopAll(), which tests call in their teardown.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '../../support/system-tools.ts';

export const SCENARIOS = new URL('../sipp/', import.meta.url).pathname;

export interface SippResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Call totals from the last line of the -trace_stat CSV (-1 when sipp wrote none). */
  successful: number;
  failed: number;
  /** Directory holding -trace_* files of this run. */
  dir: string;
}

export interface SippRun {
  process: ChildProcess;
  done: Promise<SippResult>;
  dir: string;
}

const running = new Set<ChildProcess>();

/** Starts sipp with `args` (scenario, addresses, -m, -timeout are the caller's) in its own temp dir. */
export function startSipp(args: string[], killAfterMs = 120_000): SippRun {
  const bin = requireTool('sipp');
  const dir = mkdtempSync(join(tmpdir(), 'sipp-'));
  const child = spawn(bin, [...args, '-nostdin', '-trace_stat', '-stf', join(dir, 'stat.csv')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  // sipp's own -timeout has been seen not to fire under overload: bound every run here too.
  const guard = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
    if (stdout.length > 200_000) stdout = stdout.slice(-100_000);
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const done = new Promise<SippResult>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(guard);
      running.delete(child);
      const counts = finalCounts(dir);
      resolve({ code, stdout, stderr, dir, ...counts });
    });
  });
  return { process: child, done, dir };
}

/** Successful/failed call totals from the last line of sipp's -trace_stat CSV. */
function finalCounts(dir: string): { successful: number; failed: number } {
  try {
    const file = readdirSync(dir).find((f) => f === 'stat.csv');
    if (file === undefined) return { successful: -1, failed: -1 };
    const lines = readFileSync(join(dir, file), 'utf8').trim().split('\n');
    const header = lines[0]!.split(';');
    const last = lines[lines.length - 1]!.split(';');
    const col = (name: string): number => Number(last[header.indexOf(name)]);
    return { successful: col('SuccessfulCall(C)'), failed: col('FailedCall(C)') };
  } catch {
    return { successful: -1, failed: -1 };
  }
}

/** Kills every sipp this module started and is still running (by PID). */
export async function stopAll(): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const child of running) {
    waits.push(new Promise((resolve) => child.once('close', () => resolve())));
    child.kill('SIGKILL');
  }
  await Promise.all(waits);
}

/** Gives a freshly started sipp UAS time to open its socket (sipp reports nothing we could wait on). */
export async function settle(ms = 300): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
