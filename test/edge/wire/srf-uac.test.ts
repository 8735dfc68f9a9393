// The callee-facing (UAC) half of the captured calls, with a real drachtio-srf
// sending requests through the wire server. FakeSipSide stands in for the SIP layer
// (built separately): it answers with what drachtio-server answered in the capture
// and hands back the callee's responses under the transaction id the server minted.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingResponse } from '../../../src/edge/wire/sip-side.ts';
import { type CaptureName, capturedDelivery, capturedResult, frameAt, maskIds, sipPart } from './captures.ts';
import {
  type ConnectedApp,
  connectApp,
  type Harness,
  nextSent,
  startHarness,
  waitFor,
} from './srf-harness.ts';

const DB = '2886bece-61b8-1240-5b9d-7a2463a0734c;from-tag=N0ec9HKZ125Km'; // UAC dialog id: our own From tag

/** A captured response delivery, re-keyed to the transaction id this server minted. */
function capturedResponse(capture: CaptureName, n: number, txnId: string): IncomingResponse {
  return { ...capturedDelivery(capture, n), txnId };
}

interface SrfResponse {
  status: number;
  get(h: string): string;
}
interface SrfRequest {
  stackTxnId: string;
  source: string;
  on(evt: 'response', fn: (res: SrfResponse) => void): void;
  cancel(opts?: object): void;
}
interface SrfDialog {
  id: string;
  sip: { callId: string; localTag: string; remoteTag: string };
  remote: { uri: string; sdp: string };
  destroy(): Promise<unknown>;
}
type SrfApi = {
  createUAC(
    uri: string,
    opts: object,
    progress?: {
      cbRequest?: (err: unknown, req: SrfRequest) => void;
      cbProvisional?: (res: SrfResponse) => void;
    },
  ): Promise<SrfDialog>;
  request(uri: string, opts: object): Promise<SrfRequest>;
};

let h: Harness;
let app: ConnectedApp;
let srf: SrfApi;

beforeEach(async () => {
  h = await startHarness();
  app = await connectApp(h);
  srf = app.srf as unknown as SrfApi;
});
afterEach(async () => {
  await h.close();
});

const aSdp = sipPart(frameAt('b2bua-call', 15).payload).split('\r\n\r\n')[1]!;

