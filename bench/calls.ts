// Calls per second through the full SBC: `sbc run` (rules on, media off) as a child process,
// sipp UAC -> SBC (embedded edge on its own thread + signaling core) -> sipp UAS, on loopback.
// Run: node --no-node-snapshot bench/calls.ts   (also `npm run bench:calls`)
//
// 1. Ramp: the call rate rises in steps of STEP_SECONDS until a step has a failed call; the
//    highest rate with 0 failed calls is reported.
// 2. Latency: p50/p99 setup time (INVITE sent to 200 received at the UAC, sipp -trace_rtt)
//    at 50 % of that rate.
// 3. Memory: RSS of the SBC process with HOLD_CALLS concurrent long calls, minus RSS idle,
//    per call.
// With DRACHTIO_HOST/DRACHTIO_PORT/DRACHTIO_SECRET (and DRACHTIO_SIP, default 127.0.0.1:5060)
// the same figures are measured with `edge.mode: external` against that drachtio-server and
// printed side by side with the ratio. Env: RATES, STEP_SECONDS (8), HOLD_CALLS (1000).
// The whole bench is bounded (< 4 minutes).

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');
const RATES = (process.env.RATES ?? '300,600,900,1200,1500,1800').split(',').map(Number);
const STEP_SECONDS = Number(process.env.STEP_SECONDS ?? 8);
const HOLD_CALLS = Number(process.env.HOLD_CALLS ?? 1000);
const BUDGET_MS = 110_000; // per edge: two edges must fit in 4 minutes
const TOKEN = 'bench-token-0123456789abcdef';

const RULES = (uasPort: number) => `ruleset bench
trunk callers {
  peers ["127.0.0.1:5999"]
  sources [127.0.0.0/8]
}
trunk core {
  peers ["127.0.0.1:${uasPort}"]
  failover { on: [408, 5xx, timeout], retry: 1, timeout: 5s }
}
on request INVITE from callers {
  let callee = e164(ruri.user, country: "US") else reject 484 "Address Incomplete"
  set ruri.user = callee
  default header "P-Asserted-Identity" = "<sip:" + from.user + "@" + from.host + ">"
  remove header /^X-Internal-/
  set header "X-Bench" = "1"
  route core
}
on request INVITE to core {
  set header "X-Attempt" = str(call.attempt)
}
`;

function sippPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' }).trim();
  } catch {
    console.error("sipp is not installed: run 'npm run setup:system' (Debian package sip-tester)");
    process.exit(2);
  }
}

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SIPP_BUFFERS = ['-buff_size', String(4 * 1024 * 1024)];

function run(bin: string, args: string[], cwd: string, killAfterMs: number) {
  const child = spawn(bin, [...args, ...SIPP_BUFFERS], { cwd, stdio: 'ignore' });
  const guard = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const done = new Promise<void>((r) =>
    child.on('close', () => {
      clearTimeout(guard);
      r();
    }),
  );
  return { child, done };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function readRtt(dir: string): number[] {
  const out: number[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('_rtt.csv')))
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n').slice(1)) {
      const v = Number(line.split(';')[1]);
      if (line.trim() !== '' && Number.isFinite(v)) out.push(v);
    }
  return out.sort((a, b) => a - b);
}

