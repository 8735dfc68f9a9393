// State and helpers shared by the halves of the stack: what the edge knows
// about each transaction it runs for an app, and how it sends.

import type { Logger } from 'pino';
import type { Dialog, DialogTable } from '../dialog/index.ts';
import { SipMessage } from '../sip/index.ts';
import type {
  ClientTransaction,
  ServerTransaction,
  TimerValues,
  TransactionLayer,
} from '../transaction/index.ts';
import type { TransportRegistry } from '../transport/registry.ts';
import type { Flow, Target, Transport } from '../transport/types.ts';
import { hostForSip } from '../transport/types.ts';
import type { AppGateway, ReportedMeta } from '../wire/sip-side.ts';
import type { RejectLog, SourceRateLimiter } from './guards.ts';

/** A request received from the network and the server transaction answering it. */
export interface ServerEntry {
  txnId: string;
  txn: ServerTransaction;
  /** The request; replaced by an empty message once the final response went out (see releaseRequest). */
  request: SipMessage;
  method: string;
  flow: Flow;
  transport: Transport;
  /** Where responses go (RFC 3261 §18.2.2, RFC 3581 §4). */
  target: Target;
  /** `Via: ...\r\n` lines for responses: the request's, top one with received/rport filled in. */
  viaLines: string;
  /** Our To tag for this request's responses ('' until chosen; in-dialog requests carry one). */
  toTag: string;
  /** The dialog the request belongs to, or the one its response created. */
  dialog: Dialog | undefined;
  /** The dialog-creating INVITE of a UAS dialog (its 2xx ACK is delivered under this txnId). */
  initialInvite: boolean;
  /** CSeq number of the request. */
  seq: number;
  /** When it arrived (ms), for forgetting requests the app never answers. */
  createdAt: number;
  /** Set while the edge proxies this request (srf `req.proxy`): a CANCEL goes to it, not to the app. */
  proxy?: ProxyHandle;
}

/** What a CANCEL of a proxied request needs from the proxy (RFC 3261 §16.10). */
export interface ProxyHandle {
  /** `reason`: the CANCEL's Reason header, passed on to the branches (RFC 3326). */
  cancel(reason: string | undefined): void;
}

/** A request the app sent and the client transaction carrying it. */
export interface ClientEntry {
  txnId: string;
  txn: ClientTransaction;
  method: string;
  transport: Transport;
  target: Target;
  /** What CANCEL and ACK copy from the request (RFC 3261 §9.1, §17.1.1.3). */
  requestUri: string;
  topVia: string;
  from: string;
  to: string;
  callId: string;
  seq: number;
  routes: string[];
  /** UAC dialog of an INVITE/SUBSCRIBE, or the dialog of an in-dialog request. */
  dialog: Dialog | undefined;
  /** True for the INVITE that creates a dialog (not a re-INVITE). */
  createsDialog: boolean;
  finalSeen: boolean;
}

export interface StackOptions {
  timers: TimerValues;
  /** Send CDR events (mirrors the wire server's `cdrs`; skips building them when off). */
  cdrs: boolean;
  /** Answer out-of-dialog OPTIONS with 200 when no app routed `options`. */
  answerOptions: boolean;
  /** Forget a new request the app never answered after this long (drachtio: 64 s). */
  appSilenceMs: number;
}

export interface StackContext {
  readonly opts: StackOptions;
  readonly log: Logger;
  /** Set once the transports are up (they need the stack as their sink first). */
  registry: TransportRegistry;
  readonly txns: TransactionLayer;
  readonly dialogs: DialogTable;
  readonly rejects: RejectLog;
  readonly limiter: SourceRateLimiter;
  gateway: AppGateway;
  /** Server entries by wire txnId (an early UPDATE under `<INVITE txnId>|UPDATE`). */
  readonly servers: Map<string, ServerEntry>;
  /** The entry of each server transaction (CANCEL finds the INVITE's entry through it). */
  readonly entryOfTxn: WeakMap<ServerTransaction, ServerEntry>;
  readonly clients: Map<string, ClientEntry>;
  /**
   * Call-IDs of dialogs this edge record-routed as a proxy, with when they were
   * last used (ms). Only their in-dialog requests are forwarded: an edge that
   * relayed any request naming it in Route would be an open relay.
   */
  readonly proxied: Map<string, number>;
}

const RELEASED = new SipMessage(Buffer.alloc(0), Buffer.alloc(0));

/**
 * Once the final response is out, nothing reads the request again, but the
 * transaction lives on for 64·T1 to answer retransmissions (Timers J, L):
 * dropping the parsed request then keeps memory per call small at high rates.
 */
export function releaseRequest(e: ServerEntry): void {
  e.request = RELEASED;
}

/** The flow each received message arrived on (client transactions pass only the message up). */
export const messageFlow = new WeakMap<SipMessage, Flow>();

/** Sends bytes to a target, reporting failures to `onError` (or logging them). */
export function sender(
  ctx: StackContext,
  target: Target,
  onError?: (err: Error) => void,
): (b: Buffer) => void {
  const handle =
    onError ??
    ((err: Error) => ctx.log.debug({ err: err.message, to: `${target.host}:${target.port}` }, 'send failed'));
  return (b) => {
    ctx.registry.send(b, target, handle);
  };
}

export function hostport(t: Transport): string {
  return `${hostForSip(t.externalHost ?? t.local.host)}:${t.local.port}`;
}

/** The Contact drachtio writes when the app gave none: our address, with the transport unless UDP. */
export function defaultContact(t: Transport, user?: string): string {
  const u = user ? `${user}@` : '';
  return `<sip:${u}${hostport(t)}${t.protocol === 'udp' ? '' : `;transport=${t.protocol}`}>`;
}

export function receivedMeta(flow: Flow, bytes: number): ReportedMeta {
  return {
    source: 'network',
    protocol: flow.protocol,
    address: flow.remote.host,
    port: flow.remote.port,
    bytes,
  };
}

export function sentMeta(protocol: string, host: string, port: number, bytes: number): ReportedMeta {
  return { source: 'application', protocol, address: host, port, bytes };
}
