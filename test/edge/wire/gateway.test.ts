// How the wire server routes what the SIP layer raises (requests, responses, CDRs)
// to apps, seen from bare TCP clients. FakeSipSide stands in for the SIP layer.

import { afterEach, describe, expect, it } from 'vitest';
import { parseServerMessage, type SipDelivery } from '../../../src/edge/wire/server-messages.ts';
import type { IncomingRequest } from '../../../src/edge/wire/sip-side.ts';
import { RawApp } from './raw-app.ts';
import { type Harness, SECRET, startHarness, waitFor } from './srf-harness.ts';

let h: Harness;
const raws: RawApp[] = [];
afterEach(async () => {
  for (const r of raws.splice(0)) r.close();
  await h?.close();
});

async function app(...verbs: string[]): Promise<RawApp> {
  const raw = await RawApp.open(h.port);
  raws.push(raw);
  raw.send(`a0|authenticate|${SECRET}|`);
  verbs.forEach((v, i) => {
    raw.send(`r${i}|route|${v}`);
  });
  await raw.frame(verbs.length);
  return raw;
}

const meta = { source: 'network', protocol: 'udp', address: '192.0.2.1', port: 5060 } as const;

function request(
  kind: IncomingRequest['kind'],
  method: string,
  txnId: string,
  dialogId = '',
): IncomingRequest {
  return {
    kind,
    method,
    txnId,
    dialogId,
    meta,
    receivedOn: kind === 'new' ? { host: '127.0.0.1', port: 5060 } : undefined,
    sip: `${method} sip:svc@127.0.0.1 SIP/2.0\r\nCall-ID: c1\r\nCSeq: 1 ${method}\r\nContent-Length: 0\r\n\r\n`,
  };
}

function delivery(payload: string): SipDelivery {
  const msg = parseServerMessage(payload);
  if (msg.type !== 'sip') throw new Error(`not a sip delivery: ${payload}`);
  return msg;
}

describe('deliveries', () => {
  it('routes new requests by method, case-insensitively, with receivedOn and meta', async () => {
    h = await startHarness();
    const raw = await app('invite');
    expect(h.sip.gw.deliverRequest(request('new', 'INVITE', 'T1'))).toMatchObject({ delivered: true });
    const d = delivery(await raw.frame(2));
    expect(d.txnId).toBe('T1');
    expect(d.dialogId).toBe('');
    expect(d.receivedOn).toEqual({ host: '127.0.0.1', port: 5060 });
    expect(d.meta).toMatchObject({ ...meta, bytes: Buffer.byteLength(d.sip) });
    expect(d.meta.time).toMatch(/^\d\d:\d\d:\d\d\.\d{6}$/);
  });

  it('sends in-dialog requests to the dialog owner whatever it routed, and early ones by transaction', async () => {
    h = await startHarness();
    const owner = await app('invite');
    const other = await app('invite', 'bye');
    expect(h.sip.gw.deliverRequest(request('new', 'INVITE', 'T1'))).toMatchObject({ delivered: true });
    await owner.frame(2);
    // The app's 180 creates the early dialog; the SIP side names it in its result.
    h.sip.onSendResponse = (op) => ({
      ok: true,
      meta: { ...meta, source: 'application' },
      dialogId: 'c1;from-tag=x',
      sent: op.sip,
    });
    owner.send('m1|sip|T1|\r\nSIP/2.0 180 Ringing\r\nCSeq: 1 INVITE\r\n\r\n');
    await owner.frame(3);
    // UPDATE before the 2xx reuses the INVITE's txnId; the app's 200 to it must not end the INVITE.
    h.sip.gw.deliverRequest(request('in-dialog', 'UPDATE', 'T1', 'c1;from-tag=x'));
    await owner.frame(4);
    owner.send('m2|sip|T1|\r\nSIP/2.0 200 OK\r\nCSeq: 2 UPDATE\r\n\r\n');
    await owner.frame(5);
    expect(h.sip.gw.deliverRequest(request('cancel', 'CANCEL', 'T1'))).toMatchObject({ delivered: true });
    expect(delivery(await owner.frame(6)).sip).toMatch(/^CANCEL /);
    // BYE in the dialog goes to the owner even though only the other app routed `bye`.
    expect(h.sip.gw.deliverRequest(request('in-dialog', 'BYE', 'T2', 'c1;from-tag=x'))).toMatchObject({
      delivered: true,
    });
    expect(delivery(await owner.frame(7)).txnId).toBe('T2');
    expect(other.frames.length).toBe(3);
  });

  it('marks an unsolicited BYE as sent by the application with txnId "unsolicited"', async () => {
    h = await startHarness();
    const owner = await app('invite');
    h.sip.gw.deliverRequest(request('new', 'INVITE', 'T1'));
    h.sip.onSendResponse = (op) => ({ ok: true, meta, dialogId: 'c1;from-tag=x', sent: op.sip });
    owner.send('m1|sip|T1|\r\nSIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n');
    await owner.frame(3);
    h.sip.gw.deliverRequest(request('unsolicited', 'BYE', 'internal-1', 'c1;from-tag=x'));
    const d = delivery(await owner.frame(4));
    expect([d.meta.source, d.txnId, d.dialogId, d.receivedOn]).toEqual([
      'application',
      'unsolicited',
      'c1;from-tag=x',
      undefined,
    ]);
  });

  it('answers no-owner for responses to unknown transactions and requests of unknown dialogs', async () => {
    h = await startHarness();
    await app('invite');
    expect(
      h.sip.gw.deliverResponse({
        txnId: 'nope',
        status: 200,
        dialogId: '',
        meta,
        sip: 'SIP/2.0 200 OK\r\n\r\n',
      }),
    ).toEqual({ delivered: false, reason: 'no-owner' });
    expect(h.sip.gw.deliverRequest(request('in-dialog', 'BYE', 'T9', 'x;from-tag=y'))).toEqual({
      delivered: false,
      reason: 'no-owner',
    });
  });
});

