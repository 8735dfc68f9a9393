// The SIP stack behind the wire server: implements SipSide over the
// transports, transaction and dialog layers. Every received message is
// parsed once (lazily, by the transport) and validated here; bad input is
// answered (or dropped) and logged once per source and message.

import type { Logger } from 'pino';
import { DialogTable } from '../dialog/index.ts';
import type { ParseResult, SipError, SipMessage, ValidateOptions } from '../sip/index.ts';
import { buildErrorResponse, validateRequest, validateResponse, values } from '../sip/index.ts';
import { TransactionLayer } from '../transaction/index.ts';
import { TransportRegistry } from '../transport/registry.ts';
import type { Flow, TransportSink } from '../transport/types.ts';
import type {
  AppGateway,
  ProxiedResponse,
  ProxyOp,
  ProxyResult,
  SendRequestOp,
  SendRequestResult,
  SendResponseOp,
  SendResponseResult,
  SipSide,
  SipTransportInfo,
} from '../wire/sip-side.ts';
import type { ClientEntry, ServerEntry, StackContext, StackOptions } from './context.ts';
import { messageFlow, sender } from './context.ts';
import type { RateLimit } from './guards.ts';
import { DEFAULT_RATE_LIMIT, RejectLog, SourceRateLimiter } from './guards.ts';
import { handleRequest } from './incoming.ts';
import { sendRequest, sendResponse } from './outgoing.ts';
import { startProxy, sweepProxied } from './proxy.ts';
import { responseTarget } from './responses.ts';

const unattached: AppGateway = {
  deliverRequest: () => ({ delivered: false, reason: 'no-route' }),
  deliverResponse: () => ({ delivered: false, reason: 'no-owner' }),
  cdr: () => {},
  dialogEnded: () => {},
  transactionEnded: () => {},
};

export interface SipStackOptions extends Partial<StackOptions> {
  log: Logger;
  rateLimit?: RateLimit;
  validate?: ValidateOptions;
}

export class SipStack implements SipSide, TransportSink {
  readonly #ctx: StackContext;
  readonly #validate: ValidateOptions;
  readonly #sweep: NodeJS.Timeout;

