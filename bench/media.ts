// Concurrent SRTP↔RTP calls through a real rtpengine, driven by the SBC's media layer.
// Run: node bench/media.ts [levels…]   e.g. `node bench/media.ts 100 250 500` (default)
//      BENCH_SECONDS=10 sets the media time per level (default 10 s).
// Per level: set up N calls (caller leg SRTP AES_CM_128_HMAC_SHA1_80, callee leg plain RTP,
// PCMU 20 ms), stream both ways for the set time, then delete every session. Prints the
// offer+answer rate (one at a time), the packet loss each way, SRTP check failures, rtpengine CPU and this process's CPU (the load
// generator doing SRTP), as % of one core. Pre-built packets keep the sender light; 1 in 25
// packets received on the SRTP leg is authenticated and decrypted.
// Later, when the signaling core exists, the same figures are to be taken through the whole SBC.
// MEDIA_BASELINE=1 also streams the same packets leg to leg without rtpengine at each level and
// prints that loss: what the generator and the kernel lose by themselves (the report's baseline).
// BENCH_JSON=file writes the figures there as JSON (bench/run-all.ts).

import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { MediaService } from '../src/media/media-service.ts';
import { emitJson } from './support/json.ts';
import { encodeUlaw, tone } from '../test/media/support/g711.ts';
import { buildRtp } from '../test/media/support/rtp.ts';
import { cryptoLine, keysFromSdp, newKeys, SrtpContext, type SrtpKeys } from '../test/media/support/srtp.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LEVELS = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const levels = LEVELS.length > 0 ? LEVELS : [100, 250, 500];
const PACKETS = Math.round((SECONDS * 1000) / 20);
const PAYLOAD = encodeUlaw(tone(1000, 160));
const BASELINE = process.env.MEDIA_BASELINE === '1';

interface Leg {
  socket: Socket;
  port: number;
  received: number;
  checked: number;
  failed: number;
  packets: Buffer[];
  sendTo: number;
  verify?: SrtpContext;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function openLeg(): Promise<Leg> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setRecvBufferSize(1 << 20); // capped by net.core.rmem_max
  const leg: Leg = {
    socket,
    port: socket.address().port,
    received: 0,
    checked: 0,
    failed: 0,
    packets: [],
    sendTo: 0,
  };
  socket.on('message', (message, from) => {
    // Only what comes from this leg's peer port counts: on a machine shared with other work,
    // a stray datagram from someone else's media must not read as a packet of this call.
    if (from.port !== leg.sendTo) return;
    leg.received += 1;
    if (leg.verify && leg.received % 25 === 0) {
      leg.checked += 1;
      if (!leg.verify.unprotect(message)) leg.failed += 1;
    }
  });
  return leg;
}

function sdp(port: number, proto: string, extra: string[]): string {
  return `${['v=0', `o=- ${port} 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} ${proto} 0`, 'a=rtpmap:0 PCMU/8000', ...extra, 'a=ptime:20', 'a=sendrecv'].join('\r\n')}\r\n`;
}

function packetsFor(ssrc: number, keys?: SrtpKeys): Buffer[] {
  const srtp = keys ? new SrtpContext(keys) : undefined;
  return Array.from({ length: PACKETS }, (_, i) => {
    const rtp = buildRtp({
      payloadType: 0,
      marker: i === 0,
      seq: i,
      timestamp: i * 160,
      ssrc,
      payload: PAYLOAD,
    });
    return srtp ? srtp.protect(rtp) : rtp;
  });
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100/s)
}

type Pair = { caller: Leg; callee: Leg };

