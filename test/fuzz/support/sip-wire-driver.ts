/**
 * SIP fuzzing over the wire against a real `sbc run`. Runs inside its own network namespace
 * (test/support/netns.ts): the RFC 4475 messages and the mutations name foreign hosts that the SBC
 * tries to resolve and answer. It starts the SBC and a far end, sends the regression cases, then
 * `--batches` batches of seeded cases over UDP and TCP. After every batch the SBC must still run and
 * answer an OPTIONS over UDP and over TCP. After a warm-up (`--sample-after`) and at the end it
 * waits until the transactions sent so far have expired (T1 = 100 ms here, so 64·T1 = 6.4 s) and
 * samples memory: in steady state the batches after the warm-up add little. Prints one JSON line.
 *
 *   node --no-node-snapshot test/fuzz/support/sip-wire-driver.ts --seed 42 [--only 17,230]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { metricSum, rssMb, type SbcNode, sleep, startSbcNode } from '../../faults/support/sbc-node.ts';
import { freePort } from '../../support/ports.ts';
import { startFarEnd } from './far-end.ts';
import { fuzzCase, regressionCases, rfc4475Messages } from './sip-cases.ts';
import { probeTcp, probeUdp, WireSender } from './sip-wire-io.ts';

const { values: opts } = parseArgs({
  options: {
    seed: { type: 'string' },
    batches: { type: 'string', default: '16' },
    'udp-per-batch': { type: 'string', default: '300' },
    'tcp-per-batch': { type: 'string', default: '100' },
    /** Only these case indices (comma-separated), as one batch: to replay a failure. */
    only: { type: 'string' },
    /** Write every case sent, as DIR/case-N-udp.sip or -tcp.sip (to keep one as a regression fixture). */
    dump: { type: 'string' },
    /** Where to write the SBC's whole output (for diagnosis). */
    'sbc-log': { type: 'string' },
    /** Memory is sampled (each time after a drain) after these batches, and after the last. */
    'sample-after': { type: 'string', default: '4' },
  },
});
const seed = Number(opts.seed) >>> 0;
const batches = Number(opts.batches);
const udpPerBatch = Number(opts['udp-per-batch']);
const perBatch = udpPerBatch + Number(opts['tcp-per-batch']);
const only = opts.only?.split(',').map(Number);
if (opts.dump) mkdirSync(opts.dump, { recursive: true });
/** Transactions expire 64·T1 after they end (RFC 3261 Timer H, J); a little more to be sure. */
const T1_MS = 100;
const DRAIN_MS = 64 * T1_MS + 1500;

interface MemorySample {
  rssMb: number;
  heapUsedMb: number;
  handles: number;
}

const far = await startFarEnd('127.0.0.2', await freePort('127.0.0.2'));
// The rules read what callers send, write caller-controlled text into URIs (sip-rule-values.test.ts
// has the case that once crashed the SBC that way) and route every INVITE.
const sbc: SbcNode = await startSbcNode({
  config: {
    sip: { t1Ms: T1_MS },
    // Far above the fuzz rate: the flood guard must not hide cases from the core.
    core: { flood: { perSourceCps: 5000, action: 'reject' } },
  },
});
await sbc.activate(`ruleset sip_fuzz
trunk callers {
  peers ["127.0.0.1:5070"]
  sources [127.0.0.1/32]
}
trunk far {
  peers ["127.0.0.2:${far.port}"]
  failover { on: [timeout], retry: 0, timeout: 1s }
}
on request INVITE from callers {
  set header "X-Caller" = from.user + "@" + from.host
  set ruri.user = header["X-Called"] ?? ruri.user
  if has(pai) {
    set from.user = pai.user
  }
  route far
}
on response 18x from far {
  set header "X-Seen" = "ringing"
}
on failure {
  reject 486 "Busy Here"
}
`);
const sender = await WireSender.open(sbc.sipPort);
const torture = rfc4475Messages();

let dead: string | undefined;
void sbc.proc.exited.then((code) => {
  dead = `sbc exited (${code})`;
});
let lastSent = -1;

