// Concurrent SRTP↔RTP calls through the whole SBC: a real `sbc run` (bin/sbc) and the rtpengine it
// spawns, with calls set up over SIP (UDP on loopback) by a raw caller and callee, each call with
// its own RTP ports, media streamed both ways, then every call hung up with BYE.
// Run: node --no-node-snapshot bench/media-sbc.ts [levels…]   (default 100 250 500; also part of
//      `npm run bench:media`). BENCH_SECONDS sets the media time per level (default 10 s).
// Per level it prints: call set-up latency (INVITE → 200 through the SBC), packet loss each way,
// SRTP authentication failures on the sampled packets, the CPU of the SBC process and of rtpengine
// (% of one core), and the rtpengine sessions left after the BYEs (must be 0). The baseline is the
// same rtpengine driven by the media layer directly (bench/media.ts), run just before in
// `npm run bench:media`. BENCH_JSON=file also writes the figures there as JSON (bench/run-all.ts).

import { rtpengineProbe } from '../test/media/support/engine.ts';
import { requireTool } from '../test/support/system-tools.ts';
import { freePort } from '../test/support/ports.ts';
import { startSbcUnderTest } from '../test/support/sbc-under-test.ts';
import { cryptoLine, keysFromSdp, newKeys, SrtpContext, type SrtpKeys } from '../test/media/support/srtp.ts';
import type { MediaSbcRow } from './reporting/results.ts';
import { emitJson } from './support/json.ts';
import { RawCallee, RawCaller, type PlacedCall } from './support/raw-sip.ts';
import {
  childPids,
  closeLeg,
  cpuSeconds,
  type Leg,
  legSdp,
  openLeg,
  packetsFor,
  percentile,
  streamPairs,
} from './support/rtp-legs.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PACKETS = Math.round((SECONDS * 1000) / 20);
const argLevels = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const levels = argLevels.length > 0 ? argLevels : [100, 250, 500];
/** Calls being set up at once: an operator's burst, not the whole level in one go. */
const SETUP_CONCURRENCY = 20;

const maxCalls = Math.max(...levels);
const portMin = 30_000;
const ngPort = await freePort();
const sbc = await startSbcUnderTest({
  config: {
    log: { level: 'info', format: 'json' },
    media: {
      rtpengine: {
        mode: 'spawn',
        binary: requireTool('rtpengine'),
        ngPort,
        portMin,
        portMax: portMin + maxCalls * 4 + 99,
        timeoutMs: 3000,
      },
    },
  },
  core: { flood: { perSourceCps: 100_000 } },
});
const rtpengine = childPids(sbc.proc.child.pid!)[0];
if (rtpengine === undefined) throw new Error('the SBC started no rtpengine');
// A second ng client of the same rtpengine, to count the calls it still holds.
const probe = await rtpengineProbe(ngPort);

/** Per-call legs, found by the callee from the Request-URI user (`c<index>`). */
const callees = new Map<string, Leg>();
const caller = await RawCaller.open(sbc.sipPort);
const callee = await RawCallee.open((user, offer) => {
  const leg = callees.get(user);
  if (!leg) return '';
  leg.sendTo = Number(/m=audio (\d+)/.exec(offer)?.[1]);
  return legSdp(leg.port, 'RTP/AVP');
});
await sbc.activate(`ruleset media_bench
trunk caller {
  peers ["127.0.0.1:${caller.port}"]
  media { srtp: required, codecs: [PCMU] }
}
trunk core {
  peers ["127.0.0.1:${callee.port}"]
  media { srtp: off, codecs: [PCMU] }
}
on request INVITE from caller {
  route core
}
`);

