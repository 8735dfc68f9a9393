// The caller-facing (UAS) half of the captured B2BUA call, replayed through the wire
// server into a real drachtio-srf. FakeSipSide stands in for the SIP layer (built
// separately): it hands over the INVITE, ACK and BYE exactly as drachtio-server
// delivered them, and answers the app's responses with what drachtio-server answered.
// The frames srf writes must equal the captured ones, apart from message ids.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingRequest } from '../../../src/edge/wire/sip-side.ts';
import { type CaptureName, capturedDelivery, capturedResult, frameAt, maskIds, sipPart } from './captures.ts';
import {
  type ConnectedApp,
  connectApp,
  type Harness,
  nextSent,
  startHarness,
  waitFor,
  waitForRoutes,
} from './srf-harness.ts';

const T1 = '9559a8ee-2eea-44ad-a636-20366cdd3dda'; // the INVITE's server transaction
const T4 = '54006478-4c0c-47fa-8f99-d23c097f22fd'; // the BYE's
const DA = '1-1182@127.0.0.1;from-tag=1182SIPpTag001'; // UAS dialog id = Call-ID;from-tag=<caller's tag>

/** Turns a captured S→A `sip` frame into what the SIP layer hands to the wire server. */
function captured(capture: CaptureName, n: number, kind: IncomingRequest['kind']): IncomingRequest {
  return { ...capturedDelivery(capture, n), kind };
}

interface SrfReq {
  method: string;
  uri: string;
  body: string;
  source: string;
  source_address: string;
  source_port: number;
  protocol: string;
  stackTime: string;
  stackTxnId: string;
  stackDialogId: string;
  receivedOn: string;
  server: { hostport: string };
  calledNumber: string;
  callingNumber: string;
  get(h: string): string;
  on(evt: 'cancel', fn: () => void): void;
}
interface SrfRes {
  send(status: number, opts?: object): void;
}
interface SrfDialog {
  id: string;
  sip: { callId: string; localTag: string; remoteTag: string };
  remote: { uri: string };
  on(evt: string, fn: (...args: unknown[]) => void): void;
}
type SrfApi = {
  invite(fn: (req: SrfReq, res: SrfRes) => void): void;
  createUAS(req: SrfReq, res: SrfRes, opts: object): Promise<SrfDialog>;
  on(evt: string, fn: (...args: unknown[]) => void): void;
};

let h: Harness;
let app: ConnectedApp;
let srf: SrfApi;

beforeEach(async () => {
  h = await startHarness({ cdrs: true });
  app = await connectApp(h);
  srf = app.srf as unknown as SrfApi;
});
afterEach(async () => {
  await h.close();
});

/** Next frame srf wrote whose SIP part starts with `startLine`. */
const sentStarting = (startLine: string) => nextSent(app, (f) => f.includes(`\r\n${startLine}`));

