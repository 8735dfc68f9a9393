// What the edge answers on its own, with no app connected (drachtio-server's
// behaviour, notes §4): 200 to OPTIONS, 100 + 503 to INVITE with the final
// retransmitted until the ACK, 481 for unknown dialogs and CANCELs, and
// rport/received on every response (RFC 3581).

import { createSocket } from 'node:dgram';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEdge, type RunningEdge } from '../../../src/edge/edge.ts';
import { request, statusOf, UdpPeer } from '../support/udp-peer.ts';

let edge: RunningEdge;
let peer: UdpPeer;
let port: number;
beforeEach(async () => {
  edge = await createEdge(
    { sip: { listen: [{ protocol: 'udp', host: '127.0.0.1' }], t1Ms: 50 }, wire: { secret: 'x' } },
    pino({ level: 'silent' }),
  );
  port = edge.sip[0]!.port;
  peer = await UdpPeer.open();
});
afterEach(async () => {
  peer.close();
  await edge.close();
});

it('answers OPTIONS with 200 when no app routed it, stamping rport and received', async () => {
  peer.send(request('OPTIONS', peer.port), port);
  const res = await peer.next();
  expect(statusOf(res)).toBe(200);
  expect(res).toMatch(
    new RegExp(
      `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=[^;]+;rport=${peer.port};received=127.0.0.1\\r\\n`,
    ),
  );
  expect(res).toMatch(/^Allow: .*INVITE/m);
  expect(res).toMatch(/^To: <sip:service@127\.0\.0\.1>;tag=\w+/m);
});

it('answers a retransmitted request with the same response, not a new one (§17.2.2)', async () => {
  const opts = request('OPTIONS', peer.port);
  peer.send(opts, port);
  const first = await peer.next();
  peer.send(opts, port);
  const second = await peer.next();
  expect(second).toBe(first);
});

it('sends 100 Trying then 503 to an INVITE no app takes, retransmits the 503 until the ACK (Timer G)', async () => {
  const invite = request('INVITE', peer.port, { branch: 'z9hG4bK-inv-503' });
  peer.send(invite, port);
  expect(statusOf(await peer.next())).toBe(100);
  const final = await peer.next();
  expect(statusOf(final)).toBe(503);
  // With T1 = 50 ms the 503 comes again at 50 ms, 100 ms...
  expect(statusOf(await peer.next((m) => statusOf(m) === 503))).toBe(503);
  const toTag = /^To: .*;tag=(\w+)/m.exec(final)![1]!;
  peer.send(
    invite
      .replace(/^INVITE/, 'ACK')
      .replace('1 INVITE', '1 ACK')
      .replace('<sip:service@127.0.0.1>', `<sip:service@127.0.0.1>;tag=${toTag}`),
    port,
  );
  await new Promise((r) => setTimeout(r, 150));
  const count = peer.count((m) => statusOf(m) === 503);
  await new Promise((r) => setTimeout(r, 400));
  expect(peer.count((m) => statusOf(m) === 503)).toBe(count);
});

it('answers BYE and UPDATE outside any dialog, and an in-dialog INFO for an unknown dialog, with 481', async () => {
  peer.send(request('BYE', peer.port), port);
  expect(statusOf(await peer.next())).toBe(481);
  peer.send(request('UPDATE', peer.port), port);
  expect(statusOf(await peer.next())).toBe(481);
  peer.send(request('INFO', peer.port, { toTag: 'nosuchdialog' }), port);
  expect(statusOf(await peer.next())).toBe(481);
});

it('answers a CANCEL that matches no INVITE with 481', async () => {
  peer.send(request('CANCEL', peer.port), port);
  expect(statusOf(await peer.next())).toBe(481);
});

it('sends responses without rport to the Via port (RFC 3261 §18.2.2)', async () => {
  const other = await UdpPeer.open();
  try {
    // Sent from `peer`, but the Via names `other`'s port and asks for no rport.
    peer.send(request('OPTIONS', other.port, { rport: false }), port);
    const res = await other.next();
    expect(statusOf(res)).toBe(200);
    expect(res).not.toMatch(/rport=/);
  } finally {
    other.close();
  }
});

it('listens on IPv6 too, with several listen addresses at once', async () => {
  const v6 = await createEdge(
    {
      sip: {
        listen: [
          { protocol: 'udp', host: '::1' },
          { protocol: 'udp', host: '127.0.0.1' },
        ],
      },
      wire: { secret: 'x' },
    },
    pino({ level: 'silent' }),
  );
  const sock = createSocket('udp6');
  try {
    await new Promise<void>((r) => sock.bind(0, '::1', () => r()));
    const got = new Promise<string>((r) => sock.once('message', (b) => r(b.toString())));
    const text = request('OPTIONS', sock.address().port).replace(
      /Via: SIP\/2.0\/UDP 127\.0\.0\.1:(\d+)/,
      'Via: SIP/2.0/UDP [::1]:$1',
    );
    sock.send(text, v6.sip[0]!.port, '::1');
    const res = await got;
    expect(statusOf(res)).toBe(200);
    expect(res).toMatch(/^Via: SIP\/2.0\/UDP \[::1\]:\d+;branch=[^;]+;rport=\d+;received=::1\r$/m);
    expect(v6.sip.map((s) => s.host)).toEqual(['::1', '127.0.0.1']);
  } finally {
    sock.close();
    await v6.close();
  }
});