async function runLevel(calls: number) {
  const pairs: { caller: Leg; callee: Leg; call?: PlacedCall; keys?: SrtpKeys }[] = [];
  for (let i = 0; i < calls; i++) {
    const pair = { caller: await openLeg(), callee: await openLeg() };
    callees.set(`c${calls}x${i}`, pair.callee);
    pairs.push(pair);
  }
  let next = 0;
  const setUp = async () => {
    while (next < pairs.length) {
      const i = next++;
      const pair = pairs[i]!;
      const keys = newKeys('AES_CM_128_HMAC_SHA1_80');
      const call = await caller.call(
        `c${calls}x${i}`,
        legSdp(pair.caller.port, 'RTP/SAVP', [cryptoLine(1, keys)]),
      );
      pair.call = call;
      pair.keys = keys;
    }
  };
  const setupStart = performance.now();
  await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, setUp));
  const setupS = (performance.now() - setupStart) / 1000;
  // Packets are built after the set-up, so encrypting them does not count as set-up time.
  pairs.forEach((pair, i) => {
    const answer = pair.call!.answer;
    pair.caller.sendTo = Number(/m=audio (\d+)/.exec(answer)?.[1]);
    pair.caller.verify = new SrtpContext(keysFromSdp(answer));
    pair.caller.packets = packetsFor(PACKETS, 0x10000 + i, pair.keys!);
    pair.callee.packets = packetsFor(PACKETS, 0x20000 + i);
  });
  const sbcBefore = cpuSeconds(sbc.proc.child.pid!);
  const engineBefore = cpuSeconds(rtpengine!);
  const elapsedS = await streamPairs(pairs, PACKETS);
  const sbcCpu = ((cpuSeconds(sbc.proc.child.pid!) - sbcBefore) / elapsedS) * 100;
  const engineCpu = ((cpuSeconds(rtpengine!) - engineBefore) / elapsedS) * 100;
  await new Promise((resolve) => setTimeout(resolve, 500));
  await Promise.all(pairs.map((p) => p.call!.hangUp()));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const left = (await probe.rtpengineCallIds()).length;
  const sent = PACKETS * calls;
  const sum = (pick: (p: (typeof pairs)[number]) => number) => pairs.reduce((t, p) => t + pick(p), 0);
  const setups = pairs.map((p) => p.call!.setupMs).sort((a, b) => a - b);
  for (const p of pairs) {
    closeLeg(p.caller);
    closeLeg(p.callee);
  }
  callees.clear();
  return {
    calls,
    setupCps: calls / setupS,
    setupP50: percentile(setups, 50),
    setupP99: percentile(setups, 99),
    lossToRtp: (1 - sum((p) => p.callee.received) / sent) * 100,
    lossToSrtp: (1 - sum((p) => p.caller.received) / sent) * 100,
    srtpChecked: sum((p) => p.caller.checked),
    srtpFailed: sum((p) => p.caller.failed),
    sbcCpu,
    engineCpu,
    sessionsLeft: left,
  };
}

console.log(
  `Through the SBC: SRTP (AES_CM_128_HMAC_SHA1_80) caller ↔ RTP callee, PCMU 20 ms, ${SECONDS} s per level, ` +
    `set-up ${SETUP_CONCURRENCY} at a time over SIP/UDP, rtpengine userspace on loopback`,
);
const header = [
  'calls',
  'set-up/s',
  'set-up p50 ms',
  'set-up p99 ms',
  'loss→RTP %',
  'loss→SRTP %',
  'SRTP checked/failed',
  'SBC CPU %',
  'rtpengine CPU %',
  'sessions left',
];
const rows: string[][] = [];
const figures: MediaSbcRow[] = [];
try {
  for (const calls of levels) {
    const r = await runLevel(calls);
    figures.push(r);
    rows.push([
      String(r.calls),
      r.setupCps.toFixed(0),
      r.setupP50.toFixed(1),
      r.setupP99.toFixed(1),
      r.lossToRtp.toFixed(2),
      r.lossToSrtp.toFixed(2),
      `${r.srtpChecked}/${r.srtpFailed}`,
      r.sbcCpu.toFixed(0),
      r.engineCpu.toFixed(0),
      String(r.sessionsLeft),
    ]);
    console.log(`  ${calls} calls done`);
  }
} finally {
  caller.close();
  callee.close();
  await probe.close();
  await sbc.close();
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
emitJson({ seconds: SECONDS, rows: figures });
