// What the embedded edge does to the messages it proxies for srf's
// `req.proxy()` (RFC 3261 §16.6, §16.7), seen byte by byte by a caller and a
// callee played over UDP: its Via on top and removed again, Max-Forwards,
// Record-Route, the Request-URI, app headers, Route handling, and that it is
// not an open relay for in-dialog requests of dialogs it never record-routed.

import { afterEach, expect, it } from 'vitest';
import { header } from '../support/sip-peer-text.ts';
import { type ProxyHarness, type ProxyOptions, startEdgeWithProxy } from '../support/proxy-app.ts';
import { statusOf, UdpPeer } from '../support/udp-peer.ts';

let h: ProxyHarness | undefined;
const peers: UdpPeer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  await h?.close();
  h = undefined;
});

async function setup(options: (callee: UdpPeer) => ProxyOptions, cdrs = false) {
  const caller = await UdpPeer.open();
  const callee = await UdpPeer.open();
  peers.push(caller, callee);
  h = await startEdgeWithProxy({ listen: [{ protocol: 'udp', host: '127.0.0.1' }] }, () => options(callee), {
    cdrs,
  });
  return { caller, callee, edgePort: h.sipPort('udp') };
}

/** A request from `from` to the edge, addressed to the edge itself (as a trunk would). */
function req(
  method: string,
  from: number,
  edgePort: number,
  o: { callId: string; extra?: string; toTag?: string; uri?: string; cseq?: number },
) {
  return (
    `${method} ${o.uri ?? `sip:+15550100@127.0.0.1:${edgePort}`} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${from};branch=z9hG4bK-${method}-${o.callId}-${o.cseq ?? 1};rport\r\n` +
    'Max-Forwards: 70\r\n' +
    `From: <sip:caller@127.0.0.1:${from}>;tag=ft1\r\n` +
    `To: <sip:+15550100@127.0.0.1:${edgePort}>${o.toTag ? `;tag=${o.toTag}` : ''}\r\n` +
    `Call-ID: ${o.callId}\r\nCSeq: ${o.cseq ?? 1} ${method}\r\n` +
    `Contact: <sip:caller@127.0.0.1:${from}>\r\n${o.extra ?? ''}Content-Length: 0\r\n\r\n`
  );
}

/** The callee's answer to `m`: its Via lines (all of them, RFC 3261 §8.2.6.2), Record-Route, a To tag. */
function answerTo(m: string, status: number, reason: string, port: number, rr = true): string {
  const lines = m.split('\r\n');
  const copy = (name: string) =>
    lines
      .filter((l) => l.toLowerCase().startsWith(`${name}:`))
      .map((l) => `${l}\r\n`)
      .join('');
  const to = header(m, 'To') ?? '';
  return (
    `SIP/2.0 ${status} ${reason}\r\n${copy('via')}${rr ? copy('record-route') : ''}${copy('from')}` +
    `To: ${to}${to.includes('tag=') ? '' : ';tag=tt1'}\r\n${copy('call-id')}${copy('cseq')}` +
    `Contact: <sip:callee@127.0.0.1:${port}>\r\nContent-Length: 0\r\n\r\n`
  );
}

const vias = (m: string) => m.split('\r\n').filter((l) => /^via:/i.test(l));