describe('srf as UAS over the wire server', () => {
  it('runs srf.invite with the request drachtio-server would deliver; 180/200 go out as captured', async () => {
    const calls: Array<{ req: SrfReq; res: SrfRes }> = [];
    srf.invite((req, res) => calls.push({ req, res }));
    await waitForRoutes(h, ['invite']);

    h.sip.onSendResponse = (op) => capturedResult('b2bua-call', op.status === 180 ? 23 : 26);
    const outcome = h.sip.gw.deliverRequest(captured('b2bua-call', 13, 'new'));
    expect(outcome.delivered).toBe(true);
    await waitFor(() => calls.length === 1);
    const { req, res } = calls[0]!;

    expect([req.method, req.uri, req.source, req.source_address, req.source_port, req.protocol]).toEqual([
      'INVITE',
      'sip:service@127.0.0.1:5360',
      'network',
      '127.0.0.1',
      5370,
      'udp',
    ]);
    expect([req.stackTime, req.stackTxnId, req.stackDialogId, req.receivedOn]).toEqual([
      '08:10:16.706494',
      T1,
      '',
      '127.0.0.1:5360',
    ]);
    expect(req.get('Call-ID')).toBe('1-1182@127.0.0.1');
    expect([req.calledNumber, req.callingNumber]).toEqual(['service', 'sipp']);
    expect(req.body).toContain('m=audio 6008 RTP/AVP 0');
    expect(req.server.hostport).toBe('udp/127.0.0.1:5360');

    res.send(180);
    expect(maskIds(await sentStarting('SIP/2.0 180'))).toBe(maskIds(frameAt('b2bua-call', 21).frame));
    const op180 = await h.sip.responses.next();
    expect([op180.txnId, op180.status, op180.reason]).toEqual([T1, 180, 'Ringing']);

    const bSdp = sipPart(frameAt('b2bua-call', 25).payload).split('\r\n\r\n')[1]!;
    const uas = await srf.createUAS(req, res, { localSdp: bSdp });
    expect(maskIds(await sentStarting('SIP/2.0 200'))).toBe(maskIds(frameAt('b2bua-call', 25).frame));
    // createUAS resolved from the server's reply: the dialog id comes from it.
    expect(uas.id).toBe(DA);
    expect(uas.sip).toEqual({
      callId: '1-1182@127.0.0.1',
      remoteTag: '1182SIPpTag001',
      localTag: 'p974aD42yBv6F',
    });
    // The reply frames srf received are the captured ones, apart from message ids.
    const replies = app.received.filter((p) => p.includes('|response|') && p.includes('Msg sent:'));
    expect(replies.map((p) => maskIds(p))).toEqual(
      [23, 26].map((n) => maskIds(frameAt('b2bua-call', n).payload)),
    );

    // The caller's ACK (with the INVITE's txnId) reaches the dialog.
    const acked = new Promise<void>((resolve) => uas.on('ack', () => resolve()));
    expect(h.sip.gw.deliverRequest(captured('b2bua-call', 28, 'in-dialog'))).toMatchObject({
      delivered: true,
    });
    await acked;

    // The caller's BYE destroys the dialog; srf answers 200 with the BYE's txnId.
    h.sip.onSendResponse = () => capturedResult('b2bua-call', 33);
    const destroyed = new Promise<void>((resolve) => uas.on('destroy', () => resolve()));
    expect(h.sip.gw.deliverRequest(captured('b2bua-call', 29, 'in-dialog'))).toMatchObject({
      delivered: true,
    });
    await destroyed;
    expect(maskIds(await sentStarting('SIP/2.0 200 OK\r\nCall-ID: 1-1182@127.0.0.1\r\ncseq: 2 BYE'))).toBe(
      maskIds(frameAt('b2bua-call', 31).frame),
    );
    expect((await h.sip.responses.next((op) => op.txnId === T4)).status).toBe(200);

    await waitFor(
      () => app.received.some((p) => p.includes(`|${T4}|||Msg sent:|`)),
      'reply to the 200 for BYE',
    );

    // The SIP layer ends the dialog: later requests naming it find no app (→ 481).
    h.sip.gw.dialogEnded(DA);
    const lateInfo = { ...captured('b2bua-call', 29, 'in-dialog'), method: 'INFO', txnId: 'T-late' };
    expect(h.sip.gw.deliverRequest(lateInfo)).toEqual({
      delivered: false,
      reason: 'no-owner',
    });
  });

  it('delivers a CANCEL to the app holding the INVITE and relays the NOK for its late 487', async () => {
    const cancelled = new Promise<SrfReq>((resolve) => {
      srf.invite((req, res) => {
        req.on('cancel', () => {
          res.send(487);
          resolve(req);
        });
        res.send(180);
      });
    });
    await waitForRoutes(h, ['invite']);
    h.sip.onSendResponse = (op) => capturedResult('b2bua-cancel', op.status === 180 ? 12 : 15);
    h.sip.gw.deliverRequest(captured('b2bua-cancel', 7, 'new'));
    await h.sip.responses.next((op) => op.status === 180);
    // Early dialog: the 180 reply named the dialog; the CANCEL carries the INVITE's txnId.
    expect(h.sip.gw.deliverRequest(captured('b2bua-cancel', 13, 'cancel'))).toMatchObject({
      delivered: true,
    });
    const req = await cancelled;
    expect(req.get('Call-ID')).toBe('1-1462@127.0.0.1');
    expect(maskIds(await sentStarting('SIP/2.0 487'))).toBe(maskIds(frameAt('b2bua-cancel', 14).frame));
    await waitFor(() =>
      app.received.some((p) => p.endsWith('|NOK|Response not sent due to unknown transaction')),
    );
  });

  it('hands cdr events to the app that routed them', async () => {
    const seen: unknown[][] = [];
    srf.on('cdr:start', (...args) => seen.push(args));
    await waitForRoutes(h, ['cdr:start']);
    h.sip.gw.cdr({
      kind: 'start',
      source: 'application',
      role: 'uas',
      time: '08:10:16.761111',
      sip: sipPart(frameAt('b2bua-call', 27).payload),
    });
    await waitFor(() => seen.length === 1, 'cdr:start handler');
    const [source, time, role, msg] = seen[0]!;
    expect([source, time, role]).toEqual(['application', '08:10:16.761111', 'uas']);
    expect((msg as { get(h: string): string }).get('To')).toContain('tag=p974aD42yBv6F');
    expect(maskIds(app.received.find((p) => p.includes('|cdr:start|'))!)).toBe(
      maskIds(frameAt('b2bua-call', 27).payload),
    );
  });
});
