// Shared bookkeeping of the wire server: routes, who owns which transaction and
// dialog, and the ordering gate that keeps srf's view consistent.

import type { AppConnection } from './app-connection.ts';
import { type MessageMeta, stackTime } from './meta.ts';
import { OwnerMap, RouteTable } from './routes.ts';
import type { ReportedMeta } from './sip-side.ts';

/**
 * Holds back messages for a transaction while the server still owes the app the
 * `response` frame for it. srf registers a request under its txnId only when the
 * `Msg sent` reply arrives, and creates a UAS dialog only when the reply to its 2xx
 * arrives: a SIP response (or CANCEL/ACK) overtaking that reply would be lost.
 */
export class TxnGate {
  readonly #held = new Map<string, { pending: number; queued: Array<() => void> }>();

  hold(txnId: string): void {
    const entry = this.#held.get(txnId);
    if (entry) entry.pending++;
    else this.#held.set(txnId, { pending: 1, queued: [] });
  }

  /** Ends one hold; when none is left, runs what was queued (in order) unless `discard`. */
  release(txnId: string, discard = false): void {
    const entry = this.#held.get(txnId);
    if (!entry) return;
    if (--entry.pending > 0) return;
    this.#held.delete(txnId);
    if (!discard) for (const fn of entry.queued) fn();
  }

  /** Runs `fn` now and returns its result, or queues it until the holds on `txnId` are released. */
  run<R>(txnId: string, fn: () => R): R | 'queued' {
    const entry = this.#held.get(txnId);
    if (!entry) return fn();
    entry.queued.push(fn);
    return 'queued';
  }

  get size(): number {
    return this.#held.size;
  }
}

/** A request the server delivered to an app and that the app has not finished answering. */
export interface InboundTxn {
  method: string;
}

export class WireState {
  /** Methods (lower-case) and `cdr:*` verbs routed by each app. */
  readonly routes = new RouteTable<AppConnection>();
  /** txnId of a delivered request → app that got it. */
  readonly inbound = new OwnerMap<AppConnection, InboundTxn>();
  /** txnId of a request an app sent → that app (until the final response). */
  readonly outbound = new OwnerMap<AppConnection, undefined>();
  /** dialogId → app owning the dialog. */
  readonly dialogs = new OwnerMap<AppConnection, undefined>();
  readonly gate = new TxnGate();
}

/** Fills in what the SIP layer may leave out: the byte size of the message and the time. */
export function completeMeta(meta: ReportedMeta, sip: string): MessageMeta {
  return {
    source: meta.source,
    bytes: meta.bytes ?? Buffer.byteLength(sip, 'utf8'),
    protocol: meta.protocol,
    address: meta.address,
    port: meta.port,
    time: meta.time ?? stackTime(),
  };
}