it('forwards a request with its Via on top, Max-Forwards less one, the target as Request-URI and the app’s headers, and takes its Via off the response', async () => {
  const { caller, callee, edgePort } = await setup((c) => ({
    destination: `sip:127.0.0.1:${c.port}`,
    headers: { 'X-Tenant': 'acme' },
  }));
  caller.send(
    req('OPTIONS', caller.port, edgePort, {
      callId: 'opt-1',
      extra: `Route: <sip:127.0.0.1:${edgePort};lr>\r\n`,
    }),
    edgePort,
  );
  const fwd = await callee.next((m) => m.startsWith('OPTIONS'));
  // The Request-URI named the edge, so the target replaces it (as drachtio-server does).
  expect(fwd.split('\r\n')[0]).toBe(`OPTIONS sip:127.0.0.1:${callee.port} SIP/2.0`);
  expect(vias(fwd)).toHaveLength(2);
  expect(vias(fwd)[0]).toMatch(new RegExp(`^Via: SIP/2.0/UDP 127.0.0.1:${edgePort};rport;branch=z9hG4bK`));
  expect(vias(fwd)[1]).toContain(`127.0.0.1:${caller.port}`);
  expect(header(fwd, 'Max-Forwards')).toBe('69');
  expect(header(fwd, 'X-Tenant')).toBe('acme');
  // The preloaded Route named the edge; it is gone. Nothing asked for Record-Route.
  expect(fwd).not.toMatch(/^Route:/im);
  expect(fwd).not.toMatch(/^Record-Route:/im);
  callee.send(answerTo(fwd, 200, 'OK', callee.port), edgePort);
  const res = await caller.next((m) => m.startsWith('SIP/2.0 200'));
  expect(vias(res)).toHaveLength(1);
  expect(vias(res)[0]).toContain(`127.0.0.1:${caller.port}`);
  const [o] = await h!.settled(1);
  expect(o).toEqual({ connected: true, finalStatus: 200, statuses: [200] });
});

it('answers 483 and tells the app when Max-Forwards is used up', async () => {
  const { caller, callee, edgePort } = await setup((c) => ({ destination: `sip:127.0.0.1:${c.port}` }));
  caller.send(
    req('OPTIONS', caller.port, edgePort, { callId: 'opt-mf0' }).replace(
      'Max-Forwards: 70',
      'Max-Forwards: 0',
    ),
    edgePort,
  );
  expect(statusOf(await caller.next((m) => m.startsWith('SIP/2.0')))).toBe(483);
  const [o] = await h!.settled(1);
  expect(o!.error).toMatch(/483 Too Many Hops/);
  expect(callee.received).toHaveLength(0);
});

it('record-routes a call and carries its ACK and BYE to the callee without the app; afterwards the dialog is unknown', async () => {
  const { caller, callee, edgePort } = await setup((c) => ({
    destination: `sip:127.0.0.1:${c.port}`,
    remainInDialog: true,
  }));
  caller.send(req('INVITE', caller.port, edgePort, { callId: 'rr-1' }), edgePort);
  expect(statusOf(await caller.next((m) => m.startsWith('SIP/2.0 100')))).toBe(100);
  const invite = await callee.next((m) => m.startsWith('INVITE'));
  expect(header(invite, 'Record-Route')).toBe(`<sip:127.0.0.1:${edgePort};lr>`);
  callee.send(answerTo(invite, 180, 'Ringing', callee.port), edgePort);
  const ringing = await caller.next((m) => m.startsWith('SIP/2.0 180'));
  expect(header(ringing, 'Record-Route')).toBe(`<sip:127.0.0.1:${edgePort};lr>`);
  callee.send(answerTo(invite, 200, 'OK', callee.port), edgePort);
  const ok = await caller.next((m) => m.startsWith('SIP/2.0 200'));
  expect(vias(ok)).toHaveLength(1);
  expect(h!.edge.stack.stats().proxiedDialogs).toBe(1);
  // The caller follows the route set: to the edge, addressed to the callee's Contact (§12.2.1.1).
  const route = `Route: <sip:127.0.0.1:${edgePort};lr>\r\n`;
  const inDialog = { callId: 'rr-1', toTag: 'tt1', uri: `sip:callee@127.0.0.1:${callee.port}`, extra: route };
  caller.send(req('ACK', caller.port, edgePort, inDialog), edgePort);
  const ack = await callee.next((m) => m.startsWith('ACK'));
  expect(ack.split('\r\n')[0]).toBe(`ACK sip:callee@127.0.0.1:${callee.port} SIP/2.0`);
  expect(vias(ack)).toHaveLength(2);
  expect(ack).not.toMatch(/^Route:/im);
  caller.send(req('BYE', caller.port, edgePort, { ...inDialog, cseq: 2 }), edgePort);
  const bye = await callee.next((m) => m.startsWith('BYE'));
  expect(header(bye, 'Max-Forwards')).toBe('69');
  callee.send(answerTo(bye, 200, 'OK', callee.port, false), edgePort);
  expect(statusOf(await caller.next((m) => m.startsWith('SIP/2.0') && m.includes('CSeq: 2 BYE')))).toBe(200);
  expect(h!.edge.stack.stats().proxiedDialogs).toBe(0);
  // The same dialog once more: nothing to forward it for.
  caller.send(req('BYE', caller.port, edgePort, { ...inDialog, cseq: 3 }), edgePort);
  expect(statusOf(await caller.next((m) => m.startsWith('SIP/2.0') && m.includes('CSeq: 3 BYE')))).toBe(481);
  expect(callee.count((m) => m.startsWith('BYE'))).toBe(1);
});

