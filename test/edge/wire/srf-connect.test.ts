// A real drachtio-srf connects to the wire server: authentication, route
// registration, app selection, connection cleanup and keepalive pings.
// FakeSipSide stands in for the SIP layer, which is built separately.

import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_VERSION } from '../../../src/edge/wire/server.ts';
import type { IncomingRequest } from '../../../src/edge/wire/sip-side.ts';
import { frameAt, sipPart } from './captures.ts';
import { connectApp, type Harness, srfSocket, startHarness, waitFor, waitForRoutes } from './srf-harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** A new INVITE as the SIP layer would hand it over (content of captured frame 13). */
function newInvite(txnId: string, callId = '1-1182@127.0.0.1'): IncomingRequest {
  return {
    kind: 'new',
    method: 'INVITE',
    txnId,
    dialogId: '',
    meta: { source: 'network', protocol: 'udp', address: '127.0.0.1', port: 5370 },
    receivedOn: { host: '127.0.0.1', port: 5360 },
    sip: sipPart(frameAt('b2bua-call', 13).payload).replaceAll('1-1182@127.0.0.1', callId),
  };
}

type Handler = (req: { get(h: string): string; method: string }, res: { send(status: number): void }) => void;

describe('srf connect and authenticate', () => {
  it('emits connect with hostport, server version and local hostports on the right secret', async () => {
    h = await startHarness();
    const app = await connectApp(h, { tags: ['blue'] });
    expect(app.err).toBeNull();
    expect(app.hostport).toBe('udp/127.0.0.1:5360');
    expect(app.serverVersion).toBe(DEFAULT_SERVER_VERSION);
    expect(app.localHostports).toBe('udp/127.0.0.1:5360');
    await waitFor(() => h.server.connections()[0]?.authenticated === true);
    expect(h.server.connections()[0]?.tags).toEqual(['blue']);
  });

  it('emits connect with "failed to authenticate to server" and then close on a wrong secret', async () => {
    h = await startHarness();
    const app = await connectApp(h, { secret: 'not-the-secret' });
    expect(app.err).toBeInstanceOf(Error);
    expect(app.err?.message).toBe('failed to authenticate to server');
    // srf's own events, exactly as with drachtio-server: connect(err), then close.
    await waitFor(() => app.events.includes('close'), 'srf close event');
    expect(app.events).toEqual(['connect', 'close']);
    expect(h.server.connections()).toEqual([]);
  });
});

describe('routes and app selection', () => {
  it('registers the methods srf has handlers for, including ones added after connect', async () => {
    h = await startHarness();
    const app = await connectApp(h);
    app.srf.invite(() => {});
    app.srf.use('options', () => {});
    await waitForRoutes(h, ['invite', 'options']);
    expect(h.server.connections()[0]?.verbs.sort()).toEqual(['invite', 'options']);
  });

  it('delivers a new request only to an app that routed its method (503 is the SIP side’s job)', async () => {
    h = await startHarness();
    const app = await connectApp(h);
    const seen: string[] = [];
    app.srf.invite(((req, res) => {
      seen.push(req.get('Call-ID'));
      res.send(486);
    }) as Handler);
    await waitForRoutes(h, ['invite']);
    const outcome = h.sip.gw.deliverRequest(newInvite('T1'));
    expect(outcome).toEqual({ delivered: true, connectionId: h.server.connections()[0]?.id });
    const register = { ...newInvite('T2'), method: 'REGISTER' };
    expect(h.sip.gw.deliverRequest(register)).toEqual({ delivered: false, reason: 'no-route' });
    const res = await h.sip.responses.next();
    expect([res.txnId, res.status, res.reason]).toEqual(['T1', 486, 'Busy Here']);
    expect(seen).toEqual(['1-1182@127.0.0.1']);
  });

  it('serves several apps routing the same method round-robin', async () => {
    h = await startHarness();
    const apps = [await connectApp(h), await connectApp(h)];
    const got: number[][] = [[], []];
    apps.forEach((app, i) => {
      app.srf.invite(((req, res) => {
        got[i]!.push(Number(req.get('Call-ID')));
        res.send(480);
      }) as Handler);
    });
    await waitForRoutes(h, ['invite'], 2);
    for (let n = 1; n <= 4; n++) h.sip.gw.deliverRequest(newInvite(`T${n}`, String(n)));
    await waitFor(() => got[0]!.length + got[1]!.length === 4, 'four INVITEs handled');
    expect(got.map((g) => g.length)).toEqual([2, 2]);
    expect([...got[0]!, ...got[1]!].sort()).toEqual([1, 2, 3, 4]);
  });

  it('stops routing a method after srf unregisters it (remove_route)', async () => {
    h = await startHarness();
    const app = await connectApp(h);
    app.srf.use('message', () => {});
    app.srf.invite(() => {});
    await waitForRoutes(h, ['invite', 'message']);
    (app.srf as unknown as { unregisterForMessages(v: string): void }).unregisterForMessages('message');
    await waitFor(() => h.server.connections()[0]?.verbs.join() === 'invite', 'message route removed');
    expect(h.sip.gw.deliverRequest({ ...newInvite('T1'), method: 'MESSAGE' })).toEqual({
      delivered: false,
      reason: 'no-route',
    });
  });

  it('forgets a closed app: routes, transactions and dialogs, and tells the SIP side', async () => {
    h = await startHarness();
    const a = await connectApp(h);
    a.srf.invite(() => {}); // a keeps the INVITE unanswered
    await waitForRoutes(h, ['invite']);
    const aId = h.server.connections()[0]!.id;
    expect(h.sip.gw.deliverRequest(newInvite('T-pending'))).toEqual({ delivered: true, connectionId: aId });
    const b = await connectApp(h);
    b.srf.invite(() => {});
    await waitForRoutes(h, ['invite'], 2);
    const bId = h.server.connections()[1]!.id;

    a.srf.disconnect();
    expect(await h.sip.disconnects.next()).toEqual({
      connectionId: aId,
      pendingTxnIds: ['T-pending'],
      dialogIds: [],
    });
    await waitFor(() => h.server.connections().length === 1, 'one app left');
    // A CANCEL for the INVITE the closed app held has no owner any more (the SIP side answers 481).
    const cancel: IncomingRequest = { ...newInvite('T-pending'), kind: 'cancel', method: 'CANCEL' };
    expect(h.sip.gw.deliverRequest(cancel)).toEqual({ delivered: false, reason: 'no-owner' });
    // Every new INVITE now goes to the remaining app.
    for (let n = 0; n < 3; n++) {
      expect(h.sip.gw.deliverRequest(newInvite(`T${n}`, `c${n}`))).toEqual({
        delivered: true,
        connectionId: bId,
      });
    }
  });
});

describe('keepalive', () => {
  it('srf pings a server announcing a vX.Y.Z version and gets OK|pong', { timeout: 15_000 }, async () => {
    h = await startHarness();
    const app = await connectApp(h, { enablePing: true, pingInterval: 5000 });
    await waitFor(() => app.sent.some((f) => f.endsWith('|ping')), 'srf ping', 8000);
    const ping = app.sent.find((f) => f.endsWith('|ping'))!;
    const pingId = ping.slice(ping.indexOf('#') + 1, ping.indexOf('|'));
    await waitFor(() => app.received.some((p) => p.endsWith(`|response|${pingId}|OK|pong`)), 'pong');
    expect(srfSocket(app.srf)?.destroyed).toBe(false);
  });
});
