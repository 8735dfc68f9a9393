// Dialog behaviour between a real drachtio-srf app on the edge and a SIP peer
// played byte by byte over UDP: reliable provisionals and PRACK (RFC 3262) on
// both sides, INFO in a dialog, and the ACK-timeout teardown drachtio-server
// does itself (BYE to the peer, `unsolicited` BYE to the app).

import { connect, createServer } from 'node:net';
import Srf from 'drachtio-srf';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createEdge, type RunningEdge } from '../../../src/edge/edge.ts';
import { freePort } from '../support/ports.ts';
import { answer, header, inDialog, SDP } from '../support/sip-peer-text.ts';
import { request, statusOf, UdpPeer } from '../support/udp-peer.ts';

let edge: RunningEdge | undefined;
let peer: UdpPeer | undefined;
let srf: SrfApp | undefined;
afterEach(async () => {
  try {
    srf?.disconnect();
  } catch {
    // already gone
  }
  peer?.close();
  await edge?.close();
  edge = peer = srf = undefined;
});

type Res = { send(status: number, opts?: object): void };
type DialogLike = {
  on(e: string, f: (req: unknown, res: Res) => void): void;
  destroy(): Promise<unknown>;
};
type SrfApp = {
  invite(fn: (req: { body: string }, res: Res) => void): void;
  createUAS(req: unknown, res: unknown, opts: object): Promise<DialogLike>;
  createUAC(uri: string, opts: object): Promise<DialogLike>;
  on(e: string, f: (...args: never[]) => void): void;
  connect(o: object): void;
  disconnect(): void;
};

async function setup(t1Ms = 50, cdrs = false, appSilenceMs?: number): Promise<{ port: number; app: SrfApp }> {
  edge = await createEdge(
    {
      sip: {
        listen: [
          { protocol: 'udp', host: '127.0.0.1' },
          { protocol: 'tcp', host: '127.0.0.1' },
        ],
        t1Ms,
        appSilenceMs,
      },
      wire: { secret: 'x' },
      cdrs,
    },
    pino({ level: 'silent' }),
  );
  peer = await UdpPeer.open();
  const app = new Srf() as unknown as SrfApp;
  srf = app;
  await new Promise<void>((resolve, reject) => {
    app.on('connect', (err) => (err ? reject(err) : resolve()));
    app.on('error', () => {});
    app.connect({ ...edge!.wire, reconnect: { maxAttempts: 1 } });
  });
  return { port: edge.sip[0]!.port, app };
}

const invite = (port: number, extra = ''): string =>
  request('INVITE', port, { extra: `${extra}Content-Type: application/sdp\r\n` })
    .replace('Content-Length: 0', `Content-Length: ${SDP.length}`)
    .concat(SDP);

it('UAS: a 183 with Require: 100rel gets an RSeq and is retransmitted until the PRACK, which the app answers', async () => {
  const { port, app } = await setup();
  let answerInvite: (() => void) | undefined;
  app.invite((_req, res) => {
    res.send(183, { headers: { Require: '100rel' }, body: SDP });
    answerInvite = () => res.send(200, { body: SDP });
  });
  await new Promise((r) => setTimeout(r, 50));
  peer!.send(invite(peer!.port, 'Supported: 100rel\r\n'), port);
  expect(statusOf(await peer!.next())).toBe(100);
  const p183 = await peer!.next((m) => statusOf(m) === 183);
  const rseq = Number(header(p183, 'RSeq'));
  expect(rseq).toBeGreaterThan(0);
  expect(header(p183, 'Require')).toBe('100rel');
  // Not acknowledged yet: the same 183 comes again (T1 = 50 ms).
  expect(await peer!.next((m) => statusOf(m) === 183)).toBe(p183);
  peer!.send(inDialog('PRACK', p183, peer!.port, 2, `RAck: ${rseq} 1 INVITE\r\n`), port);
  expect(statusOf(await peer!.next((m) => m.includes('CSeq: 2 PRACK')))).toBe(200);
  await new Promise((r) => setTimeout(r, 150));
  const count = peer!.count((m) => statusOf(m) === 183);
  await new Promise((r) => setTimeout(r, 300));
  expect(peer!.count((m) => statusOf(m) === 183)).toBe(count);
  answerInvite!();
  const ok = await peer!.next((m) => statusOf(m) === 200 && m.includes('INVITE'));
  expect(header(ok, 'Contact')).toMatch(/^<sip:127\.0\.0\.1:\d+>$/);
});