  constructor(o: SipStackOptions) {
    this.#validate = o.validate ?? {};
    this.#ctx = {
      opts: {
        timers: o.timers ?? { t1: 500, t2: 4000, t4: 5000 },
        cdrs: o.cdrs ?? false,
        answerOptions: o.answerOptions ?? true,
        appSilenceMs: o.appSilenceMs ?? 64_000,
      },
      log: o.log,
      registry: new TransportRegistry([]),
      txns: new TransactionLayer(),
      dialogs: new DialogTable(),
      rejects: new RejectLog(o.log),
      limiter: new SourceRateLimiter(o.rateLimit ?? DEFAULT_RATE_LIMIT),
      gateway: unattached,
      servers: new Map<string, ServerEntry>(),
      entryOfTxn: new WeakMap(),
      clients: new Map<string, ClientEntry>(),
      proxied: new Map<string, number>(),
    };
    this.#sweep = setInterval(() => this.#sweepSilent(), Math.min(5000, this.#ctx.opts.appSilenceMs));
    this.#sweep.unref();
  }

  /**
   * A request the app never answered must not hold its transaction forever
   * (drachtio forgets it after 64 s, sending nothing). One sweep every few
   * seconds instead of a timer per request: a timer would keep every request
   * of the last 64 s in memory.
   */
  #sweepSilent(): void {
    const ctx = this.#ctx;
    const before = Date.now() - ctx.opts.appSilenceMs;
    for (const [txnId, e] of ctx.servers) {
      if (e.createdAt > before || e.txn.lastStatus > 100 || e.txnId !== txnId) continue;
      ctx.servers.delete(txnId);
      e.txn.terminate();
      ctx.gateway.transactionEnded(txnId);
    }
    sweepProxied(ctx);
  }

  /** The transports are created after the stack (they need it as their sink). */
  useTransports(registry: TransportRegistry): void {
    this.#ctx.registry = registry;
  }

  // ---- TransportSink ----

  receive(result: ParseResult, flow: Flow): void {
    try {
      if (!result.ok) {
        this.#reject(result.error, result.message, flow);
        return;
      }
      const msg = result.message;
      if (msg.kind === 'request') {
        const error = validateRequest(msg, this.#validate);
        if (error !== null) this.#reject(error, msg, flow);
        else handleRequest(this.#ctx, msg, flow);
      } else {
        const error = validateResponse(msg);
        if (error !== null) this.#reject(error, msg, flow);
        else this.#handleResponse(msg, flow);
      }
    } catch (err) {
      // A bug must cost one message, never the edge.
      this.#ctx.log.error(
        { err, source: `${flow.remote.host}:${flow.remote.port}` },
        'error handling a SIP message',
      );
    }
  }

  #handleResponse(res: SipMessage, flow: Flow): void {
    const txn = this.#ctx.txns.matchResponse(res);
    if (txn === undefined) return; // stray response (§17.1.3): dropped
    messageFlow.set(res, flow);
    txn.receive(res);
  }

  #reject(error: SipError, msg: SipMessage | undefined, flow: Flow): void {
    if (error.status === 0) return; // not a message at all (keepalive CRLFs over UDP)
    const source = `${flow.remote.host}:${flow.remote.port}`;
    const callId = msg?.get('call-id') ?? '';
    const via = msg === undefined ? undefined : values.topVia(msg);
    const branch = via?.ok ? (via.value.branch ?? '') : '';
    const what = msg === undefined ? 'unparsable' : msg.kind === 'request' ? msg.method : `${msg.status}`;
    const key = `${flow.remote.host}|${error.status}|${error.reason}|${callId}|${branch}|${callId === '' ? (msg?.raw.length ?? 0) : ''}`;
    this.#ctx.rejects.report(
      key,
      { source, protocol: flow.protocol, status: error.status, reason: error.reason, message: what, callId },
      'rejected SIP message',
    );
    if (msg === undefined || msg.kind !== 'request') return;
    const response = buildErrorResponse(msg, error);
    if (response === 'drop') return;
    sender(this.#ctx, responseTarget(msg, flow))(response);
  }

  // ---- SipSide ----

  transports(): readonly SipTransportInfo[] {
    return this.#ctx.registry.all().map((t) => ({
      protocol: t.protocol,
      host: t.local.host,
      port: t.local.port,
      externalHost: t.externalHost,
    }));
  }

  attach(gateway: AppGateway): void {
    this.#ctx.gateway = gateway;
  }

  sendRequest(op: SendRequestOp): Promise<SendRequestResult> {
    return sendRequest(this.#ctx, op);
  }

  sendResponse(op: SendResponseOp): SendResponseResult {
    return sendResponse(this.#ctx, op);
  }

  proxy(op: ProxyOp, onResponse: (r: ProxiedResponse) => void): Promise<ProxyResult> {
    return startProxy(this.#ctx, op, onResponse);
  }

  appDisconnected(ev: { connectionId: string; pendingTxnIds: string[]; dialogIds: string[] }): void {
    // Unlike drachtio (which lets them time out), answer what the app left unanswered now.
    for (const txnId of ev.pendingTxnIds) {
      const e = this.#ctx.servers.get(txnId);
      if (e === undefined || e.txn.answered) continue;
      sendResponse(this.#ctx, {
        connectionId: ev.connectionId,
        txnId,
        status: 503,
        reason: 'Service Unavailable',
        sip: 'SIP/2.0 503 Service Unavailable\r\n\r\n',
      });
    }
  }

  /** Counters for tests and status pages. */
  stats(): {
    serverTransactions: number;
    clientTransactions: number;
    /** Transactions known to apps by wire txnId (requests delivered or sent, not finished). */
    appTransactions: number;
    dialogs: number;
    /** Dialogs record-routed while proxying, whose in-dialog requests the edge forwards. */
    proxiedDialogs: number;
    rejected: number;
  } {
    const size = this.#ctx.txns.size;
    return {
      serverTransactions: size.server,
      clientTransactions: size.client,
      appTransactions: this.#ctx.servers.size + this.#ctx.clients.size,
      dialogs: this.#ctx.dialogs.size,
      proxiedDialogs: this.#ctx.proxied.size,
      rejected: this.#ctx.rejects.count,
    };
  }

  close(): void {
    clearInterval(this.#sweep);
    this.#ctx.txns.clear();
  }
}
