// RTP legs for media benchmarks: a UDP socket per party, packets built ahead of time (so the sender
// stays light), and every 25th packet received on an SRTP leg authenticated and decrypted.

import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { encodeUlaw, tone } from '../../test/media/support/g711.ts';
import { buildRtp } from '../../test/media/support/rtp.ts';
import { SrtpContext, type SrtpKeys } from '../../test/media/support/srtp.ts';

const PAYLOAD = encodeUlaw(tone(1000, 160));

export interface Leg {
  socket: Socket;
  /** Holds port + 1, where rtpengine sends RTCP (RFC 3550 §11), so no other leg receives it. */
  rtcp: Socket;
  port: number;
  received: number;
  checked: number;
  failed: number;
  packets: Buffer[];
  sendTo: number;
  verify?: SrtpContext;
}

async function bindUdp(port: number): Promise<Socket | undefined> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

/** A leg's RTP socket, with its RTCP port (+1) held too: rtpengine sends SRTCP there. */
export async function openLeg(): Promise<Leg> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const socket = (await bindUdp(0))!;
    const port = socket.address().port;
    const rtcp = port < 65535 ? await bindUdp(port + 1) : undefined;
    if (!rtcp) {
      socket.close();
      continue;
    }
    rtcp.on('message', () => {});
    socket.setRecvBufferSize(1 << 20); // capped by net.core.rmem_max
    const leg: Leg = { socket, rtcp, port, received: 0, checked: 0, failed: 0, packets: [], sendTo: 0 };
    socket.on('message', (message) => {
      leg.received += 1;
      if (leg.verify && leg.received % 25 === 0) {
        leg.checked += 1;
        if (!leg.verify.unprotect(message)) leg.failed += 1;
      }
    });
    return leg;
  }
  throw new Error('no free pair of UDP ports for an RTP leg');
}

export function closeLeg(leg: Leg): void {
  leg.socket.close();
  leg.rtcp.close();
}

/** A one-codec (PCMU, 20 ms) audio SDP for a leg. */
export function legSdp(port: number, proto: 'RTP/AVP' | 'RTP/SAVP', extra: string[] = []): string {
  const lines = ['v=0', `o=- ${port} 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'];
  lines.push(`m=audio ${port} ${proto} 0`, 'a=rtpmap:0 PCMU/8000', ...extra, 'a=ptime:20', 'a=sendrecv');
  return `${lines.join('\r\n')}\r\n`;
}

export function packetsFor(count: number, ssrc: number, keys?: SrtpKeys): Buffer[] {
  const srtp = keys ? new SrtpContext(keys) : undefined;
  return Array.from({ length: count }, (_, i) => {
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

/** Sends each pair's packets every 20 ms for `count` ticks; resolves with the elapsed seconds. */
export async function streamPairs(pairs: { caller: Leg; callee: Leg }[], count: number): Promise<number> {
  const start = performance.now();
  for (let tick = 0; tick < count; tick++) {
    for (let i = 0; i < pairs.length; i++) {
      const { caller, callee } = pairs[i]!;
      caller.socket.send(caller.packets[tick]!, caller.sendTo, '127.0.0.1');
      callee.socket.send(callee.packets[tick]!, callee.sendTo, '127.0.0.1');
      // Let received packets be read between bursts, or the receive buffers overflow.
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    const wait = start + (tick + 1) * 20 - performance.now();
    await new Promise((resolve) => (wait > 0 ? setTimeout(resolve, wait) : setImmediate(resolve)));
  }
  return (performance.now() - start) / 1000;
}

/** CPU time of a process so far, in seconds (utime + stime from /proc, 100 ticks a second). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The PIDs of a process's children (e.g. the rtpengine an `sbc run` spawned). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
