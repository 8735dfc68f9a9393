// Client transactions for requests the app sent, and what happens to their
// responses: dialogs are created or confirmed, the app gets every response
// but 100 Trying (with the UAC dialog id when it has a To tag), timeouts and
// transport failures come back as locally made 408/503 (RFC 3261 §8.1.3.1),
// and retransmitted 2xx get our ACK again (§13.2.2.4).

import type { SipMessage } from '../sip/index.ts';
import { buildErrorResponse, parseMessage, values } from '../sip/index.ts';
import type { ClientTransactionUser } from '../transaction/index.ts';
import { clientKey } from '../transaction/index.ts';
import type { Flow, Target, Transport } from '../transport/types.ts';
import { isReliable } from '../transport/types.ts';
import type { ClientEntry, StackContext } from './context.ts';
import { defaultContact, messageFlow, receivedMeta, sender } from './context.ts';
import { createUacDialog, endDialog, updateUacDialog } from './dialog-ops.ts';
import { appText } from './app-text.ts';

export interface ClientStart {
  txnId: string;
  method: string;
  text: string;
  branch: string;
  transport: Transport;
  target: Target;
  entry: Omit<ClientEntry, 'txn' | 'txnId' | 'method' | 'transport' | 'target' | 'finalSeen'>;
  /** Report responses to the app (false for CANCEL and the edge's own BYEs). */
  report: boolean;
}

/** Creates the client transaction, records the entry and sends. */
export function startClient(ctx: StackContext, s: ClientStart): ClientEntry {
  const bytes = Buffer.from(s.text, 'utf8');
  const entry = {
    ...s.entry,
    txnId: s.txnId,
    method: s.method,
    transport: s.transport,
    target: s.target,
    finalSeen: false,
  } as ClientEntry;
  const user = clientUser(ctx, entry, s.report);
  const reliable = isReliable(s.target.protocol);
  let onError: (err: Error) => void = () => {};
  const send = sender(ctx, s.target, (err) => onError(err));
  const key = clientKey(s.branch, s.method);
  if (s.method === 'INVITE') {
    entry.txn = ctx.txns.createInviteClient({
      key,
      reliable,
      timers: ctx.opts.timers,
      send,
      request: bytes,
      user,
      buildAck: (res) => Buffer.from(nonSuccessAck(entry, res), 'utf8'),
    });
  } else {
    entry.txn = ctx.txns.createNonInviteClient({
      key,
      reliable,
      timers: ctx.opts.timers,
      send,
      request: bytes,
      user,
    });
  }
  const txn = entry.txn;
  onError = (err) => txn.transportError(err);
  if (s.report) ctx.clients.set(s.txnId, entry);
  txn.start();
  return entry;
}

/** ACK for a non-2xx final: the INVITE's Request-URI, top Via, From, Call-ID, CSeq number, Route; the response's To (§17.1.1.3). */
function nonSuccessAck(e: ClientEntry, res: SipMessage): string {
  let s = `ACK ${e.requestUri} SIP/2.0\r\nVia: ${e.topVia}\r\nMax-Forwards: 70\r\n`;
  for (const r of e.routes) s += `Route: ${r}\r\n`;
  s += `From: ${e.from}\r\nTo: ${res.get('to') ?? e.to}\r\nCall-ID: ${e.callId}\r\nCSeq: ${e.seq} ACK\r\nContent-Length: 0\r\n\r\n`;
  return s;
}

function clientUser(ctx: StackContext, e: ClientEntry, report: boolean): ClientTransactionUser {
  return {
    onResponse: (res) => onResponse(ctx, e, res, report),
    onTimeout: () => localFailure(ctx, e, 408, 'Request Timeout', report),
    onTransportError: (err) => {
      ctx.log.debug(
        { err: err.message, to: `${e.target.host}:${e.target.port}` },
        'request could not be sent',
      );
      localFailure(ctx, e, 503, 'Service Unavailable', report);
    },
    onTerminated: () => {
      if (ctx.clients.get(e.txnId) === e) ctx.clients.delete(e.txnId);
    },
  };
}

function flowOf(e: ClientEntry, res: SipMessage): Flow {
  return (
    messageFlow.get(res) ?? {
      protocol: e.target.protocol,
      remote: { host: e.target.host, port: e.target.port },
      local: e.transport.local,
      connectionId: e.target.connectionId,
    }
  );
}

