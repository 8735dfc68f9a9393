// The running edge fed every RFC 4475 torture message and a few hundred
// seeded mutations of a real INVITE, over UDP and over TCP: it never throws,
// never stops answering, and keeps serving well-formed requests afterwards.

import { connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createEdge, type RunningEdge } from '../../../src/edge/edge.ts';
import { torture, tortureNames } from '../sip/torture.ts';
import { captureLog, type LogCapture } from '../support/edge-harness.ts';
import { SDP } from '../support/sip-peer-text.ts';
import { request, statusOf, UdpPeer } from '../support/udp-peer.ts';

let edge: RunningEdge | undefined;
let peer: UdpPeer | undefined;
let logs: LogCapture;
afterEach(async () => {
  peer?.close();
  await edge?.close();
  edge = peer = undefined;
});

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutations(base: Buffer, count: number, seed: number): Buffer[] {
  const rand = rng(seed);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const b = Buffer.from(base);
    switch (i % 4) {
      case 0: // a few random bytes overwritten
        for (let k = 0; k < 1 + rand() * 8; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        out.push(b);
        break;
      case 1: // truncated anywhere
        out.push(b.subarray(0, Math.floor(rand() * b.length)));
        break;
      case 2: {
        // delimiters and a NUL spliced in
        const at = Math.floor(rand() * b.length);
        out.push(Buffer.concat([b.subarray(0, at), Buffer.from('\r\n:;<>"\0,'), b.subarray(at)]));
        break;
      }
      default: {
        // a header line duplicated elsewhere
        const lines = b.toString('latin1').split('\r\n');
        lines.splice(Math.floor(rand() * lines.length), 0, lines[Math.floor(rand() * lines.length)]!);
        out.push(Buffer.from(lines.join('\r\n'), 'latin1'));
      }
    }
  }
  return out;
}

async function stillServing(udp: number, tcp: number): Promise<void> {
  peer!.send(request('OPTIONS', peer!.port, { callId: 'alive@test' }), udp);
  expect(statusOf(await peer!.next((m) => m.includes('alive@test')))).toBe(200);
  const s = connect(tcp, '127.0.0.1');
  const reply = new Promise<string>((r) => s.once('data', (d) => r(d.toString())));
  s.write(request('OPTIONS', 1, { callId: 'alive-tcp@test' }).replace('SIP/2.0/UDP', 'SIP/2.0/TCP'));
  expect(statusOf(await reply)).toBe(200);
  s.destroy();
}

it('survives RFC 4475 and mutated INVITEs over UDP and TCP, and still answers', async () => {
  logs = captureLog();
  edge = await createEdge(
    {
      sip: {
        listen: [
          { protocol: 'udp', host: '127.0.0.1' },
          { protocol: 'tcp', host: '127.0.0.1' },
        ],
        rateLimit: { perSecond: 1e6, burst: 1e6 },
      },
      wire: { secret: 'x' },
    },
    logs.log,
  );
  const [udp, tcp] = [edge.sip[0]!.port, edge.sip[1]!.port];
  peer = await UdpPeer.open();
  const invite = Buffer.from(
    request('INVITE', peer.port, { extra: 'Content-Type: application/sdp\r\n' }).replace(
      'Content-Length: 0\r\n\r\n',
      `Content-Length: ${SDP.length}\r\n\r\n${SDP}`,
    ),
  );
  const inputs = [...tortureNames().map(torture), ...mutations(invite, 400, 4475)];
  for (const input of inputs) peer.send(input, udp);
  // Over TCP each input gets its own connection (a framing error closes it).
  for (const input of inputs.slice(0, 120)) {
    const s = connect(tcp, '127.0.0.1');
    s.on('error', () => {});
    s.write(input);
    s.end();
  }
  await new Promise((r) => setTimeout(r, 500));
  await stillServing(udp, tcp);
  expect(logs.records.filter((r) => (r.level as number) >= 50)).toEqual([]);
  expect(edge.stack.stats().rejected).toBeGreaterThan(50);
});
