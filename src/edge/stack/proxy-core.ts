// One proxied request (RFC 3261 §16): the server transaction it arrived on and
// one client transaction per target ("branch"), tried one after another
// (serial) or all at once (simultaneous). Provisionals go upstream as they
// come (§16.7 step 5), a 2xx at once and the other branches are CANCELled
// (§16.7 step 10); when every branch has failed, the best final goes upstream
// (§16.7 step 6). A CANCEL from upstream cancels every branch (§16.10).

import type { SipMessage } from '../sip/index.ts';
import { values } from '../sip/index.ts';
import type { ClientTransaction } from '../transaction/index.ts';
import { clientKey, InviteServerTransaction, newBranch } from '../transaction/index.ts';
import type { Target } from '../transport/types.ts';
import { isReliable } from '../transport/types.ts';
import type { AppHeader } from './app-sip.ts';
import type { ProxyHandle, ServerEntry, StackContext } from './context.ts';
import { messageFlow, releaseRequest, sender } from './context.ts';
import type { Forwarded } from './proxy-message.ts';
import {
  bestResponse,
  branchAck,
  forwardRequest,
  isOwnUri,
  recordRoutesFor,
  redirectTargets,
  upstreamResponse,
} from './proxy-message.ts';
import { proxyCdr } from './proxy-cdr.ts';
import { cancelRequest, targetOf, viaFor } from './requests.ts';
import { localResponse } from './responses.ts';

/** Timer C (§16.6 step 11): more than 3 minutes without a final response to an INVITE. */
const TIMER_C_MS = 180_000;

export interface ProxySettings {
  recordRoute: boolean;
  simultaneous: boolean;
  followRedirects: boolean;
  /** Give up on a target that sent nothing at all for this long (0: never). */
  provisionalMs: number;
  /** Give up on a target without a final response after this long (0: Timer C, reset by provisionals). */
  finalMs: number;
  extra: readonly AppHeader[];
  /** Initial requests replace a Request-URI naming this edge by the target; in-dialog ones keep theirs. */
  initial: boolean;
  /** Final responses received from targets, as they arrive (srf's fullResponse). */
  report?: (res: SipMessage, from: { protocol: string; address: string; port: number }) => void;
}

export type ProxyEnd = 'answered' | 'failed' | 'canceled' | 'unsent';

interface Branch {
  uri: string;
  state: 'waiting' | 'calling' | 'proceeding' | 'done';
  /** Final status: received, or 408 (no answer) / 503 (not sent) made here; 0 before. */
  status: number;
  final: SipMessage | undefined;
  txn: ClientTransaction | undefined;
  target: Target | undefined;
  forwarded: Forwarded | undefined;
  /** Provisional timeout: nothing at all heard from the target. */
  quietTimer: NodeJS.Timeout | undefined;
  /** Final timeout, or Timer C. */
  finalTimer: NodeJS.Timeout | undefined;
  /** Cancel as soon as the target answers: a CANCEL may not precede a provisional (§9.1). */
  cancelPending: boolean;
  cancelSent: boolean;
}

export class ProxyCore implements ProxyHandle {
  readonly #ctx: StackContext;
  readonly #entry: ServerEntry;
  readonly #raw: Buffer;
  readonly #s: ProxySettings;
  readonly #branches: Branch[] = [];
  readonly #isInvite: boolean;
  readonly #callId: string;
  #sent = 0;
  #finished = false;
  #cancelReason: string | undefined;
  #resolve: (end: ProxyEnd) => void = () => {};
  readonly done: Promise<ProxyEnd>;

