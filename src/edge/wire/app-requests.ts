// A→S `sip` and `proxy` messages: decide what the app asks for, call the SIP
// layer, and answer with the `response` frame drachtio-server would send.

import { randomUUID } from 'node:crypto';
import type { AppConnection, WireLogger } from './app-connection.ts';
import type { ProxyMessage, SipMessageFromApp } from './app-messages.ts';
import { sanitizeField } from './meta.ts';
import type { WireReply } from './server-messages.ts';
import type {
  ProxyOp,
  ProxyResult,
  ReportedMeta,
  SendRequestOp,
  SendRequestResult,
  SendResponseResult,
  SipFailure,
  SipSide,
} from './sip-side.ts';
import { cseqMethod } from './start-line.ts';
import { completeMeta, type WireState } from './wire-state.ts';

export class AppRequestHandler {
  readonly #state: WireState;
  readonly #sip: SipSide;
  readonly #log: WireLogger;

  constructor(state: WireState, sip: SipSide, log: WireLogger) {
    this.#state = state;
    this.#sip = sip;
    this.#log = log;
  }

  /** Dispatch order of drachtio-server (src/client.cpp): response, in-dialog, CANCEL, new request. */
  handleSip(conn: AppConnection, msg: SipMessageFromApp): void {
    const line = msg.startLine;
    if (msg.sip.startsWith('SIP/')) {
      if (msg.txnId === '') {
        // drachtio-server drops an app that answers without a transaction id.
        conn.refuseAndDrop(msg.id, 'transaction id missing');
      } else if (line?.kind !== 'response') {
        conn.reply(msg.id, nok('malformed status line'));
      } else {
        void this.#sendResponse(conn, msg, line.status, line.reason);
      }
      return;
    }
    if (line?.kind !== 'request') {
      conn.reply(msg.id, nok('malformed request line'));
      return;
    }
    let kind: SendRequestOp['kind'] = 'new';
    if (msg.dialogId !== '') kind = 'in-dialog';
    else if (msg.txnId !== '') {
      if (line.method !== 'CANCEL') {
        // drachtio-server asserts on this case; a clear NOK is kinder to the app.
        conn.reply(msg.id, nok(`${line.method} with a transaction id must be a CANCEL`));
        return;
      }
      kind = 'cancel';
    }
    void this.#sendRequest(conn, msg, {
      connectionId: conn.id,
      kind,
      txnId: randomUUID(),
      dialogId: kind === 'in-dialog' ? msg.dialogId : undefined,
      cancelsTxnId: kind === 'cancel' ? msg.txnId : undefined,
      outboundProxy: kind === 'new' && msg.routeUri ? msg.routeUri : undefined,
      method: line.method,
      requestUri: line.uri,
      sip: msg.sip,
    });
  }

  async #sendRequest(conn: AppConnection, msg: SipMessageFromApp, op: SendRequestOp): Promise<void> {
    const state = this.#state;
    // Responses only come back for requests other than ACK and CANCEL (the 200 to a
    // CANCEL is never delivered; srf does not track it either).
    const expectsResponses = op.method !== 'ACK' && op.method !== 'CANCEL';
    if (expectsResponses) state.outbound.set(op.txnId, conn, undefined);
    state.gate.hold(op.txnId);
    const result = await this.#call(
      () => this.#sip.sendRequest(op),
      (m): SendRequestResult => sipFailure(`Server error: ${m}`),
    );
    if (!result.ok) {
      state.outbound.delete(op.txnId);
      conn.reply(msg.id, nok(result.reason));
      state.gate.release(op.txnId, true);
      return;
    }
    conn.reply(msg.id, {
      kind: 'request-sent',
      meta: completeMeta(result.meta, result.sent),
      txnId: op.txnId,
      sip: result.sent,
    });
    state.gate.release(op.txnId);
  }

  async #sendResponse(
    conn: AppConnection,
    msg: SipMessageFromApp,
    status: number,
    reason: string,
  ): Promise<void> {
    const state = this.#state;
    const txnId = msg.txnId;
    state.gate.hold(txnId);
    const result = await this.#call(
      () => this.#sip.sendResponse({ connectionId: conn.id, txnId, status, reason, sip: msg.sip }),
      (m): SendResponseResult => sipFailure(`Unknown server error sending response: ${m}`),
    );
    if (!result.ok) {
      conn.reply(msg.id, nok(result.reason));
      state.gate.release(txnId);
      return;
    }
    // The app may have gone while the SIP layer worked: do not record a dead owner.
    if (result.dialogId !== '' && !conn.closed) state.dialogs.set(result.dialogId, conn, undefined);
    if (status >= 200) {
      const entry = state.inbound.get(txnId);
      // A 2xx to an early UPDATE reuses the INVITE's txnId: only a final for the
      // delivered request's own method ends it.
      if (entry && (cseqMethod(msg.sip) ?? entry.value.method) === entry.value.method)
        state.inbound.delete(txnId);
    }
    conn.reply(msg.id, {
      kind: 'response-sent',
      meta: completeMeta(result.meta, result.sent),
      txnId,
      dialogId: result.dialogId,
      sip: result.sent,
    });
    state.gate.release(txnId);
  }

  handleProxy(conn: AppConnection, msg: ProxyMessage): void {
    void this.#proxy(conn, msg);
  }

  async #proxy(conn: AppConnection, msg: ProxyMessage): Promise<void> {
    const { type: _type, id: _id, ...fields } = msg;
    const op: ProxyOp = { ...fields, connectionId: conn.id };
    const onResponse = (r: { meta: ReportedMeta; sip: string }): void => {
      if (!msg.fullResponse) return;
      conn.reply(msg.id, { kind: 'proxy-response', meta: completeMeta(r.meta, r.sip), sip: r.sip });
    };
    const result = await this.#call(
      () => this.#sip.proxy(op, onResponse),
      (m): ProxyResult => sipFailure(`error proxying request to ${msg.destinations.join(',')}: ${m}`),
    );
    if (!result.ok) {
      conn.reply(msg.id, nok(result.reason));
      return;
    }
    this.#state.inbound.delete(msg.txnId);
    conn.reply(msg.id, { kind: 'proxy-done' });
  }

  /** A throwing SIP layer must cost one NOK, never the connection or the process. */
  async #call<R>(fn: () => R | Promise<R>, onError: (message: string) => R): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.#log.warn({ err: message }, 'SIP side failed an app operation');
      return onError(message);
    }
  }
}

/** `NOK|<reason>`: reasons come from SIP code and peers, so make them fit in one field. */
function nok(reason: string): WireReply {
  return { kind: 'failed', reason: sanitizeField(reason) };
}

function sipFailure(reason: string): SipFailure {
  return { ok: false, reason };
}
