// A stand-in for the SIP layer (transports, transactions, dialogs), which is built
// separately. It only records what the wire server asks of it and answers with
// results the test scripts — typically the exact results drachtio-server produced
// in the capture — so the wire server can be tested against a real drachtio-srf.

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
} from '../../../src/edge/wire/sip-side.ts';

type Waiter<T> = { match: (v: T) => boolean; resolve: (v: T) => void };

/** Records values and lets a test await the next one matching a predicate. */
class Recorder<T> {
  readonly all: T[] = [];
  #waiters: Waiter<T>[] = [];
  #taken = new Set<T>();

  push(v: T): void {
    this.all.push(v);
    const w = this.#waiters.find((x) => x.match(v));
    if (w) {
      this.#waiters = this.#waiters.filter((x) => x !== w);
      this.#taken.add(v);
      w.resolve(v);
    }
  }

  /** The first recorded value matching `match` not yet returned by next(), or the next one to come. */
  next(match: (v: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
    const existing = this.all.find((v) => !this.#taken.has(v) && match(v));
    if (existing) {
      this.#taken.add(existing);
      return Promise.resolve(existing);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('timed out waiting for the SIP side to be called')),
        timeoutMs,
      );
      this.#waiters.push({
        match,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
      });
    });
  }
}

export class FakeSipSide implements SipSide {
  gateway: AppGateway | undefined;
  readonly requests = new Recorder<SendRequestOp>();
  readonly responses = new Recorder<SendResponseOp>();
  readonly proxies = new Recorder<ProxyOp>();
  readonly disconnects = new Recorder<{
    connectionId: string;
    pendingTxnIds: string[];
    dialogIds: string[];
  }>();

  /** Scripted answers; the defaults echo the message back as sent, from the first transport. */
  onSendRequest: (op: SendRequestOp) => SendRequestResult | Promise<SendRequestResult> = (op) => ({
    ok: true,
    meta: { source: 'application', protocol: 'udp', address: '127.0.0.1', port: 5360 },
    sent: op.sip,
  });
  onSendResponse: (op: SendResponseOp) => SendResponseResult | Promise<SendResponseResult> = (op) => ({
    ok: true,
    meta: { source: 'application', protocol: 'udp', address: '127.0.0.1', port: 5370 },
    dialogId: '',
    sent: op.sip,
  });
  onProxy: (op: ProxyOp, report: (r: ProxiedResponse) => void) => ProxyResult | Promise<ProxyResult> =
    () => ({
      ok: true,
    });

  readonly #transports: SipTransportInfo[];

  constructor(transports: SipTransportInfo[] = [{ protocol: 'udp', host: '127.0.0.1', port: 5360 }]) {
    this.#transports = transports;
  }

  get gw(): AppGateway {
    if (!this.gateway) throw new Error('wire server has not attached');
    return this.gateway;
  }

  transports(): readonly SipTransportInfo[] {
    return this.#transports;
  }

  attach(gateway: AppGateway): void {
    this.gateway = gateway;
  }

  sendRequest(op: SendRequestOp): SendRequestResult | Promise<SendRequestResult> {
    this.requests.push(op);
    return this.onSendRequest(op);
  }

  sendResponse(op: SendResponseOp): SendResponseResult | Promise<SendResponseResult> {
    this.responses.push(op);
    return this.onSendResponse(op);
  }

  proxy(op: ProxyOp, onResponse: (r: ProxiedResponse) => void): ProxyResult | Promise<ProxyResult> {
    this.proxies.push(op);
    return this.onProxy(op, onResponse);
  }

  appDisconnected(ev: { connectionId: string; pendingTxnIds: string[]; dialogIds: string[] }): void {
    this.disconnects.push(ev);
  }
}