it('is no open relay: an in-dialog request naming the edge in Route for a dialog it never proxied gets 481', async () => {
  const { caller, callee, edgePort } = await setup((c) => ({ destination: `sip:127.0.0.1:${c.port}` }));
  const route = `Route: <sip:127.0.0.1:${edgePort};lr>\r\n`;
  caller.send(
    req('BYE', caller.port, edgePort, {
      callId: 'never-seen',
      toTag: 'x1',
      uri: `sip:victim@127.0.0.1:${callee.port}`,
      extra: route,
    }),
    edgePort,
  );
  expect(statusOf(await caller.next((m) => m.startsWith('SIP/2.0')))).toBe(481);
  await new Promise((r) => setTimeout(r, 200));
  expect(callee.received).toHaveLength(0);
});

it('follows a redirect to the Contact it names and answers with what that target said (§16.7 step 4)', async () => {
  const redirector = await UdpPeer.open();
  peers.push(redirector);
  const { caller, callee, edgePort } = await setup(() => ({
    destination: `sip:127.0.0.1:${redirector.port}`,
    followRedirects: true,
  }));
  caller.send(req('INVITE', caller.port, edgePort, { callId: 'redir-1' }), edgePort);
  const first = await redirector.next((m) => m.startsWith('INVITE'));
  redirector.send(
    answerTo(first, 302, 'Moved Temporarily', redirector.port).replace(
      /Contact: .*\r\n/,
      `Contact: <sip:moved@127.0.0.1:${callee.port}>\r\n`,
    ),
    edgePort,
  );
  // The edge ACKs the 302 itself (§17.1.1.3) and tries the new target.
  expect((await redirector.next((m) => m.startsWith('ACK'))).split('\r\n')[0]).toBe(
    `ACK sip:127.0.0.1:${redirector.port} SIP/2.0`,
  );
  const second = await callee.next((m) => m.startsWith('INVITE'));
  callee.send(answerTo(second, 486, 'Busy Here', callee.port), edgePort);
  await callee.next((m) => m.startsWith('ACK'));
  // The 302 was used up by following it: the caller gets the 486.
  expect(statusOf(await caller.next((m) => m.startsWith('SIP/2.0') && !m.startsWith('SIP/2.0 100')))).toBe(
    486,
  );
  const [o] = await h!.settled(1);
  expect(o).toEqual({ connected: false, finalStatus: 486, statuses: [302, 486] });
});

it('sends the CDR events drachtio-server sends for a proxied call, from INVITE to BYE', async () => {
  const { caller, callee, edgePort } = await setup(
    (c) => ({ destination: `sip:127.0.0.1:${c.port}`, remainInDialog: true }),
    true,
  );
  caller.send(req('INVITE', caller.port, edgePort, { callId: 'cdr-1' }), edgePort);
  const invite = await callee.next((m) => m.startsWith('INVITE'));
  callee.send(answerTo(invite, 200, 'OK', callee.port), edgePort);
  await caller.next((m) => m.startsWith('SIP/2.0 200'));
  const inDialog = {
    callId: 'cdr-1',
    toTag: 'tt1',
    uri: `sip:callee@127.0.0.1:${callee.port}`,
    extra: `Route: <sip:127.0.0.1:${edgePort};lr>\r\n`,
    cseq: 2,
  };
  caller.send(req('BYE', caller.port, edgePort, inDialog), edgePort);
  const bye = await callee.next((m) => m.startsWith('BYE'));
  callee.send(answerTo(bye, 200, 'OK', callee.port, false), edgePort);
  await caller.next((m) => m.includes('CSeq: 2 BYE'));
  await new Promise((r) => setTimeout(r, 100));
  expect(h!.cdrs).toEqual([
    'attempt network',
    'attempt application',
    'start network proxy-uac',
    'start application proxy-uas',
    'stop network normal-release',
    'stop application normal-release',
  ]);
});