it('UAS: refuses a reliable provisional when the caller did not offer 100rel', async () => {
  const { port, app } = await setup();
  const errors: string[] = [];
  app.invite((_req, res) => {
    (res as unknown as { send(s: number, o: object, cb: (err: unknown) => void): void }).send(
      183,
      { headers: { Require: '100rel' }, body: SDP },
      (err) => {
        // srf hands the NOK reason over as a string.
        if (err) errors.push(String(err));
        res.send(480);
      },
    );
  });
  await new Promise((r) => setTimeout(r, 50));
  peer!.send(invite(peer!.port), port);
  expect(statusOf(await peer!.next((m) => statusOf(m) >= 200))).toBe(480);
  expect(errors.join()).toMatch(/does not support 100rel/);
  expect(peer!.count((m) => statusOf(m) === 183)).toBe(0);
});

it('UAC: the app PRACKs a reliable 183 once, even when the peer retransmits it', async () => {
  const { app } = await setup();
  const call = app.createUAC(`sip:svc@127.0.0.1:${peer!.port}`, {
    localSdp: SDP,
    headers: { Supported: '100rel' },
  });
  const inv = await peer!.next((m) => m.startsWith('INVITE'));
  expect(header(inv, 'Supported')).toBe('100rel');
  const p183 = answer(inv, '183 Session Progress', peer!.port, 'Require: 100rel\r\nRSeq: 7\r\n', SDP);
  const edgePort = Number(/Via: SIP\/2.0\/UDP 127\.0\.0\.1:(\d+)/.exec(inv)![1]);
  peer!.send(p183, edgePort);
  const prack = await peer!.next((m) => m.startsWith('PRACK'));
  expect(header(prack, 'RAck')).toBe(`7 ${header(inv, 'CSeq').split(' ')[0]} INVITE`);
  peer!.send(answer(prack, '200 OK', peer!.port), edgePort);
  peer!.send(p183, edgePort); // retransmission
  await new Promise((r) => setTimeout(r, 200));
  expect(peer!.count((m) => m.startsWith('PRACK'))).toBe(1);
  peer!.send(answer(inv, '200 OK', peer!.port, '', SDP), edgePort);
  const ack = await peer!.next((m) => m.startsWith('ACK'));
  expect(header(ack, 'CSeq')).toBe(`${header(inv, 'CSeq').split(' ')[0]} ACK`);
  const dialog = await call;
  const bye = dialog.destroy();
  const byeReq = await peer!.next((m) => m.startsWith('BYE'));
  peer!.send(answer(byeReq, '200 OK', peer!.port), edgePort);
  await bye;
});

it('delivers INFO inside a dialog to the app that owns it and sends its answer back', async () => {
  const { port, app } = await setup();
  const infos: string[] = [];
  app.invite((req, res) => {
    void app.createUAS(req, res, { localSdp: SDP }).then((d) =>
      d.on('info', (r, rs) => {
        infos.push((r as { body: string }).body);
        rs.send(200);
      }),
    );
  });
  await new Promise((r) => setTimeout(r, 50));
  peer!.send(invite(peer!.port), port);
  const ok = await peer!.next((m) => statusOf(m) === 200);
  peer!.send(inDialog('ACK', ok, peer!.port, 1), port);
  const info = inDialog('INFO', ok, peer!.port, 2).replace(
    'Content-Length: 0\r\n\r\n',
    'Content-Type: application/dtmf-relay\r\nContent-Length: 20\r\n\r\nSignal=5\r\nDuration=1',
  );
  peer!.send(info, port);
  expect(statusOf(await peer!.next((m) => m.includes('CSeq: 2 INFO')))).toBe(200);
  expect(infos).toEqual(['Signal=5\r\nDuration=1']);
});

it('ends a call whose 2xx is never ACKed: BYE to the peer after 64·T1, unsolicited BYE to the app', async () => {
  const { port, app } = await setup(10);
  const destroyed = new Promise<void>((resolve) => {
    app.invite((req, res) => {
      void app.createUAS(req, res, { localSdp: SDP }).then((d) => d.on('destroy', () => resolve()));
    });
  });
  await new Promise((r) => setTimeout(r, 50));
  peer!.send(invite(peer!.port), port);
  await peer!.next((m) => statusOf(m) === 200);
  const bye = await peer!.next((m) => m.startsWith('BYE'), 3000);
  expect(header(bye, 'Reason')).toMatch(/ACK timeout/);
  expect(peer!.count((m) => statusOf(m) === 200)).toBeGreaterThan(1); // the 2xx was retransmitted
  await destroyed;
  expect(edge!.stack.stats().dialogs).toBe(0);
});