function statCounts(dir: string): { ok: number; failed: number } {
  try {
    const lines = readFileSync(join(dir, 'stat.csv'), 'utf8').trim().split('\n');
    const head = lines[0]!.split(';');
    const last = lines[lines.length - 1]!.split(';');
    const col = (n: string) => Number(last[head.indexOf(n)]);
    return { ok: col('SuccessfulCall(C)'), failed: col('FailedCall(C)') };
  } catch {
    return { ok: 0, failed: -1 };
  }
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

interface Figures {
  edge: string;
  bestRate: number;
  p50: number;
  p99: number;
  kbPerCall: number;
  held: number;
}

async function startSbc(
  edge: 'embedded' | 'external',
  dir: string,
): Promise<{ child: ChildProcess; sip: string; admin: number }> {
  const sipPort = await freePort();
  const admin = await freePort();
  const external = edge === 'external';
  const config = {
    log: { level: 'info', format: 'json' },
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
    media: { rtpengine: { mode: 'off' } },
    core: { flood: { perSourceCps: 1_000_000 }, cdr: { file: join(dir, 'cdr.jsonl') } },
  };
  writeFileSync(join(dir, 'sbc.yaml'), stringify(config));
  const child = spawn(join(ROOT, 'bin/sbc'), ['run', '-c', join(dir, 'sbc.yaml')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  for (let i = 0; i < 100 && !/SBC started/.test(out); i++) await sleep(200);
  if (!/SBC started/.test(out)) throw new Error(`sbc did not start:\n${out}`);
  const sip = external ? (process.env.DRACHTIO_SIP ?? '127.0.0.1:5060') : `127.0.0.1:${sipPort}`;
  return { child, sip, admin };
}

async function activate(admin: number, rules: string): Promise<void> {
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const up = await fetch(`http://127.0.0.1:${admin}/api/v1/rulesets/versions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ files: { 'main.rules': rules } }),
  });
  const version = ((await up.json()) as { version: { version: number } }).version.version;
  await fetch(`http://127.0.0.1:${admin}/api/v1/rulesets/activate`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ version }),
  });
}

async function uacStep(sipp: string, target: string, rate: number, calls: number, extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-calls-uac-'));
  const uac = run(
    sipp,
    [
      target,
      ...['-sn', 'uac', '-s', '4085551212', '-i', '127.0.0.1', '-p', String(await freePort())],
      ...['-r', String(rate), '-m', String(calls), '-l', String(Math.max(rate * 5, calls))],
      ...['-timeout', `${Math.ceil(calls / rate) + 15}s`, '-nostdin', '-trace_rtt', '-rtt_freq', '1'],
      ...['-trace_stat', '-stf', join(dir, 'stat.csv'), '-fd', '1', ...extra],
    ],
    dir,
    (Math.ceil(calls / rate) + 20) * 1000,
  );
  return { dir, uac };
}

async function measure(edge: 'embedded' | 'external', sipp: string): Promise<Figures | undefined> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'bench-calls-'));
  const uasPort = await freePort();
  const sbc = await startSbc(edge, dir);
  const uasDir = mkdtempSync(join(tmpdir(), 'bench-calls-uas-'));
  const uas = run(
    sipp,
    ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin', '-timeout', '300s'],
    uasDir,
    300_000,
  );
  let figures: Figures | undefined;
  try {
    await activate(sbc.admin, RULES(uasPort));
    await sleep(500);
    console.log(
      `\n${edge} edge: sipp uac -> sbc ${sbc.sip} -> sipp uas 127.0.0.1:${uasPort} (rules on, media off)`,
    );
    console.log('rate(cps)  calls  failed  p50(ms)  p99(ms)');
    let best = 0;
    for (const rate of RATES) {
      if (Date.now() - started + (STEP_SECONDS + 45) * 1000 > BUDGET_MS) {
        console.log('(time budget reached)');
        break;
      }
      const calls = rate * STEP_SECONDS;
      const { dir: d, uac } = await uacStep(sipp, sbc.sip, rate, calls);
      await uac.done;
      const { ok, failed } = statCounts(d);
      const bad = failed + Math.max(0, calls - ok - failed);
      const rtt = readRtt(d);
      rmSync(d, { recursive: true, force: true });
      console.log(
        `${String(rate).padStart(9)}  ${String(calls).padStart(5)}  ${String(bad).padStart(6)}  ${percentile(rtt, 50).toFixed(1).padStart(7)}  ${percentile(rtt, 99).toFixed(1).padStart(7)}`,
      );
      if (bad > 0) break;
      best = rate;
      await sleep(1500);
    }
    if (best === 0) return undefined;
    // Latency at half the best rate.
    const half = Math.max(1, Math.round(best / 2));
    const { dir: d, uac } = await uacStep(sipp, sbc.sip, half, half * STEP_SECONDS);
    await uac.done;
    const rtt = readRtt(d);
    rmSync(d, { recursive: true, force: true });
    await sleep(1500);
    // Memory per call: HOLD_CALLS calls held 20 s; RSS sampled once they are all up.
    const idle = rssKb(sbc.child.pid!);
    const holdRate = 250;
    const { dir: hd, uac: hold } = await uacStep(sipp, sbc.sip, holdRate, HOLD_CALLS, ['-d', '20000']);
    await sleep((HOLD_CALLS / holdRate) * 1000 + 2000);
    const loaded = rssKb(sbc.child.pid!);
    hold.child.kill('SIGKILL');
    await hold.done;
    rmSync(hd, { recursive: true, force: true });
    figures = {
      edge,
      bestRate: best,
      p50: percentile(rtt, 50),
      p99: percentile(rtt, 99),
      kbPerCall: (loaded - idle) / HOLD_CALLS,
      held: HOLD_CALLS,
    };
    console.log(
      `highest rate with 0 failed calls: ${best} cps; at ${half} cps: p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms; ` +
        `memory: ${figures.kbPerCall.toFixed(1)} KiB per active call (${HOLD_CALLS} calls, RSS ${(idle / 1024).toFixed(0)} -> ${(loaded / 1024).toFixed(0)} MiB)`,
    );
  } finally {
    uas.child.kill('SIGKILL');
    await uas.done;
    sbc.child.kill('SIGTERM');
    await new Promise((r) => sbc.child.once('exit', r));
    rmSync(uasDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

async function main(): Promise<void> {
  const sipp = sippPath();
  const embedded = await measure('embedded', sipp);
  const hasExternal = process.env.DRACHTIO_HOST && process.env.DRACHTIO_PORT && process.env.DRACHTIO_SECRET;
  if (!hasExternal) {
    console.log(
      '\n(set DRACHTIO_HOST, DRACHTIO_PORT, DRACHTIO_SECRET [, DRACHTIO_SIP] to compare with a drachtio-server)',
    );
    return;
  }
  const external = await measure('external', sipp);
  if (embedded && external) {
    const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(2));
    console.log('\n                       embedded  drachtio-server  ratio');
    console.log(
      `highest cps            ${String(embedded.bestRate).padStart(8)}  ${String(external.bestRate).padStart(15)}  ${ratio(embedded.bestRate, external.bestRate)}`,
    );
    console.log(
      `p50 setup (ms)         ${embedded.p50.toFixed(1).padStart(8)}  ${external.p50.toFixed(1).padStart(15)}  ${ratio(embedded.p50, external.p50)}`,
    );
    console.log(
      `p99 setup (ms)         ${embedded.p99.toFixed(1).padStart(8)}  ${external.p99.toFixed(1).padStart(15)}  ${ratio(embedded.p99, external.p99)}`,
    );
    console.log(
      `KiB per active call    ${embedded.kbPerCall.toFixed(1).padStart(8)}  ${external.kbPerCall.toFixed(1).padStart(15)}  ${ratio(embedded.kbPerCall, external.kbPerCall)}`,
    );
  }
}

await main();
