// Typed header values, parsed on first access and memoised on the message.
// Each accessor returns a Result so callers (validation, transaction
// matching, the wire protocol) get a reason instead of an exception.

import { allDigits, allIn, is, isDigit, isLws, TOKEN, trimLws, WORD } from './chars.ts';
import type { Result } from './errors.ts';
import { fail, ok } from './errors.ts';
import { splitList } from './headers.ts';
import type { SipMessage } from './message.ts';
import type { ContactValue, NameAddr } from './name-addr.ts';
import { parseContact, parseNameAddr, parseNameAddrList } from './name-addr.ts';
import type { Uri } from './uri.ts';
import { parseUri } from './uri.ts';
import type { Via } from './via.ts';
import { parseVia, parseViaList } from './via.ts';

export interface CSeq {
  seq: number;
  method: string;
}

/** RFC 3261 §8.1.1.5: a CSeq number is a 32-bit unsigned integer. */
const MAX_CSEQ = 2 ** 32 - 1;

export function parseCSeq(value: string): Result<CSeq> {
  let p = 0;
  while (p < value.length && isDigit(value.charCodeAt(p))) p++;
  if (p === 0) return fail('CSeq without sequence number');
  const digits = value.slice(0, p);
  const seq = digits.length > 10 ? Number.POSITIVE_INFINITY : Number(digits);
  if (seq > MAX_CSEQ) return fail('CSeq Number Out of Range');
  if (!isLws(value.charCodeAt(p))) return fail('Malformed CSeq');
  while (p < value.length && isLws(value.charCodeAt(p))) p++;
  const method = value.slice(p);
  if (method.length === 0) return fail('CSeq without method');
  for (let i = 0; i < method.length; i++)
    if (!is(method.charCodeAt(i), TOKEN)) return fail('Malformed CSeq method');
  return ok({ seq, method });
}

/** callid = word [ "@" word ] (RFC 3261 §25.1). */
export function isValidCallId(value: string): boolean {
  const at = value.indexOf('@');
  if (at < 0) return value.length > 0 && allIn(value, 0, value.length, WORD, false);
  return (
    at > 0 &&
    at < value.length - 1 &&
    allIn(value, 0, at, WORD, false) &&
    allIn(value, at + 1, value.length, WORD, false)
  );
}

/** The one line of a header that may appear once; absent or repeated is an error (RFC 4475 §3.3.8). */
function single(msg: SipMessage, key: string, what: string): Result<string> {
  const list = msg.entries(key);
  if (list.length === 0) return fail(`Missing ${what} Header`);
  if (list.length > 1) return fail(`Multiple ${what} Headers`);
  return ok(list[0]!.value);
}

// Each accessor memoises a module-level compute function (no closure is
// allocated on the hot path, where most calls are cache hits).

function computeRequestUri(msg: SipMessage): Result<Uri> {
  const r = parseUri(msg.requestUriText);
  return r.ok ? r : fail(`Bad Request-URI: ${r.reason}`);
}

export function requestUri(msg: SipMessage): Result<Uri> {
  return msg.memo('ruri', computeRequestUri);
}

function computeVias(msg: SipMessage): Result<Via[]> {
  const elements = msg.values('via');
  if (elements.length === 0) return fail('Missing Via Header');
  const r = parseViaList(elements);
  return r.ok ? r : fail(`Bad Via Header: ${r.reason}`);
}

export function vias(msg: SipMessage): Result<Via[]> {
  return msg.memo('via', computeVias);
}

function computeTopVia(msg: SipMessage): Result<Via> {
  const first = msg.entries('via')[0];
  if (first === undefined) return fail('Missing Via Header');
  const element = first.value.indexOf(',') < 0 ? first.value : splitList(first.value)[0]!;
  if (element.length === 0) return fail('Bad Via Header: empty Via element');
  const r = parseVia(element);
  return r.ok ? r : fail(`Bad Via Header: ${r.reason}`);
}

/** Only the first Via element: all that transaction matching needs (RFC 3261 §17.2.3). */
export function topVia(msg: SipMessage): Result<Via> {
  return msg.memo('via:top', computeTopVia);
}