function onResponse(ctx: StackContext, e: ClientEntry, res: SipMessage, report: boolean): void {
  const status = res.status;
  if (status === 100) return;
  const flow = flowOf(e, res);
  let dialogId = '';
  const makesDialog = e.createsDialog && status < 300;
  if (makesDialog) {
    const to = values.to(res);
    if (to.ok && to.value.tag !== null) {
      if (e.dialog === undefined) e.dialog = createUacDialog(ctx, e, res, flow, defaultContact(e.transport));
      else if (e.dialog.state === 'confirmed' && status >= 200) {
        // A retransmitted (or forked) 2xx: ACK it again, the app has seen it (§13.2.2.4).
        const ack = e.dialog.lastAck;
        if (ack !== undefined && ack.seq === e.seq) ctx.registry.send(ack.bytes, ack.target);
        return;
      } else updateUacDialog(e.dialog, res, flow);
      dialogId = e.dialog.id;
      // RFC 3262 §4: a reliable provisional already seen is not reported twice.
      const rseq = Number(res.get('rseq') ?? Number.NaN);
      if (status < 200 && Number.isInteger(rseq)) {
        if (rseq <= e.dialog.lastRSeq) return;
        e.dialog.lastRSeq = rseq;
      }
    }
  } else if (
    e.method === 'INVITE' &&
    e.dialog !== undefined &&
    !e.createsDialog &&
    status >= 200 &&
    status < 300
  ) {
    // 2xx to a re-INVITE: a retransmission gets the stored ACK again.
    const ack = e.dialog.lastAck;
    if (e.finalSeen) {
      if (ack !== undefined && ack.seq === e.seq) ctx.registry.send(ack.bytes, ack.target);
      return;
    }
    dialogId = e.dialog.id;
  } else if (e.dialog !== undefined && status < 300) {
    dialogId = e.dialog.id;
  }
  if (status >= 200) e.finalSeen = true;
  const sip = appText(res);
  if (report) {
    ctx.gateway.deliverResponse({
      txnId: e.txnId,
      status,
      dialogId,
      meta: receivedMeta(flow, res.raw.length),
      sip,
    });
  }
  if (e.method === 'INVITE' && e.createsDialog && ctx.opts.cdrs && status >= 200) {
    if (status < 300) ctx.gateway.cdr({ kind: 'start', source: 'network', role: 'uac', sip });
    else
      ctx.gateway.cdr({
        kind: 'stop',
        source: 'network',
        reason: status === 487 ? 'call-canceled' : 'call-rejected',
        sip,
      });
  }
  afterFinal(ctx, e, status);
}

/** Dialog bookkeeping once a request is over. */
function afterFinal(ctx: StackContext, e: ClientEntry, status: number): void {
  if (status < 200) return;
  const d = e.dialog;
  if (d === undefined) return;
  if (e.createsDialog && status >= 300) endDialog(ctx, d);
  else if (e.method === 'BYE') endDialog(ctx, d);
  // §12.2.1.2: a 481 or 408 to an in-dialog request ends the dialog.
  else if (!e.createsDialog && (status === 481 || status === 408) && e.method !== 'ACK') endDialog(ctx, d);
}

/** The response the edge reports when no response came (408) or the request could not be sent (503). */
function localFailure(
  ctx: StackContext,
  e: ClientEntry,
  status: number,
  reason: string,
  report: boolean,
): void {
  if (e.finalSeen) return;
  e.finalSeen = true;
  const req = parseMessage(e.txn.request);
  let sip = '';
  if (req.ok) {
    const built = buildErrorResponse(req.message, { status, reason, canRespond: true });
    if (built !== 'drop') sip = built.toString('utf8');
  }
  if (report && sip !== '') {
    ctx.gateway.deliverResponse({
      txnId: e.txnId,
      status,
      dialogId: '',
      // srf only matches responses whose source is `network` to its pending request.
      meta: { source: 'network', protocol: e.target.protocol, address: e.target.host, port: e.target.port },
      sip,
    });
  }
  if (e.method === 'INVITE' && e.createsDialog && ctx.opts.cdrs && sip !== '')
    ctx.gateway.cdr({ kind: 'stop', source: 'application', reason: 'call-rejected', sip });
  afterFinal(ctx, e, status);
}