describe('app disconnect', () => {
  it('reports the transactions and dialogs the app held, and forgets them', async () => {
    h = await startHarness();
    const owner = await app('invite');
    h.sip.onSendResponse = (op) => ({ ok: true, meta, dialogId: 'c1;from-tag=x', sent: op.sip });
    h.sip.gw.deliverRequest(request('new', 'INVITE', 'T1'));
    owner.send('m1|sip|T1|\r\nSIP/2.0 180 Ringing\r\nCSeq: 1 INVITE\r\n\r\n');
    await owner.frame(3);
    owner.send('m2|sip||\r\nOPTIONS sip:b@example.com SIP/2.0\r\n\r\n');
    const options = await h.sip.requests.next();
    await owner.frame(4);
    owner.close();
    const gone = await h.sip.disconnects.next();
    expect([gone.pendingTxnIds.sort(), gone.dialogIds]).toEqual([
      ['T1', options.txnId].sort(),
      ['c1;from-tag=x'],
    ]);
    expect(h.sip.gw.deliverRequest(request('in-dialog', 'BYE', 'T2', 'c1;from-tag=x'))).toEqual({
      delivered: false,
      reason: 'no-owner',
    });
  });
});

describe('slow apps', () => {
  it('drops an app that stops reading instead of buffering without bound', async () => {
    h = await startHarness({ maxBufferedBytes: 64 * 1024 });
    const raw = await app('message');
    raw.socket.pause();
    const big = request('new', 'MESSAGE', 'T0');
    big.sip += 'x'.repeat(32 * 1024);
    let outcome = h.sip.gw.deliverRequest(big);
    // Loopback kernel buffers absorb a few MB before the server sees any backlog.
    for (let i = 1; i < 2000 && outcome.delivered; i++)
      outcome = h.sip.gw.deliverRequest({ ...big, txnId: `T${i}` });
    expect(outcome).toEqual({ delivered: false, reason: 'no-owner' });
    await waitFor(() => h.server.connections().length === 0, 'slow app dropped');
    expect(h.sip.gw.deliverRequest({ ...big, txnId: 'T-after' })).toEqual({
      delivered: false,
      reason: 'no-route',
    });
  });
});

describe('cdr events', () => {
  it('go round-robin to apps that routed the kind, only when enabled', async () => {
    h = await startHarness({ cdrs: true });
    const a = await app('cdr:stop');
    const b = await app('cdr:stop');
    const noRoute = await app('invite');
    for (let i = 0; i < 4; i++) {
      h.sip.gw.cdr({
        kind: 'stop',
        source: 'network',
        reason: 'normal-release',
        sip: 'BYE sip:x SIP/2.0\r\n\r\n',
      });
    }
    h.sip.gw.cdr({ kind: 'attempt', source: 'network', sip: 'INVITE sip:x SIP/2.0\r\n\r\n' });
    await waitFor(() => a.frames.length === 4 && b.frames.length === 4, 'two cdr frames each');
    for (const payload of [...a.frames.slice(2), ...b.frames.slice(2)]) {
      expect(parseServerMessage(payload)).toMatchObject({
        type: 'cdr:stop',
        source: 'network',
        reason: 'normal-release',
      });
    }
    expect(noRoute.frames.length).toBe(2);
  });

  it('are not sent when CDRs are disabled (drachtio default)', async () => {
    h = await startHarness();
    const a = await app('cdr:attempt');
    h.sip.gw.cdr({ kind: 'attempt', source: 'application', sip: 'INVITE sip:x SIP/2.0\r\n\r\n' });
    a.send('p|ping');
    await a.frame(2);
    expect(a.frames[2]).toMatch(/\|OK\|pong$/);
  });
});
