// Hostile or broken input never crashes or stalls the edge: malformed
// messages get a 400 (or are dropped when no answer is possible), every
// rejection is logged once with its source, not once per retransmission;
// a source over its request rate is cut off; TCP peers that stall or send
// unframeable bytes lose their connection.

import { connect, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createEdge, type EdgeConfig, type RunningEdge } from '../../../src/edge/edge.ts';
import { captureLog, type LogCapture } from '../support/edge-harness.ts';
import { request, statusOf, UdpPeer } from '../support/udp-peer.ts';

let edge: RunningEdge | undefined;
let peer: UdpPeer | undefined;
let logs: LogCapture;
afterEach(async () => {
  peer?.close();
  await edge?.close();
  edge = undefined;
  peer = undefined;
});

async function start(sip: Partial<EdgeConfig['sip']> = {}): Promise<{ udp: number; tcp: number }> {
  logs = captureLog();
  edge = await createEdge(
    {
      sip: {
        listen: [
          { protocol: 'udp', host: '127.0.0.1' },
          { protocol: 'tcp', host: '127.0.0.1' },
        ],
        ...sip,
      },
      wire: { secret: 'x' },
    },
    logs.log,
  );
  peer = await UdpPeer.open();
  return { udp: edge.sip[0]!.port, tcp: edge.sip[1]!.port };
}

const rejections = (): Array<Record<string, unknown>> =>
  logs.records.filter((r) => r.msg === 'rejected SIP message');

it('answers a malformed request with 400 each time, but logs it once with the source address', async () => {
  const { udp } = await start();
  const bad = request('OPTIONS', peer!.port).replace('CSeq: 1 OPTIONS', 'CSeq: one OPTIONS');
  for (let i = 0; i < 4; i++) {
    peer!.send(bad, udp);
    expect(statusOf(await peer!.next())).toBe(400);
  }
  expect(rejections()).toHaveLength(1);
  expect(rejections()[0]).toMatchObject({ source: `127.0.0.1:${peer!.port}`, status: 400, protocol: 'udp' });
  expect(edge!.stack.stats().rejected).toBe(4);
});

it('drops garbage and bad responses without answering, keeps serving, logs each kind once', async () => {
  const { udp } = await start();
  const garbage = [
    Buffer.from([0xff, 0x00, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]),
    Buffer.from('SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n'),
    Buffer.from('INVITE sip:x@y SIP/2.0\r\n\r\n'),
    Buffer.from(
      `OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bK1\r\nContent-Length: 99999999999\r\n\r\n`,
    ),
    Buffer.alloc(70_000, 65),
  ];
  for (let round = 0; round < 3; round++) for (const g of garbage) peer!.send(g, udp);
  peer!.send(request('OPTIONS', peer!.port), udp);
  const res = await peer!.next((m) => m.includes('CSeq: 1 OPTIONS'));
  expect(statusOf(res)).toBe(200);
  // The 70,000-byte datagram never leaves the sender's kernel on loopback; the others are logged once each.
  const logged = rejections().map((r) => r.reason);
  expect(new Set(logged).size).toBe(logged.length);
  expect(logged.length).toBeGreaterThanOrEqual(3);
  expect(peer!.count((m) => statusOf(m) === 200 && !m.includes('CSeq: 1 OPTIONS'))).toBe(0);
});

it('refuses messages over the configured size with 513', async () => {
  const { udp } = await start({ limits: { maxMessageBytes: 1500 } });
  peer!.send(request('OPTIONS', peer!.port, { extra: `X-Pad: ${'p'.repeat(2000)}\r\n` }), udp);
  const res = await peer!.next();
  expect(statusOf(res)).toBe(513);
});

it('stops answering a source that exceeds its new-request rate, and logs that once', async () => {
  const { udp } = await start({ rateLimit: { perSecond: 1, burst: 5 } });
  for (let i = 0; i < 20; i++) peer!.send(request('OPTIONS', peer!.port), udp);
  await new Promise((r) => setTimeout(r, 300));
  expect(peer!.received.filter((m) => statusOf(m) === 200)).toHaveLength(5);
  expect(logs.records.filter((r) => String(r.msg).includes('rate limit'))).toHaveLength(1);
});

function tcpConnect(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', () => {});
  });
}

