/**
 * A real `sbc run` for the fault and fuzz tests, with what those need beyond
 * test/support/sbc-under-test.ts: any config key (SIP timers, media, core), a data directory and
 * ports that survive a restart (SIGKILL, then the same command again), and the PIDs of the process
 * and of the rtpengine it spawned. Everything is stopped by its own PID.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../support/ports.ts';
import { type SbcProcess, spawnSbc } from '../../support/sbc-process.ts';
import { type ApiAnswer, baseConfig, type SbcAdmin, sbcAdmin } from '../../support/sbc-admin.ts';

const FETCH_BLOCKED_PORTS = new Set([10080]);

export interface SbcNodeOptions {
  /** Top-level config sections merged over the defaults below (one level deep). */
  config?: Record<string, Record<string, unknown>>;
  /** Reuse a directory (data, CDRs, config) and its ports, e.g. after a kill. */
  reuse?: SbcNode;
}

export type { ApiAnswer };

export interface SbcNode extends SbcAdmin {
  proc: SbcProcess;
  pid: number;
  sipPort: number;
  adminPort: number;
  dir: string;
  /** PIDs of rtpengine processes this SBC spawned (its children). */
  rtpenginePids(): number[];
  /** SIGKILL, as a crash or the OOM killer would; resolves once it is gone. */
  kill9(): Promise<void>;
  close(): Promise<void>;
}

export async function startSbcNode(options: SbcNodeOptions = {}): Promise<SbcNode> {
  const dir = options.reuse?.dir ?? mkdtempSync(join(tmpdir(), 'sbc-fault-'));
  const sipPort = options.reuse?.sipPort ?? (await freePort());
  let adminPort = options.reuse?.adminPort ?? (await freePort());
  // fetch refuses a few ports outright ("bad port", the Fetch standard's port blocking); 10080 is
  // in the tests' range.
  while (FETCH_BLOCKED_PORTS.has(adminPort)) adminPort = await freePort();
  const file = join(dir, 'sbc.yaml');
  if (!options.reuse) {
    const base = baseConfig(dir, sipPort, adminPort);
    for (const [section, values] of Object.entries(options.config ?? {}))
      base[section] = { ...base[section], ...values };
    writeFileSync(file, stringify(base));
  }
  const proc = spawnSbc(['run', '-c', file]);
  try {
    await proc.waitFor(/SBC started/, 20_000);
  } catch (error) {
    proc.kill();
    throw error;
  }
  const pid = proc.child.pid!;

  const stopped = async (signal: NodeJS.Signals) => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    proc.child.kill(signal);
    const timer = setTimeout(() => proc.kill(), 3000);
    await proc.exited;
    clearTimeout(timer);
  };
  return {
    proc,
    pid,
    sipPort,
    adminPort,
    dir,
    ...sbcAdmin(adminPort, dir),
    rtpenginePids: () => childrenNamed(pid, 'rtpengine'),
    kill9: () => stopped('SIGKILL'),
    close: () => stopped('SIGTERM'),
  };
}

/** PIDs of the direct children of `parent` whose command name is `name` (from /proc). */
export function childrenNamed(parent: number, name: string): number[] {
  let ids: string[];
  try {
    ids = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
  return ids.map(Number).filter((child) => {
    try {
      return readFileSync(`/proc/${child}/comm`, 'utf8').trim() === name;
    } catch {
      return false;
    }
  });
}

/** Resident memory of a process, in MiB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

/** Sum of a Prometheus metric over all its label sets. */
export function metricSum(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it holds, or fails naming `what` after `ms`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what}: not reached within ${ms} ms`);
}
