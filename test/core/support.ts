// Helpers for the signaling-core tests: sipp peers around an `sbc run`
// process, with -trace_msg logs the tests read (what each side received).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../edge/support/ports.ts';
import { portRange } from '../media/support/engine.ts';
import { type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { requireTool } from '../support/system-tools.ts';
import {
  SCENARIOS as EDGE_SCENARIOS,
  type SippResult,
  type SippRun,
  startSipp,
} from '../edge/support/sipp.ts';

export const CORE_SCENARIOS = new URL('./sipp/', import.meta.url).pathname;

export function scenarioArgs(name: string): string[] {
  if (name === 'uac' || name === 'uas') return ['-sn', name];
  if (name.startsWith('/')) return ['-sf', name];
  const dir = name.startsWith('core:') ? CORE_SCENARIOS : EDGE_SCENARIOS;
  return ['-sf', join(dir, `${name.replace(/^core:/, '')}.xml`)];
}

export interface Peer {
  port: number;
  run: SippRun;
  done: Promise<SippResult>;
}

/** A sipp UAS on 127.0.0.1:port answering `calls` calls with `scenario`. */
export async function startUas(
  scenario: string,
  calls: number,
  extra: string[] = [],
  port?: number,
): Promise<Peer> {
  const p = port ?? (await freePort());
  const run = startSipp([
    ...scenarioArgs(scenario),
    '-i',
    '127.0.0.1',
    '-p',
    String(p),
    '-m',
    String(calls),
    '-timeout',
    '20s',
    '-trace_msg',
    ...extra,
  ]);
  return { port: p, run, done: run.done };
}

export interface UacOptions {
  scenario?: string;
  calls?: number;
  /** Calls per second (sipp -r); sipp's default when absent. */
  rate?: number;
  /** Default pause length in ms (sipp -d); sipp's default when absent. */
  pauseMs?: number;
  port?: number;
  extra?: string[];
  service?: string;
}

/** A sipp UAC calling the SBC, with -trace_msg; returns at once. */
export async function startUac(
  sipPort: number,
  options: UacOptions = {},
): Promise<SippRun & { port: number }> {
  const port = options.port ?? (await freePort());
  const run = startSipp([
    `127.0.0.1:${sipPort}`,
    ...scenarioArgs(options.scenario ?? 'core:uac-any-final'),
    '-s',
    options.service ?? '1000',
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    '-m',
    String(options.calls ?? 1),
    ...(options.rate === undefined ? [] : ['-r', String(options.rate)]),
    ...(options.pauseMs === undefined ? [] : ['-d', String(options.pauseMs)]),
    '-timeout',
    '20s',
    '-trace_msg',
    ...(options.extra ?? []),
  ]);
  return { ...run, port };
}

/** A sipp UAC placing `calls` calls to the SBC (10/s, 100 ms pauses); resolves when it is done. */
export async function runUac(
  sipPort: number,
  options: UacOptions = {},
): Promise<SippResult & { port: number }> {
  const uac = await startUac(sipPort, { rate: 10, pauseMs: 100, ...options });
  return { ...(await uac.done), port: uac.port };
}

/** Everything sipp logged with -trace_msg in its run directory. */
export function messages(result: { dir: string }): string {
  return readdirSync(result.dir)
    .filter((f) => f.endsWith('_messages.log'))
    .map((f) => readFileSync(join(result.dir, f), 'utf8'))
    .join('\n');
}

/** Status lines of the responses (or request lines) in a trace, in order. */
export function startLines(trace: string, pattern: RegExp): string[] {
  return trace
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => pattern.test(l));
}

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The number a sipp scenario wrote to a file (`<exec command="echo … > file"/>`), once it is there. */
export async function numberWritten(path: string, timeoutMs = 8000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = Number(readFileSync(path, 'utf8').trim());
      if (value > 0) return value;
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) throw new Error(`${path} was not written`);
    await wait(20);
  }
}

/** An `sbc run` that spawns its own real rtpengine (ng on `ngPort`, `portCount` RTP ports). */
export async function startSbcWithRtpengine(
  portCount: number,
): Promise<{ sbc: SbcUnderTest; ngPort: number; ports: { portMin: number; portMax: number } }> {
  const ngPort = await freePort();
  const ports = portRange(portCount);
  const sbc = await startSbcUnderTest({
    config: {
      media: {
        rtpengine: { mode: 'spawn', binary: requireTool('rtpengine'), ngPort, ...ports, pingIntervalMs: 500 },
      },
    },
  });
  return { sbc, ngPort, ports };
}
