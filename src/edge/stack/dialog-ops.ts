// Creating and ending dialogs as the stack sees them, and the teardown
// drachtio-server does by itself when the ACK of a 2xx never comes (notes §4.5).

import { Dialog } from '../dialog/index.ts';
import type { SipMessage } from '../sip/index.ts';
import { values } from '../sip/index.ts';
import type { Flow } from '../transport/types.ts';
import type { ClientEntry, ServerEntry, StackContext } from './context.ts';
import { sentMeta } from './context.ts';
import { sendInDialog } from './in-dialog.ts';

function contactUri(msg: SipMessage): string | undefined {
  const c = values.contact(msg);
  if (!c.ok || c.value === null || c.value.star) return undefined;
  return c.value.addresses[0]?.uri.raw;
}

/** UAS dialog from the request and our first response with a tag (§12.1.1). */
export function createUasDialog(
  ctx: StackContext,
  e: ServerEntry,
  confirmed: boolean,
  localContact: string,
): Dialog {
  const req = e.request;
  const from = values.from(req);
  const d = new Dialog({
    role: 'uas',
    callId: req.get('call-id') ?? '',
    localTag: e.toTag,
    remoteTag: from.ok ? (from.value.tag ?? '') : '',
    localHeader: `${req.get('to') ?? ''};tag=${e.toTag}`,
    remoteHeader: req.get('from') ?? '',
    localSeq: 1 + Math.floor(Math.random() * 10_000),
    remoteSeq: e.seq,
    remoteTarget: contactUri(req) ?? req.requestUriText,
    routeSet: req.getAll('record-route').flatMap((v) => v.split(/,(?![^<]*>)/).map((x) => x.trim())),
    localContact,
    flow: e.flow,
    state: confirmed ? 'confirmed' : 'early',
  });
  d.inviteTxnId = e.txnId;
  ctx.dialogs.add(d);
  e.dialog = d;
  return d;
}

/** UAC dialog from our request and a response with a To tag (§12.1.2). */
export function createUacDialog(
  ctx: StackContext,
  c: ClientEntry,
  res: SipMessage,
  flow: Flow,
  localContact: string,
): Dialog {
  const to = values.to(res);
  const rr = res.getAll('record-route').flatMap((v) => v.split(/,(?![^<]*>)/).map((x) => x.trim()));
  const d = new Dialog({
    role: 'uac',
    callId: c.callId,
    localTag: /;\s*tag=([^;>\s]+)/i.exec(c.from)?.[1] ?? '',
    remoteTag: to.ok ? (to.value.tag ?? '') : '',
    localHeader: c.from,
    remoteHeader: res.get('to') ?? c.to,
    localSeq: c.seq,
    remoteSeq: -1,
    remoteTarget: contactUri(res) ?? c.requestUri,
    routeSet: rr.reverse(),
    localContact,
    flow,
    state: res.status >= 200 ? 'confirmed' : 'early',
  });
  d.inviteTxnId = c.txnId;
  d.inviteSeq = c.seq;
  ctx.dialogs.add(d);
  return d;
}

/** A later response of the same INVITE updates the dialog: 2xx confirms it with its tag and target (§12.1.2). */
export function updateUacDialog(d: Dialog, res: SipMessage, flow: Flow): void {
  if (res.status < 200 || res.status >= 300 || d.state === 'confirmed') return;
  const to = values.to(res);
  if (to.ok && to.value.tag !== null) d.remoteTag = to.value.tag;
  d.remoteHeader = res.get('to') ?? d.remoteHeader;
  d.remoteTarget = contactUri(res) ?? d.remoteTarget;
  d.routeSet = res
    .getAll('record-route')
    .flatMap((v) => v.split(/,(?![^<]*>)/).map((x) => x.trim()))
    .reverse();
  d.flow = flow;
  d.state = 'confirmed';
}

export function endDialog(ctx: StackContext, d: Dialog): void {
  if (d.state === 'terminated') return;
  d.state = 'terminated';
  d.reliable?.stop();
  // A BYE that overtook the ACK: the 2xx need not be retransmitted any more.
  for (const waiting of d.awaitingAck.values()) waiting.txn.ackFor2xx();
  d.awaitingAck.clear();
  ctx.dialogs.delete(d);
  ctx.gateway.dialogEnded(d.id);
}

/** 64·T1 without the ACK of our 2xx: BYE to the peer, an `unsolicited` BYE to the app (notes §4.5). */
export function onAckTimeout(ctx: StackContext, e: ServerEntry): void {
  const d = e.dialog;
  if (d === undefined || d.state === 'terminated') return;
  ctx.log.info(
    { dialog: d.id, peer: `${e.flow.remote.host}:${e.flow.remote.port}` },
    'no ACK for 2xx: ending the call',
  );
  void sendInDialog(ctx, d, 'BYE', undefined, 'Reason: SIP ;cause=200 ;text="ACK timeout"\r\n').then(
    (sent) => {
      if (!sent.ok) return;
      ctx.gateway.deliverRequest({
        kind: 'unsolicited',
        method: 'BYE',
        txnId: 'unsolicited',
        dialogId: d.id,
        meta: sentMeta(
          e.flow.protocol,
          e.transport.local.host,
          e.transport.local.port,
          Buffer.byteLength(sent.sent),
        ),
        sip: sent.sent,
      });
      if (ctx.opts.cdrs)
        ctx.gateway.cdr({
          kind: 'stop',
          source: 'application',
          reason: 'system-initiated-termination',
          sip: sent.sent,
        });
      endDialog(ctx, d);
    },
  );
}