function nameAddrHeader(msg: SipMessage, key: string, what: string): Result<NameAddr> {
  const v = single(msg, key, what);
  if (!v.ok) return v;
  const r = parseNameAddr(v.value, what);
  return r.ok ? r : fail(`Bad ${what} Header: ${r.reason}`);
}

const computeFrom = (msg: SipMessage): Result<NameAddr> => nameAddrHeader(msg, 'from', 'From');
const computeTo = (msg: SipMessage): Result<NameAddr> => nameAddrHeader(msg, 'to', 'To');

export function from(msg: SipMessage): Result<NameAddr> {
  return msg.memo('from', computeFrom);
}

export function to(msg: SipMessage): Result<NameAddr> {
  return msg.memo('to', computeTo);
}

function computeCallId(msg: SipMessage): Result<string> {
  const v = single(msg, 'call-id', 'Call-ID');
  if (!v.ok) return v;
  return isValidCallId(v.value) ? v : fail('Bad Call-ID Header');
}

export function callId(msg: SipMessage): Result<string> {
  return msg.memo('call-id', computeCallId);
}

function computeCSeq(msg: SipMessage): Result<CSeq> {
  const v = single(msg, 'cseq', 'CSeq');
  if (!v.ok) return v;
  return parseCSeq(v.value);
}

export function cseq(msg: SipMessage): Result<CSeq> {
  return msg.memo('cseq', computeCSeq);
}

function computeMaxForwards(msg: SipMessage): Result<number | null> {
  const list = msg.entries('max-forwards');
  if (list.length === 0) return ok(null);
  if (list.length > 1) return fail('Multiple Max-Forwards Headers');
  const v = list[0]!.value;
  if (!allDigits(v)) return fail('Bad Max-Forwards Header');
  const n = v.length > 10 ? Number.POSITIVE_INFINITY : Number(v);
  return n > 255 ? fail('Max-Forwards Out of Range') : ok(n);
}

/** Max-Forwards (0-255, RFC 3261 §20.22); null when absent (RFC 2543 peers, RFC 4475 §3.4.1). */
export function maxForwards(msg: SipMessage): Result<number | null> {
  return msg.memo('max-forwards', computeMaxForwards);
}

function computeContact(msg: SipMessage): Result<ContactValue | null> {
  const elements = msg.values('contact');
  if (elements.length === 0) return ok(null);
  const r = parseContact(elements);
  return r.ok ? r : fail(`Bad Contact Header: ${r.reason}`);
}

/** Contact; null when absent. */
export function contact(msg: SipMessage): Result<ContactValue | null> {
  return msg.memo('contact', computeContact);
}

function addressList(msg: SipMessage, key: string, what: string): Result<NameAddr[]> {
  const r = parseNameAddrList(msg.values(key), what);
  return r.ok ? r : fail(`Bad ${what} Header: ${r.reason}`);
}

const computeRoutes = (msg: SipMessage): Result<NameAddr[]> => addressList(msg, 'route', 'Route');
const computeRecordRoutes = (msg: SipMessage): Result<NameAddr[]> =>
  addressList(msg, 'record-route', 'Record-Route');

export function routes(msg: SipMessage): Result<NameAddr[]> {
  return msg.memo('route', computeRoutes);
}

export function recordRoutes(msg: SipMessage): Result<NameAddr[]> {
  return msg.memo('record-route', computeRecordRoutes);
}

/** Option tags of Require / Proxy-Require / Supported / Unsupported (RFC 3261 §20.32). */
export function optionTags(msg: SipMessage, name: string): string[] {
  return msg.values(name).filter((t) => t.length > 0);
}

/** Media type of Content-Type without parameters, lower-cased; null when absent. */
export function mediaType(msg: SipMessage): string | null {
  const v = msg.get('content-type');
  if (v === undefined) return null;
  const semi = v.indexOf(';');
  return trimLws(semi < 0 ? v : v.slice(0, semi)).toLowerCase();
}
