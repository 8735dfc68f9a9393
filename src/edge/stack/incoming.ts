// Requests from the network: retransmissions to their server transaction,
// ACK and CANCEL matching (RFC 3261 §17.2.3, §9.2), in-dialog requests to
// their dialog (§12.2.2), new ones to an app through the gateway, and what
// drachtio-server does on its own (notes §4): 100 Trying, 503 without a
// route, 200 to OPTIONS, 481 for unknown dialogs, 200/487 for CANCEL.

import { randomUUID } from 'node:crypto';
import type { Dialog } from '../dialog/index.ts';
import { parseRAck } from '../dialog/index.ts';
import type { SipMessage } from '../sip/index.ts';
import { values } from '../sip/index.ts';
import type { ServerTransaction } from '../transaction/index.ts';
import { InviteServerTransaction, newTag, serverKey } from '../transaction/index.ts';
import { transportForFlow } from '../transport/registry.ts';
import type { Flow } from '../transport/types.ts';
import { isReliable } from '../transport/types.ts';
import type { ServerEntry, StackContext } from './context.ts';
import { receivedMeta, releaseRequest, sender } from './context.ts';
import { appView } from './tls-peer-header.ts';
import { endDialog, onAckTimeout } from './dialog-ops.ts';
import { forwardAck, forwardRouted, isProxiedDialog } from './proxy.ts';
import { localResponse, responseTarget, responseVias } from './responses.ts';

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, UPDATE, INFO, REFER, NOTIFY, SUBSCRIBE, MESSAGE';

/** Creates the server transaction and its entry for a request that is not a retransmission. */
function openServer(
  ctx: StackContext,
  msg: SipMessage,
  flow: Flow,
  key: string,
  dialog: Dialog | undefined,
): ServerEntry {
  const transport = transportForFlow(ctx.registry, flow)!;
  const target = responseTarget(msg, flow);
  const cseq = values.cseq(msg);
  const entry: ServerEntry = {
    txnId: randomUUID(),
    txn: undefined as unknown as ServerTransaction,
    request: msg,
    method: msg.method,
    flow,
    transport,
    target,
    viaLines: responseVias(msg, flow),
    toTag: dialog?.localTag ?? newTag(),
    dialog,
    initialInvite: false,
    seq: cseq.ok ? cseq.value.seq : 0,
    createdAt: Date.now(),
  };
  entry.txn = ctx.txns.createServer({
    key,
    reliable: isReliable(flow.protocol),
    timers: ctx.opts.timers,
    send: sender(ctx, target),
    request: msg,
    user: {
      onTimeout: () => {
        if (entry.txn instanceof InviteServerTransaction && entry.txn.state === 'accepted')
          onAckTimeout(ctx, entry);
      },
      onTerminated: () => {
        if (ctx.servers.get(entry.txnId) === entry) ctx.servers.delete(entry.txnId);
      },
    },
  });
  ctx.entryOfTxn.set(entry.txn, entry);
  return entry;
}

function respondLocally(entry: ServerEntry, status: number, reason: string, extra = ''): void {
  entry.txn.respond(localResponse(entry, status, reason, extra), status);
  if (status >= 200) releaseRequest(entry);
}

export function handleRequest(ctx: StackContext, msg: SipMessage, flow: Flow): void {
  const method = msg.method;
  const key = serverKey(msg);
  if (key === null) return;
  const existing = ctx.txns.server.get(key);
  if (method === 'ACK') {
    // The ACK of a non-2xx final matches the INVITE transaction (§17.2.3); a 2xx ACK is its own request.
    if (existing instanceof InviteServerTransaction && existing.lastStatus >= 300) {
      existing.receiveRequest(msg);
      return;
    }
    handleAck(ctx, msg, flow);
    return;
  }
  if (existing !== undefined) {
    existing.receiveRequest(msg);
    return;
  }
  if (method === 'CANCEL') {
    handleCancel(ctx, msg, flow, key);
    return;
  }
  const to = values.to(msg);
  const from = values.from(msg);
  if (!to.ok || !from.ok) return;
  if (to.value.tag !== null) {
    handleInDialog(ctx, msg, flow, key, from.value.tag ?? '', to.value.tag);
    return;
  }
  handleNew(ctx, msg, flow, key);
}

