// The wire server's face toward the SIP layer: turns SIP events into S→A frames
// and picks the app that gets each one.

import { randomUUID } from 'node:crypto';
import type { AppConnection } from './app-connection.ts';
import { stackTime } from './meta.ts';
import type { CdrMessage, SipDelivery } from './server-messages.ts';
import type { AppGateway, CdrEvent, DeliveryOutcome, IncomingRequest, IncomingResponse } from './sip-side.ts';
import { completeMeta, type WireState } from './wire-state.ts';

const NO_ROUTE: DeliveryOutcome = { delivered: false, reason: 'no-route' };
const NO_OWNER: DeliveryOutcome = { delivered: false, reason: 'no-owner' };

export class WireGateway implements AppGateway {
  readonly #state: WireState;
  readonly #cdrs: boolean;

  constructor(state: WireState, cdrs: boolean) {
    this.#state = state;
    this.#cdrs = cdrs;
  }

  deliverRequest(req: IncomingRequest): DeliveryOutcome {
    const state = this.#state;
    const conn = this.#pickForRequest(req);
    if (!conn) return req.kind === 'new' ? NO_ROUTE : NO_OWNER;

    const unsolicited = req.kind === 'unsolicited';
    // Requests the app will answer: remember who has them, so a CANCEL (or an early
    // UPDATE, which reuses the INVITE's txnId) finds the same app.
    if (
      (req.kind === 'new' || req.kind === 'in-dialog') &&
      req.method !== 'ACK' &&
      !state.inbound.get(req.txnId)
    ) {
      state.inbound.set(req.txnId, conn, { method: req.method });
    }
    const frame: SipDelivery = {
      type: 'sip',
      id: randomUUID(),
      meta: completeMeta(unsolicited ? { ...req.meta, source: 'application' } : req.meta, req.sip),
      txnId: unsolicited ? 'unsolicited' : req.txnId,
      dialogId: req.dialogId,
      receivedOn: req.kind === 'new' ? req.receivedOn : undefined,
      sip: req.sip,
    };
    if (state.gate.run(req.txnId, () => conn.send(frame)) === false) return NO_OWNER;
    return { delivered: true, connectionId: conn.id };
  }

  #pickForRequest(req: IncomingRequest): AppConnection | undefined {
    const { routes, inbound, dialogs } = this.#state;
    const live = (c: AppConnection | undefined): AppConnection | undefined =>
      c && !c.closed ? c : undefined;
    switch (req.kind) {
      case 'new':
        return live(routes.pick(req.method));
      case 'cancel':
        return live(
          inbound.get(req.txnId)?.conn ?? (req.dialogId ? dialogs.get(req.dialogId)?.conn : undefined),
        );
      case 'in-dialog':
        return live(dialogs.get(req.dialogId)?.conn ?? inbound.get(req.txnId)?.conn);
      case 'unsolicited':
        return live(dialogs.get(req.dialogId)?.conn);
    }
  }

  deliverResponse(res: IncomingResponse): DeliveryOutcome {
    const state = this.#state;
    const owner = state.outbound.get(res.txnId);
    if (!owner || owner.conn.closed) return NO_OWNER;
    const conn = owner.conn;
    if (res.dialogId !== '') state.dialogs.set(res.dialogId, conn, undefined);
    if (res.status >= 200) state.outbound.delete(res.txnId);
    const frame: SipDelivery = {
      type: 'sip',
      id: randomUUID(),
      meta: completeMeta(res.meta, res.sip),
      txnId: res.txnId,
      dialogId: res.dialogId,
      receivedOn: undefined,
      sip: res.sip,
    };
    if (state.gate.run(res.txnId, () => conn.send(frame)) === false) return NO_OWNER;
    return { delivered: true, connectionId: conn.id };
  }

  cdr(ev: CdrEvent): void {
    if (!this.#cdrs) return;
    const conn = this.#state.routes.pick(`cdr:${ev.kind}`);
    if (!conn || conn.closed) return;
    const base = { id: randomUUID(), source: ev.source, time: ev.time ?? stackTime(), sip: ev.sip };
    let msg: CdrMessage;
    if (ev.kind === 'attempt') msg = { type: 'cdr:attempt', ...base };
    else if (ev.kind === 'start') msg = { type: 'cdr:start', ...base, role: ev.role };
    else msg = { type: 'cdr:stop', ...base, reason: ev.reason };
    conn.send(msg);
  }

  dialogEnded(dialogId: string): void {
    this.#state.dialogs.delete(dialogId);
  }

  transactionEnded(txnId: string): void {
    this.#state.inbound.delete(txnId);
    this.#state.outbound.delete(txnId);
  }
}