describe('srf as UAC over the wire server', () => {
  it('createUAC: INVITE, 180, 200, ACK and BYE travel as in the capture', async () => {
    h.sip.onSendRequest = (op) =>
      capturedResult('b2bua-call', op.method === 'INVITE' ? 17 : op.method === 'ACK' ? 24 : 35);
    const provisional: number[] = [];
    const uacP = srf.createUAC(
      'sip:service@127.0.0.1:5380',
      { localSdp: aSdp, callingNumber: 'sipp' },
      { cbProvisional: (res) => provisional.push(res.status) },
    );

    const invite = await h.sip.requests.next((op) => op.method === 'INVITE');
    expect([invite.kind, invite.requestUri, invite.dialogId, invite.outboundProxy]).toEqual([
      'new',
      'sip:service@127.0.0.1:5380',
      undefined,
      undefined,
    ]);
    expect(maskIds(await nextSent(app, (f) => f.includes('\r\nINVITE ')))).toBe(
      maskIds(frameAt('b2bua-call', 15).frame),
    );
    // The reply srf gets is the captured one, with this server's transaction id.
    await waitFor(
      () => app.received.some((p) => p.includes(`|${invite.txnId}|Msg sent:|`)),
      'Msg sent reply',
    );
    const reply = app.received.find((p) => p.includes(`|${invite.txnId}|Msg sent:|`))!;
    expect(maskIds(reply)).toBe(maskIds(frameAt('b2bua-call', 17).payload));

    expect(h.sip.gw.deliverResponse(capturedResponse('b2bua-call', 18, invite.txnId))).toMatchObject({
      delivered: true,
    });
    expect(h.sip.gw.deliverResponse(capturedResponse('b2bua-call', 19, invite.txnId))).toMatchObject({
      delivered: true,
    });

    // srf ACKs the 2xx itself, inside the dialog named in the 200's delivery.
    const ack = await h.sip.requests.next((op) => op.method === 'ACK');
    expect([ack.kind, ack.dialogId]).toEqual(['in-dialog', DB]);
    expect(maskIds(await nextSent(app, (f) => f.includes('\r\nACK ')))).toBe(
      maskIds(frameAt('b2bua-call', 22).frame),
    );

    const uac = await uacP;
    expect(provisional).toEqual([180]);
    expect(uac.id).toBe(DB);
    expect(uac.sip).toEqual({
      callId: '2886bece-61b8-1240-5b9d-7a2463a0734c',
      localTag: 'N0ec9HKZ125Km',
      remoteTag: '1157SIPpTag011',
    });
    expect(uac.remote.sdp).toContain('m=audio 6004');

    const destroyed = uac.destroy();
    const bye = await h.sip.requests.next((op) => op.method === 'BYE');
    expect([bye.kind, bye.dialogId, bye.requestUri]).toEqual(['in-dialog', DB, 'sip:placeholder']);
    expect(maskIds(await nextSent(app, (f) => f.includes('\r\nBYE ')))).toBe(
      maskIds(frameAt('b2bua-call', 32).frame),
    );
    h.sip.gw.deliverResponse(capturedResponse('b2bua-call', 36, bye.txnId));
    await destroyed;
    // The final response ended the app's transaction.
    expect(h.sip.gw.deliverResponse(capturedResponse('b2bua-call', 36, bye.txnId))).toEqual({
      delivered: false,
      reason: 'no-owner',
    });
  });

  it('srf.request: an out-of-dialog OPTIONS and its response', async () => {
    const req = await srf.request('sip:b@127.0.0.1:5380', { method: 'OPTIONS', headers: { 'X-Probe': '1' } });
    const op = await h.sip.requests.next();
    expect([op.kind, op.method, req.stackTxnId, req.source]).toEqual([
      'new',
      'OPTIONS',
      op.txnId,
      'application',
    ]);
    expect(op.sip).toContain('X-Probe: 1\r\n');
    const got = new Promise<SrfResponse>((resolve) => req.on('response', resolve));
    h.sip.gw.deliverResponse({
      txnId: op.txnId,
      status: 200,
      dialogId: '',
      meta: { source: 'network', protocol: 'udp', address: '127.0.0.1', port: 5380 },
      sip: `SIP/2.0 200 OK\r\nCall-ID: opt-1\r\nCSeq: 1 OPTIONS\r\nAllow: INVITE, ACK, BYE\r\nContent-Length: 0\r\n\r\n`,
    });
    const res = await got;
    expect([res.status, res.get('Allow')]).toEqual([200, 'INVITE, ACK, BYE']);
  });

  it('an in-dialog request on an unknown dialog fails with ENODIALOG (captured NOK)', async () => {
    h.sip.onSendRequest = () => capturedResult('b2bua-cancel', 6);
    const err = await srf
      .request('sip:placeholder', { method: 'INFO', stackDialogId: 'no-such-call;from-tag=x' })
      .then(
        () => undefined,
        (e: Error & { code?: string }) => e,
      );
    expect(err?.code).toBe('ENODIALOG');
    expect(maskIds(app.sent.find((f) => f.includes('\r\nINFO '))!)).toBe(
      maskIds(frameAt('b2bua-cancel', 4).frame),
    );
    expect(maskIds(app.received.find((p) => p.includes('|NOK|'))!)).toBe(
      maskIds(frameAt('b2bua-cancel', 6).payload),
    );
  });

  it('CANCEL of the app’s INVITE names its transaction; the 487 ends the attempt', async () => {
    h.sip.onSendRequest = (op) =>
      op.method === 'ACK'
        ? capturedResult('b2bua-cancel', 20)
        : capturedResult('b2bua-cancel', op.method === 'INVITE' ? 9 : 17);
    let sentReq: SrfRequest | undefined;
    const uacP = srf
      .createUAC(
        'sip:service@127.0.0.1:5380',
        { localSdp: aSdp, callingNumber: 'sipp' },
        {
          cbRequest: (_err, req) => {
            sentReq = req;
          },
        },
      )
      .then(
        () => undefined,
        (e: Error & { status?: number }) => e,
      );
    const invite = await h.sip.requests.next((op) => op.method === 'INVITE');
    h.sip.gw.deliverResponse(capturedResponse('b2bua-cancel', 10, invite.txnId));
    await waitFor(() => sentReq !== undefined, 'cbRequest');
    sentReq!.cancel({ headers: { Reason: 'SIP;cause=200;text="Call completed elsewhere"' } });
    const cancel = await h.sip.requests.next((op) => op.method === 'CANCEL');
    expect([cancel.kind, cancel.cancelsTxnId, cancel.requestUri]).toEqual([
      'cancel',
      invite.txnId,
      'sip:service@127.0.0.1:5380',
    ]);
    expect(cancel.sip).toMatch(/\r\nReason: SIP;cause=200;text="Call completed elsewhere"\r\n/i);

    h.sip.gw.deliverResponse(capturedResponse('b2bua-cancel', 18, invite.txnId));
    const err = await uacP;
    expect(err?.status).toBe(487);
    // srf also ACKs the 487; the SIP layer refuses (the stack ACKs non-2xx itself), srf ignores the NOK.
    const ack = await h.sip.requests.next((op) => op.method === 'ACK');
    expect(ack.dialogId).toBe('5b493dc0-61b8-1240-3f90-7a2463a0734c;from-tag=NeecKp2198BZm');
  });
});
