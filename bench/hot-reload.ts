// Hot reload under load: sipp UAC -> `sbc run` (rules on, media off) -> sipp UAS at RATE calls/s
// for SECONDS, with calls lasting HOLD_MS so that hundreds are in flight, measured twice on the
// same SBC: once without activations (the baseline) and once while ACTIVATIONS new rule versions
// are activated through the admin API at even intervals. Expected: 0 failed calls in both, and
// setup latency alike.
// Run: node --no-node-snapshot bench/hot-reload.ts   Env: RATE (100), SECONDS (30),
// ACTIVATIONS (10), HOLD_MS (2000); BENCH_JSON=file writes the figures there as JSON.
// With DRACHTIO_HOST/PORT/SECRET set, the same is measured on that drachtio-server too.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitJson } from './support/json.ts';
import { type EdgeMode, hasDrachtio, type RunningSbc, startSbc } from './support/sbc.ts';
import {
  callsInFlight,
  freePort,
  percentile,
  readRtt,
  sippPath,
  sleep,
  startSipp,
  statCounts,
  statTimeline,
  type TimelinePoint,
} from './support/sipp.ts';

const RATE = Number(process.env.RATE ?? 100);
const SECONDS = Number(process.env.SECONDS ?? 30);
const ACTIVATIONS = Number(process.env.ACTIVATIONS ?? 10);
const HOLD_MS = Number(process.env.HOLD_MS ?? 2000);

const rules = (mark: number, uasPort: number) => `ruleset reload_${mark}
trunk callers {
  peers ["127.0.0.1:5999"]
  sources [127.0.0.0/8]
}
trunk core {
  peers ["127.0.0.1:${uasPort}"]
}
on request INVITE from callers {
  let callee = e164(ruri.user, country: "US") else reject 484 "Address Incomplete"
  set ruri.user = callee
  set header "X-Rule-Version" = "${mark}"
  route core
}
on request BYE in dialog {
  set header "X-Rule-Version" = "${mark}"
}
`;

interface Activation {
  /** Seconds since the UAC started. */
  atS: number;
  /** Time the admin API took to answer the activation. */
  ms: number;
  inFlight: number;
}

interface Phase {
  calls: number;
  ok: number;
  failed: number;
  p50: number;
  p90: number;
  p99: number;
  activations: Activation[];
  timeline: TimelinePoint[];
}

async function phase(sipp: string, sbc: RunningSbc, versions: number[]): Promise<Phase> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reload-uac-'));
  const calls = RATE * SECONDS;
  const limitS = SECONDS + HOLD_MS / 1000 + 30;
  const uac = startSipp(
    sipp,
    [
      sbc.sip,
      ...['-sn', 'uac', '-s', '4085551212', '-i', '127.0.0.1', '-p', String(await freePort())],
      ...['-r', String(RATE), '-m', String(calls), '-d', String(HOLD_MS)],
      ...['-timeout', `${Math.ceil(limitS)}s`, '-nostdin', '-trace_rtt', '-rtt_freq', '1'],
      ...['-trace_stat', '-stf', join(dir, 'stat.csv'), '-fd', '1'],
    ],
    dir,
    (limitS + 10) * 1000,
  );
  const t0 = performance.now();
  const activations: Activation[] = [];
  const interval = (SECONDS * 1000) / (versions.length + 1);
  for (const [i, version] of versions.entries()) {
    await sleep(Math.max(0, t0 + (i + 1) * interval - performance.now()));
    const start = performance.now();
    await sbc.activate(version);
    activations.push({
      atS: (start - t0) / 1000,
      ms: performance.now() - start,
      inFlight: callsInFlight(dir),
    });
  }
  await uac.done;
  const { ok, failed } = statCounts(dir);
  const rtt = readRtt(dir);
  const timeline = statTimeline(dir);
  rmSync(dir, { recursive: true, force: true });
  return {
    calls,
    ok,
    failed: failed + Math.max(0, calls - ok - failed),
    p50: percentile(rtt, 50),
    p90: percentile(rtt, 90),
    p99: percentile(rtt, 99),
    activations,
    timeline,
  };
}

async function measure(edge: EdgeMode, sipp: string) {
  const uasPort = await freePort();
  const sbc = await startSbc({ edge });
  const uasDir = mkdtempSync(join(tmpdir(), 'bench-reload-uas-'));
  const uas = startSipp(
    sipp,
    ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin', '-timeout', '600s'],
    uasDir,
    600_000,
  );
  try {
    const versions: number[] = [];
    for (let mark = 0; mark <= ACTIVATIONS; mark++) versions.push(await sbc.upload(rules(mark, uasPort)));
    await sbc.activate(versions[0]!);
    await sleep(500);
    const baseline = await phase(sipp, sbc, []);
    await sleep(HOLD_MS + 1500);
    const reload = await phase(sipp, sbc, versions.slice(1));
    return { edge, baseline, reload };
  } finally {
    uas.child.kill('SIGKILL');
    await uas.done;
    await sbc.stop();
    rmSync(uasDir, { recursive: true, force: true });
  }
}

function print(r: Awaited<ReturnType<typeof measure>>): void {
  const row = (name: string, p: Phase) => {
    const ms = p.activations.map((a) => a.ms).sort((a, b) => a - b);
    const flight = p.activations.map((a) => a.inFlight);
    const note =
      ms.length === 0
        ? ''
        : `  activation answered in median ${percentile(ms, 50).toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms; ` +
          `${Math.min(...flight)}-${Math.max(...flight)} calls in flight at activation`;
    console.log(
      `${name.padEnd(11)}${String(p.calls).padStart(6)}${String(p.failed).padStart(8)}${p.p50.toFixed(1).padStart(9)}` +
        `${p.p99.toFixed(1).padStart(9)}${String(p.activations.length).padStart(13)}${note}`,
    );
  };
  console.log(
    `\n${r.edge} edge: ${RATE} calls/s for ${SECONDS} s, each call held ${HOLD_MS} ms (about ${Math.round((RATE * HOLD_MS) / 1000)} in flight)`,
  );
  console.log(
    `${'phase'.padEnd(11)}${'calls'.padStart(6)}${'failed'.padStart(8)}${'p50(ms)'.padStart(9)}${'p99(ms)'.padStart(9)}${'activations'.padStart(13)}`,
  );
  row('no reload', r.baseline);
  row('reload', r.reload);
  console.log(
    r.reload.failed === 0 && r.baseline.failed === 0
      ? 'no failed call across the activations'
      : `FAILED CALLS: ${r.baseline.failed} without reloads, ${r.reload.failed} with reloads`,
  );
}

const sipp = sippPath();
console.log(
  'hot reload under load: sipp uac -> sbc -> sipp uas (rules on, media off), baseline then reloads',
);
const embedded = await measure('embedded', sipp);
print(embedded);
let external: Awaited<ReturnType<typeof measure>> | { error: string } | null = null;
if (hasDrachtio()) {
  try {
    external = await measure('external', sipp);
    print(external);
  } catch (err) {
    const error = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    console.log(`\nexternal edge (drachtio-server): not measured: ${error}`);
    external = { error };
  }
}
emitJson({ rate: RATE, seconds: SECONDS, holdMs: HOLD_MS, embedded, external });
