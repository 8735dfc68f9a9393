// Soak: steady call load through a real `sbc run` (bin/sbc) with a rule set, a hot reload (a new
// rule version uploaded and activated through the admin API) every minute, and the SBC process's
// memory (RSS, V8 heap), active handles and open file descriptors (/proc/PID/fd) sampled over
// time. Prints the samples, then a verdict per resource: flat, growing, or inconclusive when the
// run was too short to tell (the rule: bench/support/soak-verdict.ts).
// Run: npm run bench:soak -- --minutes 10 [--rate 20] [--hold 5] [--reload-every 60] [--media]
//   --minutes       length of the load, 1-120 (default 10)
//   --rate          calls per second, 1-200 (default 50)
//   --hold          seconds each call lasts, 1-60 (default 5); rate × hold ≤ 2000 calls in flight
//   --reload-every  seconds between activations, 10-600 (default 60)
//   --media         anchor every call's media in an rtpengine the SBC spawns
// Exit code: 0 when every resource is flat and no call or reload failed, 1 otherwise.
// BENCH_JSON=file also writes every sample and the verdicts there as JSON.

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { emitJson } from './support/json.ts';
import { fdCount, rssKb, startSbc, sumMetrics, TOKEN } from './support/sbc.ts';
import { majorGcInterval, RESOURCES, RULE_TEXT, type SoakSample, trends } from './support/soak-verdict.ts';
import { callsInFlight, freePort, sippPath, sleep, startSipp, statCounts } from './support/sipp.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '50' },
    hold: { type: 'string', default: '5' },
    'reload-every': { type: 'string', default: '60' },
    media: { type: 'boolean', default: false },
  },
});

function bounded(name: string, text: string | undefined, min: number, max: number): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v < min || v > max) {
    console.error(`--${name} must be a number from ${min} to ${max} (got ${text})`);
    process.exit(2);
  }
  return v;
}

const MINUTES = bounded('minutes', values.minutes, 1, 120);
const RATE = bounded('rate', values.rate, 1, 200);
const HOLD_S = bounded('hold', values.hold, 1, 60);
const RELOAD_S = bounded('reload-every', values['reload-every'], 10, 600);
const MEDIA = values.media ?? false;
if (RATE * HOLD_S > 2000) {
  console.error(`--rate × --hold must stay ≤ 2000 calls in flight (got ${RATE * HOLD_S})`);
  process.exit(2);
}
const LOAD_S = MINUTES * 60;
/**
 * Samples are taken every second, so that the troughs of V8's GC sawtooth are caught within a
 * second (the verdict judges the floors); about 30 of them are printed.
 */
const PRINT_EVERY = Math.max(5, Math.round(LOAD_S / 30));

const rules = (mark: number, uasPort: number) => `ruleset soak_${mark}
trunk callers {
  peers ["127.0.0.1:5999"]
  sources [127.0.0.0/8]
}
trunk core {
  peers ["127.0.0.1:${uasPort}"]
${MEDIA ? '  media { srtp: off, codecs: [PCMU, PCMA] }\n' : ''}}
counter calls
on request INVITE from callers {
  let callee = e164(ruri.user, country: "US") else reject 484 "Address Incomplete"
  set ruri.user = callee
  default header "P-Asserted-Identity" = "<sip:" + from.user + "@" + from.host + ">"
  set header "X-Rule-Version" = "${mark}"
  count calls
  route core
}
on request BYE in dialog {
  set header "X-Rule-Version" = "${mark}"
}
`;

const sipp = sippPath();
const sbc = await startSbc({ edge: 'embedded', media: MEDIA ? { calls: RATE * HOLD_S * 2 } : undefined });
const uasPort = await freePort();
const uasDir = mkdtempSync(join(tmpdir(), 'bench-soak-uas-'));
const uacDir = mkdtempSync(join(tmpdir(), 'bench-soak-uac-'));
const limitS = LOAD_S + HOLD_S + 120;
const uas = startSipp(
  sipp,
  ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin', '-timeout', `${limitS}s`],
  uasDir,
  limitS * 1000,
);
let uac: ReturnType<typeof startSipp> | undefined;
const samples: SoakSample[] = [];
let sbcExited = false;
sbc.child.once('exit', () => (sbcExited = true));

