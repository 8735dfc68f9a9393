// Calls per second through the full SBC: `sbc run` (rules on, media off) as a child process,
// sipp UAC -> SBC (embedded edge on its own thread + signaling core) -> sipp UAS, on loopback.
// Run: node --no-node-snapshot bench/calls.ts   (also `npm run bench:calls`)
//
// 1. Ramp: the call rate rises in steps of STEP_SECONDS until a step has a failed call; the
//    highest rate with 0 failed calls is reported.
// 2. Latency: p50/p99 setup time (INVITE sent to 200 received at the UAC, sipp -trace_rtt)
//    at 50 % of that rate.
// 3. Memory (taken first, on the fresh process): RSS of the SBC process while HOLD_CALLS
//    concurrent long calls build up, against the calls in flight; per call is the slope.
// With DRACHTIO_HOST/DRACHTIO_PORT/DRACHTIO_SECRET (and DRACHTIO_SIP, default 127.0.0.1:5060)
// the same figures are measured with `edge.mode: external` against that drachtio-server and
// printed side by side with the ratio. Env: RATES, STEP_SECONDS (8), HOLD_CALLS (1000);
// BENCH_JSON=file also writes the figures there as JSON (bench/run-all.ts reads it).
// The whole bench is bounded (< 4 minutes).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HeldCallsMemory, memoryUnderHeldCalls } from './support/held-calls.ts';
import { emitJson } from './support/json.ts';
import { cpuSeconds, type EdgeMode, hasDrachtio, rssKb, startSbc } from './support/sbc.ts';
import { freePort, percentile, readRtt, sippPath, sleep, startSipp, statCounts } from './support/sipp.ts';

const RATES = (process.env.RATES ?? '300,600,900,1200,1500,1800').split(',').map(Number);
const STEP_SECONDS = Number(process.env.STEP_SECONDS ?? 8);
const HOLD_CALLS = Number(process.env.HOLD_CALLS ?? 1000);
const BUDGET_MS = 110_000; // per edge: two edges must fit in 4 minutes

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

export interface Step {
  rate: number;
  calls: number;
  failed: number;
  p50: number;
  p90: number;
  p99: number;
  /** CPU of the SBC process over the step, % of one core (JSON only: the printed table is unchanged). */
  processCpu: number;
}

interface Figures {
  edge: EdgeMode;
  steps: Step[];
  /** 0 when even the first step had a failed call; then nothing below was measured. */
  bestRate: number;
  half?: { rate: number; p50: number; p90: number; p99: number };
  memory?: HeldCallsMemory;
}

async function uacStep(sipp: string, target: string, rate: number, calls: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-calls-uac-'));
  const uac = startSipp(
    sipp,
    [
      target,
      ...['-sn', 'uac', '-s', '4085551212', '-i', '127.0.0.1', '-p', String(await freePort())],
      ...['-r', String(rate), '-m', String(calls), '-l', String(Math.max(rate * 5, calls))],
      ...['-timeout', `${Math.ceil(calls / rate) + 15}s`, '-nostdin', '-trace_rtt', '-rtt_freq', '1'],
      ...['-trace_stat', '-stf', join(dir, 'stat.csv'), '-fd', '1'],
    ],
    dir,
    (Math.ceil(calls / rate) + 20) * 1000,
  );
  return { dir, uac };
}

/**
 * The SBC's own view of a step, from its /metrics before and after: mean setup time it measured
 * (INVITE in to 200 out), the worst event-loop delay of its main thread, and time spent in
 * garbage collection. Setup times far above the inside mean are spent outside the core: in the
 * edge's thread, socket queues or sipp.
 */
function insideView(before: Map<string, number>, after: Map<string, number>, seconds: number): string {
  const delta = (name: string): number => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const setups = delta('sbc_call_setup_seconds_count');
  const meanMs = setups > 0 ? (delta('sbc_call_setup_seconds_sum') / setups) * 1000 : Number.NaN;
  const loopMaxMs = (after.get('nodejs_eventloop_lag_max_seconds') ?? Number.NaN) * 1000;
  const gcMsPerS = (delta('nodejs_gc_duration_seconds_sum') * 1000) / seconds;
  return `${meanMs.toFixed(1)} / ${loopMaxMs.toFixed(0)} / ${gcMsPerS.toFixed(0)}`;
}