function handleNew(ctx: StackContext, msg: SipMessage, flow: Flow, key: string): void {
  const method = msg.method;
  if (!ctx.limiter.allow(flow.remote.host)) {
    ctx.rejects.report(
      `rate|${flow.remote.host}`,
      { source: `${flow.remote.host}:${flow.remote.port}`, method },
      'request rate limit exceeded: dropping new requests from this source',
    );
    return;
  }
  const entry = openServer(ctx, msg, flow, key, undefined);
  if (method === 'BYE' || method === 'UPDATE' || method === 'PRACK') {
    respondLocally(entry, 481, 'Call/Transaction Does Not Exist');
    return;
  }
  const mf = values.maxForwards(msg);
  if (mf.ok && mf.value === 0 && method !== 'OPTIONS') {
    respondLocally(entry, 483, 'Too Many Hops');
    return;
  }
  // drachtio-server sends 100 Trying before the app sees the INVITE (notes §4.1).
  if (method === 'INVITE') respondLocally(entry, 100, 'Trying');
  entry.initialInvite = method === 'INVITE';
  ctx.servers.set(entry.txnId, entry);
  const sip = appView(msg, flow);
  const outcome = ctx.gateway.deliverRequest({
    kind: 'new',
    method,
    txnId: entry.txnId,
    dialogId: '',
    meta: receivedMeta(flow, msg.raw.length),
    receivedOn: { host: flow.local.host, port: flow.local.port },
    sip,
  });
  if (!outcome.delivered) {
    ctx.servers.delete(entry.txnId);
    if (method === 'OPTIONS' && ctx.opts.answerOptions) {
      respondLocally(entry, 200, 'OK', `Allow: ${ALLOW}\r\nAccept: application/sdp\r\n`);
    } else {
      respondLocally(entry, 503, 'Service Unavailable');
      if (method === 'INVITE' && ctx.opts.cdrs)
        ctx.gateway.cdr({ kind: 'stop', source: 'application', reason: 'call-rejected', sip });
    }
    return;
  }
  if (method === 'INVITE' && ctx.opts.cdrs) ctx.gateway.cdr({ kind: 'attempt', source: 'network', sip });
}

function handleInDialog(
  ctx: StackContext,
  msg: SipMessage,
  flow: Flow,
  key: string,
  fromTag: string,
  toTag: string,
): void {
  const callId = msg.get('call-id') ?? '';
  const d = ctx.dialogs.matchRequest(callId, fromTag, toTag);
  const entry = openServer(ctx, msg, flow, key, d);
  entry.toTag = toTag;
  if (d === undefined && isProxiedDialog(ctx, callId)) {
    forwardRouted(ctx, entry, msg);
    return;
  }
  if (d === undefined || d.state === 'terminated') {
    respondLocally(entry, 481, 'Call/Transaction Does Not Exist');
    return;
  }
  // §12.2.2: a lower CSeq than the last one is out of order.
  if (entry.seq <= d.remoteSeq && d.remoteSeq >= 0 && msg.method !== 'PRACK') {
    respondLocally(entry, 500, 'Server Internal Error', 'Retry-After: 1\r\n');
    return;
  }
  d.remoteSeq = Math.max(d.remoteSeq, entry.seq);
  const method = msg.method;
  let txnId = entry.txnId;
  if (method === 'INVITE') {
    if (d.inviteInProgress || d.awaitingAck.size > 0) {
      // §14.2: an INVITE while another is unfinished in this dialog.
      respondLocally(entry, 491, 'Request Pending');
      return;
    }
    d.inviteInProgress = true;
    respondLocally(entry, 100, 'Trying');
  } else if (method === 'PRACK') {
    const rack = parseRAck(msg.get('rack'));
    if (rack !== null) d.reliable?.prack(rack);
  } else if (method === 'UPDATE' && d.state === 'early' && d.role === 'uas' && d.inviteTxnId !== '') {
    // An UPDATE before the INVITE's 2xx travels under the INVITE's txnId (notes §3.3).
    txnId = d.inviteTxnId;
    ctx.servers.set(`${txnId}|UPDATE`, entry);
  } else if (method === 'BYE') {
    d.ending = true;
  }
  if (txnId === entry.txnId) ctx.servers.set(txnId, entry);
  const sip = appView(msg, flow);
  const outcome = ctx.gateway.deliverRequest({
    kind: 'in-dialog',
    method,
    txnId,
    dialogId: d.id,
    meta: receivedMeta(flow, msg.raw.length),
    sip,
  });
  if (method === 'BYE') {
    if (ctx.opts.cdrs) ctx.gateway.cdr({ kind: 'stop', source: 'network', reason: 'normal-release', sip });
    endDialog(ctx, d);
  }
  if (!outcome.delivered) {
    ctx.servers.delete(txnId === entry.txnId ? txnId : `${txnId}|UPDATE`);
    if (method === 'INVITE') d.inviteInProgress = false;
    respondLocally(entry, 481, 'Call/Transaction Does Not Exist');
  }
}