async function sample(t: number): Promise<SoakSample> {
  const r = await fetch(`http://127.0.0.1:${sbc.admin}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const text = await r.text();
  const m = sumMetrics(text);
  const majorGcs = /^nodejs_gc_duration_seconds_count\{kind="major"\}\s+(\d+)/m.exec(text)?.[1];
  return {
    t,
    rssMiB: rssKb(sbc.pid) / 1024,
    heapMiB: (m.get('nodejs_heap_size_used_bytes') ?? Number.NaN) / 2 ** 20,
    handles: m.get('nodejs_active_handles_total') ?? Number.NaN,
    fds: fdCount(sbc.pid),
    inFlight: callsInFlight(uacDir),
    majorGcs: Number(majorGcs ?? 0),
  };
}

const row = (s: SoakSample, note = '') =>
  `${s.t.toFixed(0).padStart(6)}${s.inFlight.toString().padStart(8)}${s.rssMiB.toFixed(1).padStart(9)}` +
  `${s.heapMiB.toFixed(1).padStart(9)}${s.handles.toString().padStart(9)}${s.fds.toString().padStart(6)}  ${note}`;

try {
  let version = 0;
  await sbc.activate(await sbc.upload(rules(version, uasPort)));
  await sleep(2000);
  const before = await sample(-2);
  console.log(
    `soak: ${MINUTES} min at ${RATE} calls/s, calls of ${HOLD_S} s (about ${RATE * HOLD_S} in flight), ` +
      `a new rule version activated every ${RELOAD_S} s, media ${MEDIA ? 'through rtpengine' : 'off'}; ` +
      `sbc pid ${sbc.pid}, sampled every second, printed every ${PRINT_EVERY} s; load average ${loadavg()[0]!.toFixed(2)}`,
  );
  console.log(
    `${'t(s)'.padStart(6)}${'calls'.padStart(8)}${'RSS MiB'.padStart(9)}${'heap MiB'.padStart(9)}${'handles'.padStart(9)}${'fds'.padStart(6)}`,
  );
  console.log(row(before, 'before the load'));
  uac = startSipp(
    sipp,
    [
      sbc.sip,
      ...['-sn', 'uac', '-s', '4085551212', '-i', '127.0.0.1', '-p', String(await freePort())],
      ...['-r', String(RATE), '-m', String(RATE * LOAD_S), '-d', String(HOLD_S * 1000)],
      ...['-timeout', `${limitS}s`, '-nostdin', '-trace_stat', '-stf', join(uacDir, 'stat.csv'), '-fd', '5'],
    ],
    uacDir,
    limitS * 1000,
  );
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  let nextSample = 1;
  let nextPrint = PRINT_EVERY;
  let nextReload = RELOAD_S;
  let reloads = 0;
  let reloadErrors = 0;
  while (elapsed() < LOAD_S && !sbcExited) {
    await sleep(Math.max(0, Math.min(nextSample, nextReload) - elapsed()) * 1000);
    if (elapsed() >= nextReload && nextReload < LOAD_S) {
      nextReload += RELOAD_S;
      try {
        await sbc.activate(await sbc.upload(rules(++version, uasPort)));
        reloads++;
      } catch (err) {
        reloadErrors++;
        console.log(`reload failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (elapsed() >= nextSample) {
      nextSample += 1;
      const s = await sample(Math.round(elapsed() * 10) / 10);
      samples.push(s);
      if (s.t >= nextPrint) {
        nextPrint += PRINT_EVERY;
        console.log(row(s, `${reloads} reloads, ${s.majorGcs - before.majorGcs} full GCs`));
      }
    }
  }
  if (sbcExited) throw new Error('the SBC process ended during the soak');
  await uac.done;
  await sleep((HOLD_S + 3) * 1000);
  const after = await sample(Math.round(elapsed()));
  const { ok, failed } = statCounts(uacDir);
  console.log(row(after, 'after the load drained'));
  const lost = RATE * LOAD_S - ok - Math.max(0, failed);

  const judged = trends(samples);
  console.log(`\nverdict (${RULE_TEXT}):`);
  console.log(
    `${'resource'.padEnd(24)}${'first'.padStart(8)}${'last'.padStart(8)}${'floors'.padStart(20)}${'per hour'.padStart(16)}${'threshold'.padStart(10)}  verdict`,
  );
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));
  for (const t of judged) {
    const floors = t.floors.length > 3 ? [t.floors[0]!, t.floors.at(-1)!] : t.floors;
    console.log(
      `${`${t.name}${t.unit ? ` (${t.unit})` : ''}`.padEnd(24)}${fmt(t.first).padStart(8)}${fmt(t.last).padStart(8)}` +
        `${`${floors.map(fmt).join(t.floors.length > 3 ? ' … ' : ' ')}`.padStart(20)}` +
        `${`${fmt(t.perHour)} ± ${fmt(t.errorPerHour)}`.padStart(16)}${fmt(t.threshold).padStart(10)}  ` +
        `${t.verdict}${t.why ? ` (${t.why})` : ''}`,
    );
  }
  const drained = RESOURCES.filter((r) => !r.memory)
    .map((r) => `${r.name} ${before[r.key]} before the load, ${after[r.key]} after it drained`)
    .join('; ');
  console.log(drained);
  const gc = majorGcInterval(samples);
  console.log(
    `calls: ${ok} completed, ${Math.max(0, failed)} failed, ${Math.max(0, lost)} not completed; ` +
      `${reloads} reloads under load (${reloadErrors} failed); ${samples.length} samples; ` +
      `full GC every ${gc === undefined ? 'n/a' : `${gc.toFixed(0)} s`}`,
  );
  const growing = judged.filter((t) => t.verdict === 'growing');
  const unsure = judged.filter((t) => t.verdict === 'inconclusive');
  const callsBad = failed !== 0 || lost > 0 || reloadErrors > 0;
  const bad = growing.length > 0 || unsure.length > 0 || callsBad;
  console.log(
    growing.length > 0
      ? `VERDICT: growing — ${growing.map((t) => t.name).join(', ')}`
      : unsure.length > 0
        ? `VERDICT: inconclusive — ${unsure.map((t) => t.name).join(', ')} could not be judged in ${MINUTES} min; run longer`
        : `VERDICT: flat — memory, handles and file descriptors did not grow over ${MINUTES} min` +
          (callsBad ? ', but calls or reloads failed' : ''),
  );
  emitJson({
    minutes: MINUTES,
    rate: RATE,
    holdS: HOLD_S,
    reloadEveryS: RELOAD_S,
    media: MEDIA,
    calls: { ok, failed, lost },
    reloads,
    reloadErrors,
    before,
    after,
    samples,
    trends: judged,
  });
  process.exitCode = bad ? 1 : 0;
} finally {
  uac?.child.kill('SIGKILL');
  uas.child.kill('SIGKILL');
  await Promise.all([uac?.done, uas.done]);
  await sbc.stop();
  rmSync(uasDir, { recursive: true, force: true });
  rmSync(uacDir, { recursive: true, force: true });
}
