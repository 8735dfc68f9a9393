// Calls per second through a minimal drachtio-srf B2BUA on the embedded edge.
// Run: node bench/edge.ts   (Node 24; also `npm run bench:edge`)
//
// sipp UAC -> edge (worker thread) -> B2BUA (this thread) -> edge -> sipp UAS,
// all on 127.0.0.1 over UDP. The call rate ramps in steps of STEP_SECONDS;
// the bench stops at the first step with a failed call. For each step it
// prints the rate, failed calls, p50/p99 setup latency (INVITE sent to 200
// received at the UAC, from sipp's -trace_rtt) and the CPU used by the
// edge's thread, by the B2BUA's thread and by the whole process (% of one core), and the
// worst event-loop delay of each thread in the step (a stalled loop delays every message queued behind it).
// Env: RATES="200,400,..." to choose the steps, STEP_SECONDS (default 10); HOLD_CALLS=N (default
// 0: off) then holds N concurrent calls and prints the process's memory per call, the baseline of
// bench/calls.ts; BENCH_JSON=file also writes the figures there as JSON (bench/run-all.ts).

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import Srf from 'drachtio-srf';
import { startEmbeddedEdge } from '../src/edge/embedded-edge.ts';
import { type HeldCallsMemory, memoryUnderHeldCalls } from './support/held-calls.ts';
import { emitJson } from './support/json.ts';
import { rssKb } from './support/sbc.ts';

const RATES = (process.env.RATES ?? '200,400,600,800,1000,1200,1500,1800').split(',').map(Number);
const STEP_SECONDS = Number(process.env.STEP_SECONDS ?? 10);
const HOLD_CALLS = Number(process.env.HOLD_CALLS ?? 0);
const BUDGET_MS = 170_000;

function sippPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' }).trim();
  } catch {
    console.error("sipp is not installed: run 'npm run setup:system' (Debian package sip-tester)");
    process.exit(2);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

type Leg = { on(e: string, f: () => void): void; destroy(): Promise<unknown> };
type App = {
  invite(fn: (req: { calledNumber: string; body: string }, res: unknown) => void): void;
  createB2BUA(req: unknown, res: unknown, uri: string, opts: object): Promise<{ uas: Leg; uac: Leg }>;
  on(evt: string, fn: (err?: Error) => void): void;
  connect(o: object): void;
  disconnect(): void;
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Setup times (ms) from sipp's -trace_rtt file(s): `date_ms;response_time_ms;rtd_no` lines. */
function readRtt(dir: string): number[] {
  const out: number[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('_rtt.csv'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n').slice(1)) {
      const v = Number(line.split(';')[1]);
      if (Number.isFinite(v) && line.trim() !== '') out.push(v);
    }
  }
  return out.sort((a, b) => a - b);
}

function statCounts(dir: string): { ok: number; failed: number } {
  const lines = readFileSync(join(dir, 'stat.csv'), 'utf8').trim().split('\n');
  const head = lines[0]!.split(';');
  const last = lines[lines.length - 1]!.split(';');
  const col = (n: string): number => Number(last[head.indexOf(n)]);
  return { ok: col('SuccessfulCall(C)'), failed: col('FailedCall(C)') };
}

/** sipp's UDP buffers default to 64 KiB: a burst overflows them and looks like edge latency. */
const SIPP_BUFFERS = ['-buff_size', String(4 * 1024 * 1024)];

/** Starts sipp; `killAfterMs` bounds it even when sipp's own -timeout does not fire (seen under overload). */
function run(
  bin: string,
  args: string[],
  cwd: string,
  killAfterMs?: number,
): { child: ChildProcess; done: Promise<number | null> } {
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

const cpuPct = (before: NodeJS.CpuUsage, after: NodeJS.CpuUsage, ms: number): number =>
  (after.user + after.system - before.user - before.system) / 10 / ms;

async function main(): Promise<void> {
  const sipp = sippPath();
  const started = Date.now();
  const edge = await startEmbeddedEdge({
    config: {
      sip: { listen: [{ protocol: 'udp', host: '127.0.0.1' }], rateLimit: { perSecond: 1e6, burst: 1e6 } },
      wire: { secret: 'bench' },
    },
    logLevel: 'warn',
  });
  const edgePort = edge.sip[0]!.port;
  const uasPort = await freePort();
  const srf = new Srf() as unknown as App;
  srf.invite((req, res) => {
    srf
      .createB2BUA(req, res, `sip:${req.calledNumber}@127.0.0.1:${uasPort}`, { localSdpB: req.body })
      .then(({ uas, uac }) => {
        uas.on('destroy', () => void uac.destroy().catch(() => {}));
        uac.on('destroy', () => void uas.destroy().catch(() => {}));
      })
      .catch(() => {});
  });
  await new Promise<void>((resolve, reject) => {
    srf.on('connect', (err) => (err ? reject(err) : resolve()));
    srf.on('error', () => {});
    srf.connect({ ...edge.wire, reconnect: { maxAttempts: 1 } });
  });
  await new Promise((r) => setTimeout(r, 100));

  const uasDir = mkdtempSync(join(tmpdir(), 'bench-uas-'));
  const uas = run(
    sipp,
    ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin', '-timeout', '300s'],
    uasDir,
  );
  await new Promise((r) => setTimeout(r, 300));

  console.log(
    `embedded edge bench: sipp uac -> edge udp/127.0.0.1:${edgePort} -> srf B2BUA -> edge -> sipp uas`,
  );
  console.log(
    'rate(cps)  calls  failed  p50(ms)  p99(ms)  edge CPU%  b2bua CPU%  process CPU%  edge CPU ms/call  loop delay max ms (edge/b2bua)',
  );
  const mainLoop = monitorEventLoopDelay({ resolution: 10 });
  mainLoop.enable();
  let best: { rate: number; p50: number; p99: number } | undefined;
  const steps: Array<{
    rate: number;
    calls: number;
    failed: number;
    p50: number;
    p90: number;
    p99: number;
    processCpu: number;
  }> = [];
  let memory: HeldCallsMemory | undefined;
  try {
    // Memory first, on the fresh process (printed after the ramp).
    if (HOLD_CALLS > 0) {
      memory = await memoryUnderHeldCalls(sipp, `127.0.0.1:${edgePort}`, HOLD_CALLS, () =>
        rssKb(process.pid),
      );
      await new Promise((r) => setTimeout(r, 1500));
    }
    for (const rate of RATES) {
      if (Date.now() - started + (STEP_SECONDS + 15) * 1000 > BUDGET_MS) {
        console.log('(time budget reached)');
        break;
      }
      const dir = mkdtempSync(join(tmpdir(), 'bench-uac-'));
      const calls = rate * STEP_SECONDS;
      const edgeBefore = (await edge.stats()).cpu;
      mainLoop.reset();
      const mainBefore = process.threadCpuUsage();
      const procBefore = process.cpuUsage();
      const t0 = Date.now();
      const uac = run(
        sipp,
        [
          `127.0.0.1:${edgePort}`,
          ...['-sn', 'uac', '-s', 'service', '-i', '127.0.0.1', '-p', String(await freePort())],
          ...['-r', String(rate), '-m', String(calls), '-l', String(rate * 5)],
          ...['-timeout', `${STEP_SECONDS + 12}s`, '-nostdin', '-trace_rtt', '-rtt_freq', '1'],
          ...['-trace_stat', '-stf', join(dir, 'stat.csv'), '-fd', '1'],
        ],
        dir,
        (STEP_SECONDS + 15) * 1000,
      );
      await uac.done;
      const ms = Date.now() - t0;
      if (process.env.BENCH_DEBUG) console.log(`step took ${ms} ms`);
      const edgeAfter = await edge.stats();
      const edgeCpu = cpuPct(edgeBefore, edgeAfter.cpu, ms);
      const loops = `${edgeAfter.loopDelay.max.toFixed(0)}/${(mainLoop.max / 1e6).toFixed(0)}`;
      const mainCpu = cpuPct(mainBefore, process.threadCpuUsage(), ms);
      // The whole SBC process: both threads plus V8's garbage-collector helper threads.
      const procCpu = cpuPct(procBefore, process.cpuUsage(), ms);
      const { ok, failed } = statCounts(dir);
      const lost = calls - ok - failed;
      const rtt = readRtt(dir);
      const p50 = percentile(rtt, 50);
      const p99 = percentile(rtt, 99);
      rmSync(dir, { recursive: true, force: true });
      const bad = failed + Math.max(0, lost);
      steps.push({ rate, calls, failed: bad, p50, p90: percentile(rtt, 90), p99, processCpu: procCpu });
      console.log(
        `${String(rate).padStart(9)}  ${String(calls).padStart(5)}  ${String(bad).padStart(6)}  ` +
          `${p50.toFixed(1).padStart(7)}  ${p99.toFixed(1).padStart(7)}  ${edgeCpu.toFixed(0).padStart(9)}  ${mainCpu.toFixed(0).padStart(10)}  ${procCpu.toFixed(0).padStart(12)}  ${((edgeCpu * ms) / 100 / Math.max(1, ok)).toFixed(2).padStart(16)}  ${loops.padStart(30)}`,
      );
      if (bad > 0) break;
      best = { rate, p50, p99 };
      // Let the previous step's transactions drain before the next one.
      await new Promise((r) => setTimeout(r, 1500));
    }
    if (memory) {
      console.log(
        `memory: ${memory.kbPerCall.toFixed(1)} KiB per active call (${memory.held} calls, RSS ${(memory.idleKb / 1024).toFixed(0)} -> ${(memory.loadedKb / 1024).toFixed(0)} MiB)`,
      );
    }
  } finally {
    uas.child.kill('SIGKILL');
    await uas.done;
    rmSync(uasDir, { recursive: true, force: true });
    try {
      srf.disconnect();
    } catch {
      // already gone
    }
    await edge.close();
  }
  if (best)
    console.log(
      `highest rate with 0 failed calls: ${best.rate} cps (p50 ${best.p50.toFixed(1)} ms, p99 ${best.p99.toFixed(1)} ms)`,
    );
  else console.log('no step completed without failures');
  emitJson({ steps, bestRate: best?.rate ?? 0, memory: memory ?? null });
}

await main();