  constructor(ctx: StackContext, entry: ServerEntry, destinations: readonly string[], s: ProxySettings) {
    this.#ctx = ctx;
    this.#entry = entry;
    this.#raw = entry.request.raw;
    this.#callId = entry.request.get('call-id') ?? '';
    this.#s = s;
    this.#isInvite = entry.method === 'INVITE';
    for (const uri of destinations) this.#branches.push(newBranchFor(uri));
    this.done = new Promise((resolve) => (this.#resolve = resolve));
    entry.proxy = this;
  }

  start(): void {
    this.#launchNext();
  }

  cancel(reason: string | undefined): void {
    if (this.#finished) return;
    this.#cancelReason = reason;
    this.#cancelBranches();
    // Like drachtio-server, the caller gets its 487 at once rather than after every target answered the CANCEL.
    this.#respond(localResponse(this.#entry, 487, 'Request Terminated'), 487);
    this.#finish('canceled');
  }

  #launchNext(): void {
    if (this.#finished) return;
    for (const b of this.#branches) {
      if (b.state !== 'waiting') continue;
      // A bug in one branch costs that branch, never the edge (an unhandled rejection would end the process).
      this.#launch(b).catch((err: unknown) => {
        this.#ctx.log.error({ err, target: b.uri }, 'error proxying to a target');
        this.#branchFailed(b, 503);
      });
      if (!this.#s.simultaneous) return;
    }
    if (this.#branches.every((b) => b.state === 'done')) this.#endSearch();
  }

  async #launch(b: Branch): Promise<void> {
    b.state = 'calling';
    const ctx = this.#ctx;
    let target: Awaited<ReturnType<typeof targetOf>>;
    try {
      target = await targetOf(b.uri);
    } catch (err) {
      ctx.log.info({ target: b.uri, err: (err as Error).message }, 'proxy target unusable');
      this.#branchFailed(b, 503);
      return;
    }
    if (this.#finished) return this.#branchFailed(b, 0);
    const transport = ctx.registry.pick(target.protocol, target.host);
    // Sending to ourselves would loop (drachtio refuses it too).
    if (transport === undefined || ctx.registry.isOwnAddress(target)) return this.#branchFailed(b, 503);
    const branchId = newBranch();
    const forwarded = forwardRequest(this.#raw, {
      requestUri: this.#s.initial && this.#requestUriIsOurs() ? b.uri : undefined,
      dropRoutes: this.#s.initial ? 'all' : 'ours',
      isOurs: (r) => isOwnUri(ctx, r.uri),
      recordRoutes: this.#s.recordRoute ? recordRoutesFor(this.#entry.transport, transport) : [],
      via: viaFor(transport, branchId),
      extra: this.#s.extra,
    });
    if ('error' in forwarded) return this.#branchFailed(b, 503);
    b.forwarded = forwarded;
    b.target = target;
    let onError: (err: Error) => void = () => {};
    const send = sender(ctx, target, (err) => onError(err));
    const user = {
      onResponse: (res: SipMessage) => this.#onResponse(b, res),
      onTimeout: () => this.#branchFailed(b, 408),
      onTransportError: () => this.#branchFailed(b, 503),
    };
    const common = { reliable: isReliable(target.protocol), timers: ctx.opts.timers, send, user };
    const txn = this.#isInvite
      ? ctx.txns.createInviteClient({
          ...common,
          key: clientKey(branchId, 'INVITE'),
          request: forwarded.bytes,
          buildAck: (res) => branchAck(forwarded.cancel, res),
        })
      : ctx.txns.createNonInviteClient({
          ...common,
          key: clientKey(branchId, this.#entry.method),
          request: forwarded.bytes,
        });
    b.txn = txn;
    onError = (err) => txn.transportError(err);
    this.#sent++;
    if (this.#s.provisionalMs > 0)
      b.quietTimer = setTimeout(() => this.#noAnswer(b), this.#s.provisionalMs).unref();
    if (this.#isInvite) this.#armTimerC(b);
    if (this.#isInvite && this.#s.initial && ctx.opts.cdrs)
      ctx.gateway.cdr({ kind: 'attempt', source: 'application', sip: forwarded.bytes.toString('utf8') });
    txn.start();
  }

  #armTimerC(b: Branch): void {
    const ms = this.#s.finalMs > 0 ? this.#s.finalMs : TIMER_C_MS;
    if (b.finalTimer !== undefined) clearTimeout(b.finalTimer);
    b.finalTimer = setTimeout(() => this.#noFinal(b), ms).unref();
  }

  #onResponse(b: Branch, res: SipMessage): void {
    const status = res.status;
    if (status >= 200 && status < 300) return this.#success(b, res);
    if (b.state === 'done') {
      // Late, from a target given up on: cancelled once it rings; a final is ACKed by its transaction.
      if (status < 200 && b.cancelPending) this.#sendCancel(b);
      return;
    }
    clearTimers(b, true);
    if (status < 200) {
      b.state = 'proceeding';
      if (b.cancelPending) return this.#sendCancel(b);
      // §16.7 step 2: provisionals other than 100 reset Timer C (an app's final timeout is not reset).
      if (this.#isInvite && this.#s.finalMs === 0 && status > 100) this.#armTimerC(b);
      if (status === 100 || this.#finished) return; // a stateful proxy sends its own 100 (§16.7 step 5)
      const bytes = upstreamResponse(res);
      if (bytes !== undefined) this.#respond(bytes, status);
      // An early dialog: its PRACK and UPDATE come through us when we record-routed.
      if (this.#s.recordRoute && this.#isInvite) this.#remember();
      return;
    }
    clearTimers(b);
    b.state = 'done';
    b.status = status;
    b.final = res;
    // Once the app was told the proxying is done, it hears nothing more of it.
    if (!this.#finished) this.#report(b, res);
    this.#cdr(res.raw, res.status, 'network');
    if (status < 400 && this.#s.followRedirects) this.#redirect(b, res);
    // A challenge ends the search: the caller has to retry with credentials (as drachtio does).
    if ((status === 401 || status === 407) && !this.#s.simultaneous) this.#stopWaiting();
    this.#launchNext();
  }

  #success(b: Branch, res: SipMessage): void {
    const first = b.state !== 'done' || b.status === 408 || b.status === 0;
    clearTimers(b);
    const bytes = upstreamResponse(res);
    if (bytes === undefined) return;
    if (this.#finished || !first) {
      // Retransmitted or forked 2xx: passed on statelessly (§16.7 step 10, RFC 6026 §7.1).
      sender(this.#ctx, this.#entry.target)(bytes);
      return;
    }
    b.state = 'done';
    b.status = res.status;
    this.#report(b, res);
    this.#cdr(res.raw, res.status, 'network');
    if (this.#entry.txn instanceof InviteServerTransaction) this.#entry.txn.forwardSuccess(bytes, res.status);
    else this.#entry.txn.respond(bytes, res.status);
    this.#cdr(bytes, res.status, 'application');
    if (this.#s.recordRoute && this.#isInvite) this.#remember();
    this.#cancelBranches();
    this.#finish('answered');
  }

  /** 3xx with followRedirects: its Contacts become targets tried right after this one. */
  #redirect(b: Branch, res: SipMessage): void {
    const fresh = redirectTargets(res, new Set(this.#branches.map((x) => x.uri)));
    if (fresh.length === 0) return;
    this.#branches.splice(this.#branches.indexOf(b) + 1, 0, ...fresh.map(newBranchFor));
    // §16.7 step 4: a 3xx that was recursed on is no candidate for the best response.
    b.status = 0;
    b.final = undefined;
  }

  #noAnswer(b: Branch): void {
    if (b.state !== 'calling') return;
    b.cancelPending = true;
    this.#branchFailed(b, 0);
  }

  #noFinal(b: Branch): void {
    if (b.state === 'done') return;
    if (b.state === 'proceeding') this.#sendCancel(b);
    else b.cancelPending = true;
    this.#branchFailed(b, 408);
  }

  #branchFailed(b: Branch, status: number): void {
    if (b.state === 'done') return;
    clearTimers(b);
    b.state = 'done';
    b.status = status;
    this.#launchNext();
  }

  /** Targets not yet tried are dropped; the search ends with what has been received. */
  #stopWaiting(): void {
    for (const b of this.#branches) if (b.state === 'waiting') b.state = 'done';
  }

  #cancelBranches(): void {
    for (const b of this.#branches) {
      if (b.state === 'waiting') b.state = 'done';
      else if (b.state === 'proceeding') this.#sendCancel(b);
      else if (b.state === 'calling') b.cancelPending = true;
    }
  }

  #sendCancel(b: Branch): void {
    if (b.cancelSent || b.forwarded === undefined || !this.#isInvite) return;
    b.cancelSent = true;
    clearTimers(b);
    const ctx = this.#ctx;
    const reason = this.#cancelReason;
    const app = {
      startLine: '',
      body: '',
      headers: reason ? [{ name: 'Reason', key: 'reason', value: reason }] : [],
    };
    const bytes = Buffer.from(cancelRequest(b.forwarded.cancel, app), 'utf8');
    const target = b.target;
    if (target === undefined) return;
    const ignore = { onResponse: () => {}, onTimeout: () => {}, onTransportError: () => {} };
    const branchId = /branch=([^;,\s]+)/.exec(b.forwarded.cancel.topVia)?.[1] ?? newBranch();
    ctx.txns
      .createNonInviteClient({
        key: clientKey(branchId, 'CANCEL'),
        reliable: isReliable(target.protocol),
        timers: ctx.opts.timers,
        send: sender(ctx, target),
        request: bytes,
        user: ignore,
      })
      .start();
  }

  /** Every branch has its final: the best one goes upstream (§16.7 step 6). */
  #endSearch(): void {
    if (this.#finished) return;
    if (this.#sent === 0) {
      this.#respond(localResponse(this.#entry, 500, 'Server Internal Error'), 500);
      this.#finish('unsent');
      return;
    }
    const candidates = this.#branches.filter((b) => b.status >= 300);
    const best = candidates[bestResponse(candidates.map((b) => b.status))];
    const bytes = best?.final === undefined ? undefined : upstreamResponse(best.final, true);
    if (bytes !== undefined) this.#respond(bytes, best!.final!.status);
    else {
      // No response at all (§16.7 step 6: 408), or only failures to send (§16.9: 503, which goes up as 500).
      const status = best?.status === 503 ? 500 : 408;
      this.#respond(
        localResponse(this.#entry, status, status === 500 ? 'Server Internal Error' : 'Request Timeout'),
        status,
      );
    }
    this.#finish('failed');
  }

  #report(b: Branch, res: SipMessage): void {
    const flow = messageFlow.get(res);
    const from = flow?.remote ?? { host: b.target?.host ?? '', port: b.target?.port ?? 0 };
    this.#s.report?.(res, {
      protocol: flow?.protocol ?? b.target?.protocol ?? 'udp',
      address: from.host,
      port: from.port,
    });
  }

  #respond(bytes: Buffer, status: number): void {
    this.#entry.txn.respond(bytes, status);
    if (status >= 300) this.#cdr(bytes, status, 'application');
  }

  #finish(end: ProxyEnd): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const b of this.#branches) if (b.state === 'waiting') b.state = 'done';
    this.#entry.proxy = undefined;
    releaseRequest(this.#entry);
    if (end !== 'answered' && this.#s.initial && this.#isInvite) this.#ctx.proxied.delete(this.#callId);
    this.#resolve(end);
  }

  /** CDRs of the initial INVITE: `network` for a target's final, `application` for the caller's answer. */
  #cdr(sip: Buffer, status: number, source: 'network' | 'application'): void {
    if (this.#isInvite && this.#s.initial && this.#ctx.opts.cdrs) proxyCdr(this.#ctx, sip, status, source);
  }

  #remember(): void {
    if (this.#callId !== '') this.#ctx.proxied.set(this.#callId, Date.now());
  }

  #requestUriIsOurs(): boolean {
    const uri = values.requestUri(this.#entry.request);
    return uri.ok && isOwnUri(this.#ctx, uri.value);
  }
}

function newBranchFor(uri: string): Branch {
  return {
    uri,
    state: 'waiting',
    status: 0,
    final: undefined,
    txn: undefined,
    target: undefined,
    forwarded: undefined,
    quietTimer: undefined,
    finalTimer: undefined,
    cancelPending: false,
    cancelSent: false,
  };
}

function clearTimers(b: Branch, quietOnly = false): void {
  if (b.quietTimer !== undefined) clearTimeout(b.quietTimer);
  b.quietTimer = undefined;
  if (quietOnly) return;
  if (b.finalTimer !== undefined) clearTimeout(b.finalTimer);
  b.finalTimer = undefined;
}