/** ACK for a 2xx: stops the 2xx retransmission and goes to the app (§13.3.1.4). */
function handleAck(ctx: StackContext, msg: SipMessage, flow: Flow): void {
  const to = values.to(msg);
  const from = values.from(msg);
  const cseq = values.cseq(msg);
  if (!to.ok || !from.ok || !cseq.ok || to.value.tag === null) return;
  const callId = msg.get('call-id') ?? '';
  const d = ctx.dialogs.matchRequest(callId, from.value.tag ?? '', to.value.tag);
  if (d === undefined) {
    if (isProxiedDialog(ctx, callId)) forwardAck(ctx, msg);
    return;
  }
  const waiting = d.awaitingAck.get(cseq.value.seq);
  if (waiting === undefined || waiting.txn.acked) return;
  waiting.txn.ackFor2xx();
  d.awaitingAck.delete(cseq.value.seq);
  ctx.gateway.deliverRequest({
    kind: 'in-dialog',
    method: 'ACK',
    txnId: waiting.txnId ?? randomUUID(),
    dialogId: d.id,
    meta: receivedMeta(flow, msg.raw.length),
    sip: appView(msg, flow),
  });
}

/** CANCEL (§9.2): 200 to it; 487 to the INVITE if unanswered, and the app is told. */
function handleCancel(ctx: StackContext, msg: SipMessage, flow: Flow, key: string): void {
  const inviteKey = serverKey(msg, 'INVITE');
  const invite = inviteKey === null ? undefined : ctx.txns.server.get(inviteKey);
  const entry = openServer(ctx, msg, flow, key, undefined);
  if (!(invite instanceof InviteServerTransaction)) {
    respondLocally(entry, 481, 'Call/Transaction Does Not Exist');
    return;
  }
  const inviteEntry = ctx.entryOfTxn.get(invite);
  if (inviteEntry !== undefined) entry.toTag = inviteEntry.toTag;
  respondLocally(entry, 200, 'OK');
  if (invite.answered || inviteEntry === undefined) return;
  if (inviteEntry.proxy !== undefined) {
    // A proxied INVITE: the branches are cancelled; the app is not involved (§16.10).
    inviteEntry.proxy.cancel(msg.get('reason'));
    if (ctx.opts.cdrs)
      ctx.gateway.cdr({ kind: 'stop', source: 'network', reason: 'call-canceled', sip: appView(msg, flow) });
    return;
  }
  invite.respond(localResponse(inviteEntry, 487, 'Request Terminated'), 487);
  releaseRequest(inviteEntry);
  const d = inviteEntry.dialog;
  const sip = appView(msg, flow);
  ctx.gateway.deliverRequest({
    kind: 'cancel',
    method: 'CANCEL',
    txnId: inviteEntry.txnId,
    dialogId: d?.id ?? '',
    meta: receivedMeta(flow, msg.raw.length),
    sip,
  });
  if (ctx.opts.cdrs) ctx.gateway.cdr({ kind: 'stop', source: 'network', reason: 'call-canceled', sip });
  ctx.servers.delete(inviteEntry.txnId);
  ctx.gateway.transactionEnded(inviteEntry.txnId);
  if (d !== undefined) endDialog(ctx, d);
}
