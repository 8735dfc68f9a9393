// Message work of a stateful proxy (RFC 3261 §16): the copy of a request sent
// to one target (§16.6), a response passed back upstream (§16.7 steps 3, 9),
// the choice of the best final response (§16.7 step 6), and the ACK and
// CANCEL a proxy sends on its own branches (§17.1.1.3, §9.1, §16.10).

import { isIP } from 'node:net';
import type { NameAddr, SipMessage, Uri } from '../sip/index.ts';
import { parseMessage, serialize, values } from '../sip/index.ts';
import { protocolOf } from '../transport/resolve.ts';
import type { Transport } from '../transport/types.ts';
import { hostForSocket } from '../transport/types.ts';
import type { AppHeader } from './app-sip.ts';
import type { StackContext } from './context.ts';
import { hostport } from './context.ts';
import type { CancelSource } from './requests.ts';

/** How many Route values on top name this edge: two after double record-routing (RFC 5658); at most 4. */
export function ownRoutesOnTop(routes: readonly NameAddr[], isOurs: (route: NameAddr) => boolean): number {
  let n = 0;
  while (n < 4 && n < routes.length && isOurs(routes[n]!)) n++;
  return n;
}

/** `2s`, `1500ms` or '' (none) as srf passes provisional/final timeouts; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  if (text === '') return 0;
  const m = /^(\d{1,9})(ms|s)$/.exec(text.trim());
  if (m === null) return undefined;
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

/** Headers an app may not set on a proxied request: they belong to the proxy or to the transaction. */
const PROXY_OWNED = new Set([
  'via',
  'route',
  'record-route',
  'max-forwards',
  'call-id',
  'cseq',
  'from',
  'to',
  'content-length',
]);

export interface ForwardOptions {
  /** New Request-URI (§16.6 step 2), or undefined to keep it. */
  requestUri: string | undefined;
  /**
   * `all`: an initial request loses every Route (drachtio drops preloaded routes, as
   * its app chose the target); `ours`: an in-dialog request loses the Route values
   * naming this edge (§16.4), keeping the rest of its route set.
   */
  dropRoutes: 'all' | 'ours';
  isOurs: (route: NameAddr) => boolean;
  /** Record-Route (or Path for REGISTER, RFC 3327) values, top first (§16.6 step 4). */
  recordRoutes: readonly string[];
  /** Our Via (§16.6 step 8). */
  via: string;
  /** Headers the app asked to add; they replace the request's own of the same name. */
  extra: readonly AppHeader[];
}

export interface Forwarded {
  bytes: Buffer;
  /** What CANCEL and the non-2xx ACK of this branch copy from it. */
  cancel: CancelSource;
}

/** The request copy for one branch, or an error when the request cannot be re-read. */
export function forwardRequest(raw: Buffer, o: ForwardOptions): Forwarded | { error: string } {
  const parsed = parseMessage(raw);
  if (!parsed.ok) return { error: parsed.error.reason };
  const msg = parsed.message;
  if (o.requestUri !== undefined) msg.setRequestUri(o.requestUri);
  // §16.6 step 3: Max-Forwards is decremented, or set to 70 when absent.
  const mf = values.maxForwards(msg);
  msg.setHeader('Max-Forwards', String(mf.ok && mf.value !== null ? Math.max(0, mf.value - 1) : 70));
  if (o.dropRoutes === 'all') msg.removeHeader('route');
  else {
    const routes = values.routes(msg);
    const ours = routes.ok ? ownRoutesOnTop(routes.value, o.isOurs) : 0;
    for (let i = 0; i < ours; i++) msg.removeFirstValue('route');
  }
  const rrName = msg.method === 'REGISTER' ? 'Path' : 'Record-Route';
  for (let i = o.recordRoutes.length - 1; i >= 0; i--) msg.prependHeader(rrName, o.recordRoutes[i]!);
  const extra = new Map<string, { name: string; values: string[] }>();
  for (const h of o.extra) {
    if (PROXY_OWNED.has(h.key) || /[\r\n]/.test(h.value)) continue;
    const slot = extra.get(h.key) ?? { name: h.name, values: [] };
    slot.values.push(h.value);
    extra.set(h.key, slot);
  }
  for (const { name, values: v } of extra.values()) msg.setHeader(name, v);
  msg.prependHeader('Via', o.via);
  const cseq = values.cseq(msg);
  return {
    bytes: serialize(msg, { ensureContentLength: true }),
    cancel: {
      requestUri: msg.requestUriText,
      topVia: o.via,
      from: msg.get('from') ?? '',
      to: msg.get('to') ?? '',
      callId: msg.get('call-id') ?? '',
      seq: cseq.ok ? cseq.value.seq : 0,
      routes: msg.getAll('route'),
    },
  };
}

