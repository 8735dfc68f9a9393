// The edge as a stateful proxy, for apps that call srf's `req.proxy()`
// (notes-drachtio-wire.md §3.5): the app hands back a request it was given,
// with targets, and the edge forwards it (proxy-core.ts). When the app asked
// to stay in the dialog (Record-Route), the dialog's later requests are
// forwarded here without the app, as drachtio-server does.

import type { SipMessage } from '../sip/index.ts';
import { values } from '../sip/index.ts';
import { newBranch } from '../transaction/index.ts';
import type { ProxiedResponse, ProxyOp, ProxyResult } from '../wire/sip-side.ts';
import { parseAppSip } from './app-sip.ts';
import { appText } from './app-text.ts';
import type { ServerEntry, StackContext } from './context.ts';
import { releaseRequest, sender } from './context.ts';
import { ProxyCore } from './proxy-core.ts';
import { forwardRequest, isOwnUri, ownRoutesOnTop, parseDuration } from './proxy-message.ts';
import { targetOf, viaFor } from './requests.ts';
import { localResponse } from './responses.ts';

/**
 * A record-routed dialog nobody used for this long is forgotten (its requests
 * then get 481). Long, as calls without session timers send nothing for hours.
 */
export const PROXIED_DIALOG_IDLE_MS = 12 * 3600_000;

const fail = (reason: string): ProxyResult => ({ ok: false, reason });

/** `proxy` from an app: forwards the delivered request `op.txnId`; resolves when the request is finished. */
export async function startProxy(
  ctx: StackContext,
  op: ProxyOp,
  onResponse: (r: ProxiedResponse) => void,
): Promise<ProxyResult> {
  const entry = ctx.servers.get(op.txnId);
  // drachtio-server's wording (src/sip-proxy-controller.cpp).
  if (entry === undefined || entry.txn.answered || entry.proxy !== undefined)
    return fail(`Unknown transaction id: ${op.txnId}`);
  const provisionalMs = parseDuration(op.provisionalTimeout);
  const finalMs = parseDuration(op.finalTimeout);
  if (provisionalMs === undefined || finalMs === undefined)
    return fail(`invalid timeout '${op.provisionalTimeout || op.finalTimeout}': use e.g. 2s or 1500ms`);
  const destinations = op.destinations.filter((d) => d !== '');
  if (destinations.length === 0) return fail('error proxying request to : no destination given');
  const mf = values.maxForwards(entry.request);
  if (mf.ok && mf.value === 0) {
    ctx.servers.delete(op.txnId);
    entry.txn.respond(localResponse(entry, 483, 'Too Many Hops'), 483);
    releaseRequest(entry);
    return fail('Rejected with 483 Too Many Hops due to Max-Forwards value of 0');
  }
  // From here on the request belongs to the proxy: the app can no longer answer it.
  ctx.servers.delete(op.txnId);
  const core = new ProxyCore(ctx, entry, destinations, {
    recordRoute: op.remainInDialog,
    simultaneous: op.simultaneous,
    followRedirects: op.followRedirects,
    provisionalMs,
    finalMs,
    extra: parseAppSip(op.sip).headers,
    initial: true,
    report: (res, from) =>
      onResponse({ meta: { source: 'network', ...from, bytes: res.raw.length }, sip: appText(res) }),
  });
  core.start();
  const end = await core.done;
  return end === 'unsent' ? fail(`error proxying request to ${destinations.join(',')}`) : { ok: true };
}

/** Is `callId` a dialog this edge record-routed as a proxy? Refreshes it when so. */
export function isProxiedDialog(ctx: StackContext, callId: string): boolean {
  if (!ctx.proxied.has(callId)) return false;
  ctx.proxied.set(callId, Date.now());
  return true;
}

/**
 * An in-dialog request of a record-routed dialog (§16.4, §16.12): our Route
 * values are removed and it goes to the next Route, or to its Request-URI.
 * One that names only us has no dialog here: 481.
 */
export function forwardRouted(ctx: StackContext, entry: ServerEntry, msg: SipMessage): void {
  const next = nextHop(msg, ctx);
  if (next === undefined) {
    entry.txn.respond(localResponse(entry, 481, 'Call/Transaction Does Not Exist'), 481);
    return;
  }
  const mf = values.maxForwards(msg);
  if (mf.ok && mf.value === 0) {
    entry.txn.respond(localResponse(entry, 483, 'Too Many Hops'), 483);
    return;
  }
  // §16.2: a stateful proxy answers an INVITE with 100 itself.
  if (msg.method === 'INVITE') entry.txn.respond(localResponse(entry, 100, 'Trying'), 100);
  const core = new ProxyCore(ctx, entry, [next], {
    recordRoute: false,
    simultaneous: false,
    followRedirects: false,
    provisionalMs: 0,
    finalMs: 0,
    extra: [],
    initial: false,
  });
  const callId = msg.get('call-id') ?? '';
  const method = msg.method;
  if (method === 'BYE' && ctx.opts.cdrs)
    ctx.gateway.cdr({ kind: 'stop', source: 'network', reason: 'normal-release', sip: appText(msg) });
  core.start();
  if (method !== 'BYE') return;
  // drachtio-server records the BYE twice: received (above) and passed on.
  if (ctx.opts.cdrs)
    ctx.gateway.cdr({ kind: 'stop', source: 'application', reason: 'normal-release', sip: appText(msg) });
  // The dialog is over once its BYE is answered (either way: a 481 means it was already gone).
  void core.done.then(() => ctx.proxied.delete(callId));
}

/** The ACK of a 2xx in a record-routed dialog: forwarded without a transaction (it has none, §17.1.1.3). */
export function forwardAck(ctx: StackContext, msg: SipMessage): void {
  const next = nextHop(msg, ctx);
  if (next === undefined) return;
  void (async () => {
    const target = await targetOf(next);
    const t = ctx.registry.pick(target.protocol, target.host);
    if (t === undefined || ctx.registry.isOwnAddress(target)) return;
    const forwarded = forwardRequest(msg.raw, {
      requestUri: undefined,
      dropRoutes: 'ours',
      isOurs: (r) => isOwnUri(ctx, r.uri),
      recordRoutes: [],
      via: viaFor(t, newBranch()),
      extra: [],
    });
    if (!('error' in forwarded)) sender(ctx, target)(forwarded.bytes);
  })().catch((err: unknown) =>
    ctx.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'proxied ACK not forwarded'),
  );
}

/** Where a routed request goes next: the first Route that is not ours, else the Request-URI. */
function nextHop(msg: SipMessage, ctx: StackContext): string | undefined {
  const routes = values.routes(msg);
  if (!routes.ok) return undefined;
  // Strict routers (no `lr`) are not supported: every Route is treated as loose (RFC 3261 §16.12.1.1).
  const first = routes.value[ownRoutesOnTop(routes.value, (r) => isOwnUri(ctx, r.uri))];
  if (first !== undefined) return first.uri.kind === 'sip' ? first.uri.raw : undefined;
  const ruri = values.requestUri(msg);
  if (!ruri.ok || ruri.value.kind !== 'sip' || isOwnUri(ctx, ruri.value)) return undefined;
  return ruri.value.raw;
}

/** Forgets record-routed dialogs idle for longer than PROXIED_DIALOG_IDLE_MS. */
export function sweepProxied(ctx: StackContext, now = Date.now()): void {
  for (const [callId, used] of ctx.proxied)
    if (now - used > PROXIED_DIALOG_IDLE_MS) ctx.proxied.delete(callId);
}