async function measure(edge: EdgeMode, sipp: string): Promise<Figures> {
  const started = Date.now();
  const uasPort = await freePort();
  const sbc = await startSbc({ edge });
  const uasDir = mkdtempSync(join(tmpdir(), 'bench-calls-uas-'));
  const uas = startSipp(
    sipp,
    ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin', '-timeout', '300s'],
    uasDir,
    300_000,
  );
  const steps: Step[] = [];
  const figures: Figures = { edge, steps, bestRate: 0 };
  try {
    await sbc.activate(await sbc.upload(RULES(uasPort)));
    await sleep(500);
    const memory = await memoryUnderHeldCalls(sipp, sbc.sip, HOLD_CALLS, () => rssKb(sbc.pid));
    figures.memory = memory;
    await sleep(1500);
    console.log(
      `\n${edge} edge: sipp uac -> sbc ${sbc.sip} -> sipp uas 127.0.0.1:${uasPort} (rules on, media off)`,
    );
    console.log(
      'rate(cps)  calls  failed  p50(ms)  p99(ms)  inside the SBC: mean setup ms, loop delay max ms, GC ms per s',
    );
    let best = 0;
    for (const rate of RATES) {
      if (Date.now() - started + (STEP_SECONDS + 45) * 1000 > BUDGET_MS) {
        console.log('(time budget reached)');
        break;
      }
      const calls = rate * STEP_SECONDS;
      // Scraping also resets the SBC's event-loop delay histogram (prom-client): the next scrape covers the step.
      const m0 = await sbc.metrics();
      const cpu0 = cpuSeconds(sbc.pid);
      const t0 = performance.now();
      const { dir: d, uac } = await uacStep(sipp, sbc.sip, rate, calls);
      await uac.done;
      const stepSeconds = (performance.now() - t0) / 1000;
      const processCpu = ((cpuSeconds(sbc.pid) - cpu0) / stepSeconds) * 100;
      const inside = insideView(m0, await sbc.metrics(), stepSeconds);
      const { ok, failed } = statCounts(d);
      const bad = failed + Math.max(0, calls - ok - failed);
      const rtt = readRtt(d);
      rmSync(d, { recursive: true, force: true });
      const [p50, p90, p99] = [50, 90, 99].map((p) => percentile(rtt, p)) as [number, number, number];
      steps.push({ rate, calls, failed: bad, p50, p90, p99, processCpu });
      console.log(
        `${String(rate).padStart(9)}  ${String(calls).padStart(5)}  ${String(bad).padStart(6)}  ${p50.toFixed(1).padStart(7)}  ${p99.toFixed(1).padStart(7)}  ${inside}`,
      );
      if (bad > 0) break;
      best = rate;
      await sleep(1500);
    }
    figures.bestRate = best;
    if (best === 0) return figures;
    // Latency at half the best rate, once what the last steps queued has drained.
    await sleep(5000);
    const half = Math.max(1, Math.round(best / 2));
    const { dir: d, uac } = await uacStep(sipp, sbc.sip, half, half * STEP_SECONDS);
    await uac.done;
    const rtt = readRtt(d);
    rmSync(d, { recursive: true, force: true });
    const at = { rate: half, p50: percentile(rtt, 50), p90: percentile(rtt, 90), p99: percentile(rtt, 99) };
    figures.half = at;
    console.log(
      `highest rate with 0 failed calls: ${best} cps; at ${half} cps: p50 ${at.p50.toFixed(1)} ms, p99 ${at.p99.toFixed(1)} ms; ` +
        `memory: ${memory.kbPerCall.toFixed(1)} KiB per active call (${memory.held} calls, RSS ${(memory.idleKb / 1024).toFixed(0)} -> ${(memory.loadedKb / 1024).toFixed(0)} MiB)`,
    );
  } finally {
    uas.child.kill('SIGKILL');
    await uas.done;
    await sbc.stop();
    rmSync(uasDir, { recursive: true, force: true });
  }
  return figures;
}

async function main(): Promise<void> {
  const sipp = sippPath();
  const embedded = await measure('embedded', sipp);
  if (!hasDrachtio()) {
    console.log(
      '\n(set DRACHTIO_HOST, DRACHTIO_PORT, DRACHTIO_SECRET [, DRACHTIO_SIP] to compare with a drachtio-server)',
    );
    emitJson({ embedded, external: null });
    return;
  }
  let external: Figures;
  try {
    external = await measure('external', sipp);
  } catch (err) {
    // The drachtio-server named in the environment could not be used: say so, keep the rest.
    const error = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    console.log(`\nexternal edge (drachtio-server): not measured: ${error}`);
    emitJson({ embedded, external: { error } });
    return;
  }
  emitJson({ embedded, external });
  const [e, x] = [embedded, external];
  if (e.half && e.memory && x.half && x.memory) {
    const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(2));
    console.log('\n                       embedded  drachtio-server  ratio');
    console.log(
      `highest cps            ${String(e.bestRate).padStart(8)}  ${String(x.bestRate).padStart(15)}  ${ratio(e.bestRate, x.bestRate)}`,
    );
    console.log(
      `p50 setup (ms)         ${e.half.p50.toFixed(1).padStart(8)}  ${x.half.p50.toFixed(1).padStart(15)}  ${ratio(e.half.p50, x.half.p50)}`,
    );
    console.log(
      `p99 setup (ms)         ${e.half.p99.toFixed(1).padStart(8)}  ${x.half.p99.toFixed(1).padStart(15)}  ${ratio(e.half.p99, x.half.p99)}`,
    );
    console.log(
      `KiB per active call    ${e.memory.kbPerCall.toFixed(1).padStart(8)}  ${x.memory.kbPerCall.toFixed(1).padStart(15)}  ${ratio(e.memory.kbPerCall, x.memory.kbPerCall)}`,
    );
  }
}

await main();
