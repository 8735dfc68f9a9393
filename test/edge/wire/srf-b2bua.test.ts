// The whole captured B2BUA call, end to end: an unmodified drachtio-srf app using
// srf.createB2BUA runs on the wire server. FakeSipSide stands in for the SIP layer
// (built separately) and plays both SIP peers from the capture. Every frame srf
// writes must be one of the captured A→S frames, apart from message ids.

import { afterEach, expect, it } from 'vitest';
import type { IncomingRequest, IncomingResponse } from '../../../src/edge/wire/sip-side.ts';
import { capturedDelivery, capturedResult, loadCapture, maskIds } from './captures.ts';
import { connectApp, type Harness, startHarness, waitFor, waitForRoutes } from './srf-harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** A captured delivery of this call, as the SIP layer raises it. */
function delivered(n: number): IncomingRequest & IncomingResponse {
  const d = capturedDelivery('b2bua-call', n);
  return { ...d, kind: d.receivedOn ? 'new' : 'in-dialog' };
}

const replyOf = (n: number) => capturedResult('b2bua-call', n);

type B2bApp = {
  invite(fn: (req: { calledNumber: string; body: string }, res: unknown) => void): void;
  createB2BUA(
    req: unknown,
    res: unknown,
    uri: string,
    opts: object,
  ): Promise<{ uas: { on(e: string, f: () => void): void }; uac: { destroy(): Promise<unknown> } }>;
};

it('srf.createB2BUA connects, and tears down on the caller’s BYE, exactly as captured', async () => {
  h = await startHarness();
  const app = await connectApp(h);
  const srf = app.srf as unknown as B2bApp;
  const ended = new Promise<void>((resolve) => {
    srf.invite((req, res) => {
      void srf
        .createB2BUA(req, res, `sip:${req.calledNumber}@127.0.0.1:5380`, { localSdpB: req.body })
        .then(({ uas, uac }) => uas.on('destroy', () => void uac.destroy().then(() => resolve())));
    });
  });
  await waitForRoutes(h, ['invite']);

  // The SIP layer's answers, as drachtio-server gave them in the capture.
  let inviteTxn = '';
  let byeTxn = '';
  h.sip.onSendRequest = (op) => {
    if (op.method === 'INVITE') inviteTxn = op.txnId;
    if (op.method === 'BYE') byeTxn = op.txnId;
    return replyOf(op.method === 'INVITE' ? 17 : op.method === 'ACK' ? 24 : 35);
  };
  h.sip.onSendResponse = (op) => replyOf(op.status === 180 ? 23 : op.txnId === delivered(29).txnId ? 33 : 26);

  h.sip.gw.deliverRequest(delivered(13)); // A's INVITE
  await waitFor(() => inviteTxn !== '', 'INVITE towards B');
  h.sip.gw.deliverResponse({ ...delivered(18), txnId: inviteTxn }); // B: 180
  h.sip.gw.deliverResponse({ ...delivered(19), txnId: inviteTxn }); // B: 200
  await h.sip.responses.next((op) => op.status === 200); // srf's 200 to A
  await waitFor(() =>
    app.received.some((p) => p.includes('|1-1182@127.0.0.1;from-tag=1182SIPpTag001||Msg sent:|')),
  );
  h.sip.gw.deliverRequest(delivered(28)); // A's ACK
  h.sip.gw.deliverRequest(delivered(29)); // A's BYE
  await waitFor(() => byeTxn !== '', 'BYE towards B');
  h.sip.gw.deliverResponse({ ...delivered(36), txnId: byeTxn }); // B: 200 to BYE
  await ended;

  const capturedAppFrames = loadCapture('b2bua-call')
    .filter((f) => f.dir === 'A->S' && f.payload.includes('|sip|'))
    .map((f) => maskIds(f.frame));
  const srfFrames = app.sent.filter((f) => f.includes('|sip|')).map(maskIds);
  expect(srfFrames.sort()).toEqual(capturedAppFrames.sort());
});