/**
 * A response passed upstream: our Via removed (§16.7 step 3); a 503 chosen as
 * the best response goes up as 500 (§16.7 step 6: the 503 meant "this proxy's
 * next hop is unavailable", not "try another proxy"). Undefined when no Via is
 * left: the response was meant for this element and is not forwarded.
 */
export function upstreamResponse(res: SipMessage, asBest = false): Buffer | undefined {
  res.removeFirstValue('via');
  if (!res.has('via')) return undefined;
  if (asBest && res.status === 503) res.setStatus(500, 'Server Internal Error');
  return serialize(res, { ensureContentLength: true });
}

/** 4xx that tell the caller how to retry: preferred within their class (§16.7 step 6). */
const INFORMATIVE_4XX = new Set([401, 407, 415, 420, 484]);

/**
 * §16.7 step 6: any 6xx wins; otherwise the lowest class, and within 4xx the
 * responses the caller can act on. Ties go to the earliest. -1 when empty.
 */
export function bestResponse(statuses: readonly number[]): number {
  const rank = (s: number): number => {
    if (s >= 600) return 0;
    const cls = Math.floor(s / 100);
    return cls * 10 + (cls === 4 && INFORMATIVE_4XX.has(s) ? 0 : 1);
  };
  let best = -1;
  for (let i = 0; i < statuses.length; i++) {
    if (best < 0 || rank(statuses[i]!) < rank(statuses[best]!)) best = i;
  }
  return best;
}

function recordRouteOf(t: Transport): string {
  return `<sip:${hostport(t)}${t.protocol === 'udp' ? '' : `;transport=${t.protocol}`};lr>`;
}

/**
 * Record-Route values, top first. When the request leaves on another transport
 * than it came in on, two values (RFC 5658 §3.2): the top one is where the
 * callee's side reaches us, the second where the caller's side does.
 */
export function recordRoutesFor(inbound: Transport, outbound: Transport): string[] {
  const out = recordRouteOf(outbound);
  const back = recordRouteOf(inbound);
  return out === back ? [out] : [out, back];
}

/** ACK for a non-2xx final on one branch (§17.1.1.3): the request's Request-URI, Via, Route; the response's To. */
export function branchAck(c: CancelSource, res: SipMessage): Buffer {
  let s = `ACK ${c.requestUri} SIP/2.0\r\nVia: ${c.topVia}\r\nMax-Forwards: 70\r\n`;
  for (const r of c.routes) s += `Route: ${r}\r\n`;
  s += `From: ${c.from}\r\nTo: ${res.get('to') ?? c.to}\r\nCall-ID: ${c.callId}\r\nCSeq: ${c.seq} ACK\r\n`;
  return Buffer.from(`${s}Content-Length: 0\r\n\r\n`, 'utf8');
}

/** Is this URI one of our own listening points? Only IP literals are recognised (no lookups on this path). */
export function isOwnUri(ctx: StackContext, uri: Uri): boolean {
  if (uri.kind !== 'sip') return false;
  const protocol = protocolOf(uri);
  const port = uri.port ?? (protocol === 'tls' ? 5061 : 5060);
  return isIP(hostForSocket(uri.host)) !== 0 && ctx.registry.isOwnAddress({ host: uri.host, port });
}

/** A 3xx's Contacts to try next: SIP URIs only, at most 10, none already tried (a redirect loop). */
export function redirectTargets(res: SipMessage, known: ReadonlySet<string>): string[] {
  const contacts = values.contact(res);
  if (!contacts.ok || contacts.value === null || contacts.value.star) return [];
  return contacts.value.addresses
    .filter((a) => a.uri.kind === 'sip')
    .map((a) => a.uri.raw)
    .filter((u) => !known.has(u))
    .slice(0, 10);
}