it('UAS: an UPDATE in the early dialog reaches the app under the INVITE (srf `update` event) and is answered', async () => {
  const { port, app } = await setup();
  app.invite((req, res) => {
    (req as unknown as { on(e: string, f: (r: { body: string }, s: Res) => void): void }).on(
      'update',
      (_u, ures) => ures.send(200, { body: SDP }),
    );
    res.send(180);
  });
  await new Promise((r) => setTimeout(r, 50));
  const inv = invite(peer!.port);
  peer!.send(inv, port);
  const ringing = await peer!.next((m) => statusOf(m) === 180);
  const update = inDialog(
    'UPDATE',
    ringing.replace(/\r\n\r\n$/, `\r\nContact: <sip:service@127.0.0.1:${port}>\r\n\r\n`),
    peer!.port,
    2,
    '',
    SDP,
  );
  peer!.send(update, port);
  const ok = await peer!.next((m) => m.includes('CSeq: 2 UPDATE'));
  expect(statusOf(ok)).toBe(200);
  expect(ok).toContain('v=0');
  // The INVITE itself is still unanswered (only 100 and 180 so far).
  expect(peer!.count((m) => /CSeq: 1 INVITE/.test(m) && statusOf(m) >= 200)).toBe(0);
});

it('UAC: reports a local 408 when the far end never answers (Timer B) and 503 when it cannot be reached', async () => {
  const { app } = await setup(10);
  const silent = app.createUAC(`sip:svc@127.0.0.1:${peer!.port}`, { localSdp: SDP });
  await expect(silent).rejects.toMatchObject({ status: 408 });
  // The INVITE was retransmitted over UDP before giving up (Timer A, T1 = 10 ms).
  expect(peer!.count((m) => m.startsWith('INVITE'))).toBeGreaterThan(3);

  const closedPort = await freePort();
  const unreachable = app.createUAC(`sip:svc@127.0.0.1:${closedPort};transport=tcp`, { localSdp: SDP });
  await expect(unreachable).rejects.toMatchObject({ status: 503 });
});

it('sends CDR events when enabled: attempt and start for an answered call, stop on the caller’s BYE', async () => {
  const { port, app } = await setup(50, true);
  const cdrs: string[] = [];
  app.on('cdr:attempt', (source: string) => cdrs.push(`attempt ${source}`));
  app.on('cdr:start', (source: string, _time: string, role: string) => cdrs.push(`start ${source} ${role}`));
  app.on('cdr:stop', (source: string, _time: string, reason: string) =>
    cdrs.push(`stop ${source} ${reason}`),
  );
  app.invite((req, res) => void app.createUAS(req, res, { localSdp: SDP }));
  await new Promise((r) => setTimeout(r, 100));
  peer!.send(invite(peer!.port), port);
  const ok = await peer!.next((m) => statusOf(m) === 200);
  peer!.send(inDialog('ACK', ok, peer!.port, 1), port);
  peer!.send(inDialog('BYE', ok, peer!.port, 2), port);
  await peer!.next((m) => m.includes('CSeq: 2 BYE'));
  await new Promise((r) => setTimeout(r, 100));
  expect(cdrs).toEqual(['attempt network', 'start application uas', 'stop network normal-release']);
});

it('resolves a host name in the target with node:dns (RFC 3263-lite: no SRV/NAPTR)', async () => {
  const { app } = await setup(10);
  const call = app.createUAC(`sip:svc@localhost:${peer!.port}`, { localSdp: SDP });
  const inv = await peer!.next((m) => m.startsWith('INVITE'));
  expect(inv.split('\r\n')[0]).toBe(`INVITE sip:svc@localhost:${peer!.port} SIP/2.0`);
  const edgePort = Number(/Via: SIP\/2.0\/UDP 127\.0\.0\.1:(\d+)/.exec(inv)![1]);
  peer!.send(answer(inv, '486 Busy Here', peer!.port), edgePort);
  await expect(call).rejects.toMatchObject({ status: 486 });
  // The transaction layer ACKed the 486 itself.
  expect(header(await peer!.next((m) => m.startsWith('ACK')), 'CSeq')).toMatch(/ ACK$/);
});

it('UAS: rejects the INVITE with 504 when a reliable provisional is never PRACKed (RFC 3262 §3)', async () => {
  const { port, app } = await setup(10);
  app.invite((_req, res) => res.send(180, { headers: { Require: '100rel' } }));
  await new Promise((r) => setTimeout(r, 50));
  peer!.send(invite(peer!.port, 'Supported: 100rel\r\n'), port);
  const final = await peer!.next((m) => statusOf(m) >= 200, 3000);
  expect(statusOf(final)).toBe(504);
  expect(peer!.count((m) => statusOf(m) === 180)).toBeGreaterThan(3); // retransmitted meanwhile
  expect(edge!.stack.stats().dialogs).toBe(0);
});