const closed = (s: Socket): Promise<void> =>
  new Promise((r) => (s.closed ? r() : s.once('close', () => r())));

it('frames a request split across TCP writes and answers on the same connection', async () => {
  const { tcp } = await start();
  const s = await tcpConnect(tcp);
  const text = request('OPTIONS', s.localPort!).replace('SIP/2.0/UDP', 'SIP/2.0/TCP');
  const got = new Promise<string>((r) => s.once('data', (d) => r(d.toString())));
  for (let i = 0; i < text.length; i += 7) {
    s.write(text.slice(i, i + 7));
    await new Promise((r) => setImmediate(r));
  }
  expect(statusOf(await got)).toBe(200);
  s.destroy();
});

it('closes a TCP connection whose framing is lost, after answering 400', async () => {
  const { tcp } = await start();
  const s = await tcpConnect(tcp);
  let data = '';
  s.on('data', (d) => (data += d.toString()));
  s.write(request('OPTIONS', s.localPort!).replace('Content-Length: 0', 'Content-Length: -5'));
  await closed(s);
  expect(statusOf(data)).toBe(400);
  expect(logs.records.some((r) => r.msg === 'closed a SIP connection')).toBe(true);
});

it('closes a TCP connection that stalls in the middle of a message, and one that stays idle', async () => {
  const { tcp } = await start({ stream: { partialMessageTimeoutMs: 200, idleTimeoutMs: 1500 } });
  const stalled = await tcpConnect(tcp);
  stalled.write('INVITE sip:service@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bK-x\r\n');
  const idle = await tcpConnect(tcp);
  const t0 = Date.now();
  await closed(stalled);
  expect(Date.now() - t0).toBeLessThan(1500);
  await closed(idle);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
  expect(logs.records.some((r) => r.reason === 'message not completed in time')).toBe(true);
}, 10_000);

it('answers an over-long message on TCP with 513, skips it and keeps the connection for the next one', async () => {
  const { tcp } = await start({ limits: { maxMessageBytes: 4096 } });
  const s = await tcpConnect(tcp);
  let data = '';
  s.on('data', (d) => (data += d.toString()));
  const big = request('OPTIONS', s.localPort!, { callId: 'big@t' })
    .replace('SIP/2.0/UDP', 'SIP/2.0/TCP')
    .replace(
      'Content-Length: 0\r\n\r\n',
      `Content-Type: text/plain\r\nContent-Length: 6000\r\n\r\n${'x'.repeat(6000)}`,
    );
  s.write(big);
  s.write(request('OPTIONS', s.localPort!, { callId: 'next@t' }).replace('SIP/2.0/UDP', 'SIP/2.0/TCP'));
  const end = Date.now() + 2000;
  while (!data.includes('next@t') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  const replies = data.split(/(?=SIP\/2\.0 )/).filter((x) => x.length > 0);
  expect(replies.map((r) => [statusOf(r), /Call-ID: (\S+)/.exec(r)?.[1]])).toEqual([
    [513, 'big@t'],
    [200, 'next@t'],
  ]);
  expect(s.destroyed).toBe(false);
  s.destroy();
});

it('disconnects a TCP peer that sends requests but never reads the responses', async () => {
  const { tcp } = await start({
    stream: { maxWriteBufferBytes: 64 * 1024 },
    rateLimit: { perSecond: 1e6, burst: 1e6 },
  });
  const s = await tcpConnect(tcp);
  s.pause(); // never reads: the edge's responses pile up in the kernel, then in the edge
  const long = 'x'.repeat(7000);
  // Each 503 echoes the long From, To and Call-ID: about 21 KB per response.
  for (let i = 0; i < 1500 && !s.destroyed; i++) {
    const req = request('INVITE', s.localPort!, { callId: `${long}${i}@t` })
      .replace('SIP/2.0/UDP', 'SIP/2.0/TCP')
      .replace(/^From: <sip:peer@/m, `From: "${long}" <sip:peer@`)
      .replace(/^To: <sip:service@/m, `To: "${long}" <sip:service@`);
    if (!s.write(req)) await new Promise((r) => setTimeout(r, 5));
  }
  await closed(s);
  expect(logs.records.some((r) => r.reason === 'peer does not read')).toBe(true);
}, 20_000);