function makeCase(i: number, transport: 'udp' | 'tcp'): Buffer {
  const bytes = fuzzCase(seed, i, transport === 'udp' ? sender.udpAddresses : sender.tcpAddresses, torture);
  if (opts.dump) writeFileSync(join(opts.dump, `case-${i}-${transport}.sip`), bytes);
  return bytes;
}

async function runCases(indices: number[]): Promise<void> {
  const udpCases = indices.filter((i) => i % perBatch < udpPerBatch);
  const tcpCases = indices.filter((i) => i % perBatch >= udpPerBatch);
  for (const [k, i] of udpCases.entries()) {
    lastSent = i;
    await sender.sendUdp(makeCase(i, 'udp'));
    // About 2,000 datagrams a second: fast, but under the edge's per-source limit.
    if (k % 20 === 19) await sleep(10);
  }
  for (let k = 0; k < tcpCases.length; k += 8) {
    const group = tcpCases.slice(k, k + 8);
    lastSent = group.at(-1)!;
    await sender.sendTcp(group.map((i) => makeCase(i, 'tcp')));
  }
}

async function memory(): Promise<MemorySample> {
  const text = await sbc.metrics();
  return {
    rssMb: rssMb(sbc.pid),
    heapUsedMb: metricSum(text, 'nodejs_heap_size_used_bytes') / 2 ** 20,
    handles: metricSum(text, 'nodejs_active_handles_total'),
  };
}

const started = performance.now();
const report = {
  seed,
  cases: 0,
  regressionCases: 0,
  batches: 0,
  slowestProbeMs: 0,
  memory: [] as MemorySample[],
  answers: 0,
  farRequests: 0,
  callsActiveAfter: -1,
  elapsedMs: 0,
  failure: undefined as undefined | { batch: number; message: string; lastSent: number; cases: number[] },
  sbcLogTail: '',
};

let batch = -1;
try {
  // Earlier failures first, over both transports.
  for (const { bytes } of regressionCases()) {
    await sender.sendUdp(bytes);
    await sender.sendTcp([bytes]);
    report.regressionCases++;
  }
  await sleep(300);
  if (dead) throw new Error(`${dead} on the regression cases (test/fuzz/fixtures/sip)`);
  const plan = only ? [only] : Array.from({ length: batches }, (_, b) => range(b * perBatch, perBatch));
  const sampleAfter = new Set(opts['sample-after'].split(',').map(Number));
  for (const [b, indices] of plan.entries()) {
    batch = b;
    await runCases(indices);
    report.cases += indices.length;
    // Let the far end's answers and the hooks they run land within this batch.
    await sleep(200);
    if (dead) throw new Error(dead);
    const probeMs = Math.max(await probeUdp(sbc.sipPort, b), await probeTcp(sbc.sipPort, b));
    report.slowestProbeMs = Math.max(report.slowestProbeMs, Math.round(probeMs));
    if (dead) throw new Error(dead);
    report.batches++;
    if (sampleAfter.has(b + 1) || b === plan.length - 1) {
      await sleep(DRAIN_MS);
      report.memory.push(await memory());
    }
  }
  // Every call the fuzz started has ended: none is left hanging in the core.
  if (dead) throw new Error(dead);
  report.callsActiveAfter = metricSum(await sbc.metrics(), 'sbc_calls_active');
} catch (error) {
  await Promise.race([sbc.proc.exited, sleep(500)]);
  const text = error instanceof Error ? error.message : String(error);
  report.failure = {
    batch,
    // The process may be dying while a request to it fails: say so, not just "fetch failed".
    message: text.startsWith('sbc exited') || !dead ? text : `${dead} (${text})`,
    lastSent,
    cases: batch < 0 ? [] : (only ?? range(batch * perBatch, perBatch)),
  };
}
report.answers = sender.answers;
report.farRequests = far.received();
report.elapsedMs = Math.round(performance.now() - started);
const log = sbc.proc.stdout() + sbc.proc.stderr();
report.sbcLogTail = report.failure ? log.slice(-4000) : '';
if (opts['sbc-log']) writeFileSync(opts['sbc-log'], log);
sender.close();
far.close();
await sbc.close();
process.stdout.write(`${JSON.stringify(report)}\n`);

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => from + k);
}