it('UAS: copies Record-Route into the 2xx and routes its own BYE through the route set (loose routing)', async () => {
  const { port, app } = await setup();
  const proxy = await UdpPeer.open(); // stands for a record-routing proxy in front of the caller
  try {
    let dialog: DialogLike | undefined;
    app.invite((req, res) => void app.createUAS(req, res, { localSdp: SDP }).then((d) => (dialog = d)));
    await new Promise((r) => setTimeout(r, 50));
    const rr = `Record-Route: <sip:127.0.0.1:${proxy.port};lr>, <sip:10.9.9.9;lr>\r\n`;
    peer!.send(invite(peer!.port, rr), port);
    const ok = await peer!.next((m) => statusOf(m) === 200);
    expect(ok).toContain(`Record-Route: <sip:127.0.0.1:${proxy.port};lr>, <sip:10.9.9.9;lr>\r\n`);
    peer!.send(inDialog('ACK', ok, peer!.port, 1), port);
    await new Promise((r) => setTimeout(r, 100));
    void dialog!.destroy();
    const bye = await proxy.next((m) => m.startsWith('BYE'));
    // Request-URI is the caller's Contact; the Route set goes along in order.
    expect(bye.split('\r\n')[0]).toBe(`BYE sip:peer@127.0.0.1:${peer!.port} SIP/2.0`);
    expect(bye.match(/^Route: .*$/gm)).toEqual([
      `Route: <sip:127.0.0.1:${proxy.port};lr>`,
      'Route: <sip:10.9.9.9;lr>',
    ]);
  } finally {
    proxy.close();
  }
});

it('UAC: takes the route set from the 2xx Record-Route in reverse and sends the ACK and BYE through it', async () => {
  const { app } = await setup();
  const proxy = await UdpPeer.open();
  try {
    const call = app.createUAC(`sip:svc@127.0.0.1:${peer!.port}`, { localSdp: SDP });
    const inv = await peer!.next((m) => m.startsWith('INVITE'));
    const edgePort = Number(/Via: SIP\/2.0\/UDP 127\.0\.0\.1:(\d+)/.exec(inv)![1]);
    const rr = `Record-Route: <sip:10.9.9.9;lr>\r\nRecord-Route: <sip:127.0.0.1:${proxy.port};lr>\r\n`;
    peer!.send(answer(inv, '200 OK', peer!.port, rr, SDP), edgePort);
    const ack = await proxy.next((m) => m.startsWith('ACK'));
    expect(ack.match(/^Route: .*$/gm)).toEqual([
      `Route: <sip:127.0.0.1:${proxy.port};lr>`,
      'Route: <sip:10.9.9.9;lr>',
    ]);
    expect(ack.split('\r\n')[0]).toBe(`ACK sip:peer@127.0.0.1:${peer!.port} SIP/2.0`);
    const dialog = await call;
    void dialog.destroy();
    const bye = await proxy.next((m) => m.startsWith('BYE'));
    expect(bye.match(/^Route: .*$/gm)).toHaveLength(2);
  } finally {
    proxy.close();
  }
});

it('forgets a new request its app never answers (drachtio: after 64 s, sending nothing)', async () => {
  const { port, app } = await setup(50, false, 300);
  app.invite(() => {}); // routes INVITE, never answers
  await new Promise((r) => setTimeout(r, 50));
  peer!.send(invite(peer!.port), port);
  expect(statusOf(await peer!.next())).toBe(100);
  expect(edge!.stack.stats().appTransactions).toBe(1);
  const end = Date.now() + 3000;
  while (edge!.stack.stats().appTransactions > 0 && Date.now() < end)
    await new Promise((r) => setTimeout(r, 50));
  expect(edge!.stack.stats()).toMatchObject({ appTransactions: 0, serverTransactions: 0 });
  expect(peer!.received.map(statusOf)).toEqual([100]);
});

it('TCP: a response whose connection has closed goes over a new one to the Via sent-by port (§18.2.2)', async () => {
  const { app } = await setup();
  const tcpPort = edge!.sip.find((s) => s.protocol === 'tcp')!.port;
  app.invite((_req, res) => setTimeout(() => res.send(486), 200));
  await new Promise((r) => setTimeout(r, 50));
  const listener = createServer();
  const got = new Promise<string>((resolve) =>
    listener.on('connection', (c) => c.on('data', (d) => resolve(d.toString()))),
  );
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
  const sentBy = (listener.address() as { port: number }).port;
  try {
    const c = connect(tcpPort, '127.0.0.1');
    c.on('error', () => {});
    await new Promise((r) => c.once('connect', r));
    c.write(invite(sentBy).replace('SIP/2.0/UDP', 'SIP/2.0/TCP'));
    await new Promise((r) => c.once('data', r)); // 100 Trying on the original connection
    c.destroy();
    expect(statusOf(await got)).toBe(486);
  } finally {
    listener.close();
  }
});
