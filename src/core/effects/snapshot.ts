import type { MessageSnapshot, NameAddrSnapshot, UriSnapshot } from '../../../dsl/effects.ts';
import {
  type NameAddr,
  type Param,
  parseNameAddr,
  type SipMessage,
  splitList,
  type Uri,
  values,
} from '../../edge/sip/index.ts';

/**
 * The immutable snapshot rules see (dsl/effects.ts MessageSnapshot), built from a parsed message.
 * Built once per hook call; the rules runtime never sees a SipMessage.
 */
export class SnapshotError extends Error {}

function params(list: readonly Param[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list) if (!Object.hasOwn(out, p.key)) out[p.key] = p.value ?? '';
  return out;
}

export function uriSnapshot(u: Uri): UriSnapshot {
  if (u.kind === 'sip') {
    const s: UriSnapshot = { scheme: u.scheme, user: u.user ?? '', host: u.host, params: params(u.params) };
    if (u.port !== null) s.port = u.port;
    return s;
  }
  if (u.kind === 'tel') return { scheme: 'tel', user: u.number, host: '', params: params(u.params) };
  return { scheme: u.scheme, user: '', host: u.opaque, params: {} };
}

export function nameAddrSnapshot(a: NameAddr): NameAddrSnapshot {
  const s: NameAddrSnapshot = { uri: uriSnapshot(a.uri), params: params(a.params) };
  if (a.displayName !== null) s.display = a.displayName;
  return s;
}

function must<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!r.ok) throw new SnapshotError(r.reason);
  return r.value;
}

/** First address of a header that may hold several (P-Asserted-Identity may carry a sip and a tel URI). */
function firstAddress(msg: SipMessage, name: string): NameAddrSnapshot | undefined {
  const v = msg.get(name);
  if (v === undefined) return undefined;
  const first = splitList(v)[0] ?? '';
  const r = parseNameAddr(first, name);
  if (!r.ok) throw new SnapshotError(`Bad ${name} Header: ${r.reason}`);
  return nameAddrSnapshot(r.value);
}

function headerText(msg: SipMessage): string {
  let out = '';
  for (const h of msg.headers)
    if (!h.removed) out += out === '' ? `${h.name}: ${h.value}` : `\n${h.name}: ${h.value}`;
  return out;
}

export function messageSnapshot(msg: SipMessage): MessageSnapshot {
  const isRequest = msg.kind === 'request';
  const snap: MessageSnapshot = {
    kind: msg.kind,
    method: isRequest ? msg.method : must(values.cseq(msg)).method,
    uri: isRequest ? msg.requestUriText : '',
    from: nameAddrSnapshot(must(values.from(msg))),
    to: nameAddrSnapshot(must(values.to(msg))),
    headers: headerText(msg),
    hasSdp: msg.body.length > 0 && values.mediaType(msg) === 'application/sdp',
  };
  if (isRequest) snap.ruri = uriSnapshot(must(values.requestUri(msg)));
  else {
    snap.status = msg.status;
    snap.reason = msg.reason;
  }
  const pai = firstAddress(msg, 'P-Asserted-Identity');
  if (pai) snap.pai = pai;
  const ppi = firstAddress(msg, 'P-Preferred-Identity');
  if (ppi) snap.ppi = ppi;
  const contact = must(values.contact(msg));
  if (contact && !contact.star && contact.addresses[0]) snap.contact = nameAddrSnapshot(contact.addresses[0]);
  return snap;
}
