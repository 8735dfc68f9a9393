// A real `sbc run` (bin/sbc) as a child process for the benches, driven through its admin API,
// and what the benches read of it from /proc and /metrics.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { freePort, sleep } from './sipp.ts';

const ROOT = resolve(import.meta.dirname, '../..');
export const TOKEN = 'bench-token-0123456789abcdef';

export type EdgeMode = 'embedded' | 'external';

export interface SbcOptions {
  edge: EdgeMode;
  /** Anchor media in an rtpengine the SBC spawns (port range sized for `mediaCalls`); default off. */
  media?: { calls: number };
  logLevel?: string;
}

export interface RunningSbc {
  child: ChildProcess;
  pid: number;
  /** Where callers send their INVITEs (host:port). */
  sip: string;
  admin: number;
  dir: string;
  upload(rules: string): Promise<number>;
  activate(version: number): Promise<void>;
  /** Sum of each metric's samples (all label sets) from GET /metrics. */
  metrics(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

export const hasDrachtio = (): boolean =>
  Boolean(process.env.DRACHTIO_HOST && process.env.DRACHTIO_PORT && process.env.DRACHTIO_SECRET);

export async function startSbc(options: SbcOptions): Promise<RunningSbc> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sbc-'));
  const sipPort = await freePort();
  const admin = await freePort();
  const external = options.edge === 'external';
  const rtpengine = options.media
    ? {
        mode: 'spawn',
        ngPort: await freePort(),
        // Below the RTP ranges the tests pick (25000 and up) and apart from bench/media.ts's.
        portMin: 22200,
        portMax: Math.min(24999, 22200 + options.media.calls * 4 + 99),
      }
    : { mode: 'off' };
  const config = {
    log: { level: options.logLevel ?? 'info', format: 'json' },
    sip: { listen: [{ transport: 'udp', host: '127.0.0.1', port: sipPort }] },
    edge: external
      ? {
          mode: 'external',
          host: process.env.DRACHTIO_HOST,
          port: Number(process.env.DRACHTIO_PORT),
          secret: process.env.DRACHTIO_SECRET,
        }
      : { mode: 'embedded' },
    admin: { listen: { host: '127.0.0.1', port: admin }, token: TOKEN },
    data: { dir: join(dir, 'data') },
    media: { rtpengine },
    core: { flood: { perSourceCps: 1_000_000 }, cdr: { file: join(dir, 'cdr.jsonl') } },
  };
  writeFileSync(join(dir, 'sbc.yaml'), stringify(config));
  const child = spawn(join(ROOT, 'bin/sbc'), ['run', '-c', join(dir, 'sbc.yaml')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // Keep only the start of the output: enough to see why a start failed, bounded on long runs.
  const keep = (c: Buffer) => {
    if (out.length < 100_000) out += c.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; i < 100 && !/SBC started/.test(out) && child.exitCode === null; i++) await sleep(200);
  if (!/SBC started/.test(out)) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`sbc did not start:\n${out}`);
  }
  const sip = external ? (process.env.DRACHTIO_SIP ?? '127.0.0.1:5060') : `127.0.0.1:${sipPort}`;
  const base = `http://127.0.0.1:${admin}/api/v1`;
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<unknown>;
  };
  return {
    child,
    pid: child.pid!,
    sip,
    admin,
    dir,
    async upload(rules) {
      const r = (await post('/rulesets/versions', { files: { 'main.rules': rules } })) as {
        version: { version: number };
      };
      return r.version.version;
    },
    async activate(version) {
      await post('/rulesets/activate', { version });
    },
    async metrics() {
      const r = await fetch(`http://127.0.0.1:${admin}/metrics`, { headers });
      return sumMetrics(await r.text());
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const late = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(late);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Prometheus text format → metric name → sum over its label sets. */
export function sumMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const v = Number(m[2]);
    if (Number.isFinite(v)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + v);
  }
  return out;
}

export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

/** Open file descriptors of a process (entries of /proc/PID/fd). */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** CPU time (user + system) a process has used so far, in seconds (/proc/PID/stat, 100 ticks a second). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