/** Sends every leg's packets at 20 ms intervals; returns the seconds it took. */
async function stream(legs: Pair[]): Promise<number> {
  const start = performance.now();
  for (let tick = 0; tick < PACKETS; tick++) {
    for (let i = 0; i < legs.length; i++) {
      const { caller, callee } = legs[i] as Pair;
      caller.socket.send(caller.packets[tick] as Buffer, caller.sendTo, '127.0.0.1');
      callee.socket.send(callee.packets[tick] as Buffer, callee.sendTo, '127.0.0.1');
      // Let received packets be read between bursts, or the receive buffers overflow.
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    const wait = start + (tick + 1) * 20 - performance.now();
    await new Promise((resolve) => (wait > 0 ? setTimeout(resolve, wait) : setImmediate(resolve)));
  }
  return (performance.now() - start) / 1000;
}

/** The same packets leg to leg with no rtpengine in between: the loss of the generator itself. */
async function runDirect(calls: number) {
  const legs: Pair[] = [];
  for (let i = 0; i < calls; i++) {
    const caller = await openLeg();
    const callee = await openLeg();
    caller.sendTo = callee.port;
    callee.sendTo = caller.port;
    caller.packets = packetsFor(0x10000 + i, newKeys('AES_CM_128_HMAC_SHA1_80'));
    callee.packets = packetsFor(0x20000 + i);
    legs.push({ caller, callee });
  }
  const elapsedS = await stream(legs);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const sent = PACKETS * calls;
  const sum = (pick: (l: Pair) => number) => legs.reduce((total, l) => total + pick(l), 0);
  const row = {
    calls,
    lossCallerToCallee: (1 - sum((l) => l.callee.received) / sent) * 100,
    lossCalleeToCaller: (1 - sum((l) => l.caller.received) / sent) * 100,
    lateS: elapsedS - SECONDS,
  };
  for (const l of legs) {
    l.caller.socket.close();
    l.callee.socket.close();
  }
  return row;
}

async function runLevel(media: MediaService, calls: number) {
  const legs: { caller: Leg; callee: Leg; callId: string }[] = [];
  let setupMs = 0;
  for (let i = 0; i < calls; i++) {
    const caller = await openLeg();
    const callee = await openLeg();
    const keys = newKeys('AES_CM_128_HMAC_SHA1_80');
    const callId = `bench-${calls}-${i}`;
    const setupStart = performance.now();
    const session = media.createSession(callId);
    const offer = await session.offer(
      sdp(caller.port, 'RTP/SAVP', [cryptoLine(1, keys)]),
      { offerer: { srtp: 'required' }, answerer: { srtp: 'off' } },
      { fromTag: 'caller' },
    );
    const answer = await session.answer(sdp(callee.port, 'RTP/AVP', []), 'callee');
    setupMs += performance.now() - setupStart;
    caller.sendTo = Number(/m=audio (\d+)/.exec(answer)?.[1]);
    callee.sendTo = Number(/m=audio (\d+)/.exec(offer)?.[1]);
    caller.verify = new SrtpContext(keysFromSdp(answer));
    caller.packets = packetsFor(0x10000 + i, keys);
    callee.packets = packetsFor(0x20000 + i);
    legs.push({ caller, callee, callId });
  }
  const pid = media.rtpenginePid as number;
  const engineBefore = cpuTicks(pid);
  const selfBefore = process.cpuUsage();
  const elapsedS = await stream(legs);
  const engineCpu = ((cpuTicks(pid) - engineBefore) / 100 / elapsedS) * 100;
  const self = process.cpuUsage(selfBefore);
  const selfCpu = ((self.user + self.system) / 1e6 / elapsedS) * 100;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const sent = PACKETS * calls;
  const sum = (pick: (l: (typeof legs)[number]) => number) => legs.reduce((total, l) => total + pick(l), 0);
  const row = {
    calls,
    setupCps: Math.round(calls / (setupMs / 1000)),
    pps: Math.round((2 * sent) / elapsedS),
    lossToRtp: (1 - sum((l) => l.callee.received) / sent) * 100,
    lossToSrtp: (1 - sum((l) => l.caller.received) / sent) * 100,
    srtpChecked: sum((l) => l.caller.checked),
    srtpFailed: sum((l) => l.caller.failed),
    engineCpu,
    selfCpu,
    lateS: elapsedS - SECONDS,
  };
  await media.deleteAll();
  for (const l of legs) {
    l.caller.socket.close();
    l.callee.socket.close();
  }
  const left = await media.rtpengineCallIds();
  if (left.length > 0) throw new Error(`${left.length} rtpengine sessions left after deleteAll`);
  return row;
}

const maxCalls = Math.max(...levels);
const { pino } = await import('pino');
const media = await MediaService.start(
  {
    rtpengine: {
      mode: 'spawn',
      binary: 'rtpengine',
      host: '127.0.0.1',
      ngPort: await freePort(),
      // 20000-24999: below the RTP ranges the tests pick at random (25000 and up) and apart
      // from bench/media-sbc.ts (30000 and up), so the two never share ports.
      portMin: 20000,
      portMax: Math.min(24999, 20000 + maxCalls * 4 + 99),
      interface: '',
      endpoints: [],
      timeoutMs: 2000,
      pingIntervalMs: 5000,
      dtmfLogPort: 0,
    },
    ringbackFile: '',
  },
  pino({ level: 'warn' }),
);
if (!media.health().ok) {
  console.error(`rtpengine is not available: ${media.health().message}`);
  process.exit(1);
}
console.log(
  `SRTP (AES_CM_128_HMAC_SHA1_80) ↔ RTP, PCMU 20 ms, ${SECONDS} s per level, rtpengine userspace on loopback`,
);
const header = [
  'calls',
  'offer+answer/s',
  'pkts/s',
  'loss→RTP %',
  'loss→SRTP %',
  'SRTP checked/failed',
  'rtpengine CPU %',
  'generator CPU %',
  'sender late s',
];
const rows: string[][] = [];
const figures: Array<Awaited<ReturnType<typeof runLevel>>> = [];
const baseline: Array<Awaited<ReturnType<typeof runDirect>>> = [];
try {
  for (const calls of levels) {
    const r = await runLevel(media, calls);
    figures.push(r);
    if (BASELINE) baseline.push(await runDirect(calls));
    rows.push([
      String(r.calls),
      String(r.setupCps),
      String(r.pps),
      r.lossToRtp.toFixed(2),
      r.lossToSrtp.toFixed(2),
      `${r.srtpChecked}/${r.srtpFailed}`,
      r.engineCpu.toFixed(0),
      r.selfCpu.toFixed(0),
      r.lateS.toFixed(2),
    ]);
    console.log(`  ${calls} calls done`);
  }
} finally {
  await media.close();
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
if (BASELINE) {
  console.log('baseline: the same packets leg to leg, no rtpengine');
  for (const b of baseline)
    console.log(
      `  ${b.calls} calls: loss caller→callee ${b.lossCallerToCallee.toFixed(2)} %, callee→caller ${b.lossCalleeToCaller.toFixed(2)} %, sender late ${b.lateS.toFixed(2)} s`,
    );
}
emitJson({ seconds: SECONDS, rows: figures, baseline: BASELINE ? baseline : null });