it('answers 500 and tells the app when no target can be used (here: a transport the edge does not have)', async () => {
  const { caller, callee, edgePort } = await setup((c) => ({
    destination: [`sip:127.0.0.1:${c.port};transport=sctp`, `sip:127.0.0.1:${edgePort}`],
  }));
  caller.send(req('OPTIONS', caller.port, edgePort, { callId: 'unusable-1' }), edgePort);
  // The second target is the edge itself: refused too, as it would loop.
  expect(statusOf(await caller.next((m) => m.startsWith('SIP/2.0')))).toBe(500);
  const [o] = await h!.settled(1);
  expect(o!.error).toMatch(
    /error proxying request to sip:127\.0\.0\.1:\d+;transport=sctp,sip:127\.0\.0\.1:\d+/,
  );
  expect(callee.received).toHaveLength(0);
});

it('carries the callee’s re-INVITE, its ACK and its BYE back to the caller through the record-routed edge', async () => {
  const { caller, callee, edgePort } = await setup((c) => ({
    destination: `sip:127.0.0.1:${c.port}`,
    remainInDialog: true,
  }));
  caller.send(req('INVITE', caller.port, edgePort, { callId: 'rr-2' }), edgePort);
  const invite = await callee.next((m) => m.startsWith('INVITE'));
  callee.send(answerTo(invite, 200, 'OK', callee.port), edgePort);
  await caller.next((m) => m.startsWith('SIP/2.0 200'));
  // From the callee's side, the route set is the Record-Route it got; the target the caller's Contact.
  const fromCallee = (method: string, seq: number) =>
    `${method} sip:caller@127.0.0.1:${caller.port} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${callee.port};branch=z9hG4bK-callee-${method}-${seq};rport\r\n` +
    `Max-Forwards: 70\r\nRoute: <sip:127.0.0.1:${edgePort};lr>\r\n` +
    `From: <sip:+15550100@127.0.0.1:${edgePort}>;tag=tt1\r\nTo: <sip:caller@127.0.0.1:${caller.port}>;tag=ft1\r\n` +
    `Call-ID: rr-2\r\nCSeq: ${seq} ${method}\r\nContact: <sip:callee@127.0.0.1:${callee.port}>\r\nContent-Length: 0\r\n\r\n`;
  callee.send(fromCallee('INVITE', 10), edgePort);
  // §16.2: the edge answers the re-INVITE with its own 100 and forwards it.
  expect(statusOf(await callee.next((m) => m.startsWith('SIP/2.0 100')))).toBe(100);
  const reinvite = await caller.next((m) => m.startsWith('INVITE'));
  expect(reinvite.split('\r\n')[0]).toBe(`INVITE sip:caller@127.0.0.1:${caller.port} SIP/2.0`);
  expect(vias(reinvite)).toHaveLength(2);
  caller.send(answerTo(reinvite, 200, 'OK', caller.port, false), edgePort);
  const ok = await callee.next((m) => m.startsWith('SIP/2.0 200') && m.includes('CSeq: 10 INVITE'));
  expect(vias(ok)).toHaveLength(1);
  callee.send(fromCallee('ACK', 10), edgePort);
  expect((await caller.next((m) => m.startsWith('ACK'))).split('\r\n')[0]).toBe(
    `ACK sip:caller@127.0.0.1:${caller.port} SIP/2.0`,
  );
  callee.send(fromCallee('BYE', 11), edgePort);
  const bye = await caller.next((m) => m.startsWith('BYE'));
  caller.send(answerTo(bye, 200, 'OK', caller.port, false), edgePort);
  expect(statusOf(await callee.next((m) => m.includes('CSeq: 11 BYE')))).toBe(200);
  expect(h!.edge.stack.stats().proxiedDialogs).toBe(0);
});
