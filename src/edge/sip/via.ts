// Via values (RFC 3261 §20.42, §25.1): sent-protocol, sent-by and the
// parameters transaction matching needs (§17.1.3, §17.2.3), plus rport
// (RFC 3581).

import { allDigits, is, isDigit, isLws, skipLws, TOKEN } from './chars.ts';
import type { Result } from './errors.ts';
import { fail, ok } from './errors.ts';
import type { Param } from './params.ts';
import { getParam, parseParams } from './params.ts';
import { parseHost } from './uri.ts';

/** RFC 3261 §8.1.1.7: branches of RFC 3261 clients start with this cookie. */
export const MAGIC_COOKIE = 'z9hG4bK';

export interface Via {
  /** Protocol name and version, e.g. "SIP/2.0" (upper-cased). */
  protocol: string;
  /** Transport upper-cased: UDP, TCP, TLS, SCTP, WS, WSS or an extension. */
  transport: string;
  /** sent-by host as written (IPv6 with brackets). */
  host: string;
  port: number | null;
  params: Param[];
  /** branch parameter, or null (RFC 2543 peers omit it, RFC 4475 §3.4.1). */
  branch: string | null;
  received: string | null;
  /** rport: undefined when absent, null when present without a value, else the number. */
  rport: number | null | undefined;
  maddr: string | null;
  /** The element as written. */
  raw: string;
}

function readToken(s: string, i: number): number {
  while (i < s.length && is(s.charCodeAt(i), TOKEN)) i++;
  return i;
}

/** `SWS "/" SWS` (SLASH) between the sent-protocol parts. */
function readSlash(s: string, i: number): number {
  const p = skipLws(s, i);
  return s.charCodeAt(p) === 47 ? skipLws(s, p + 1) : -1;
}

/** Parses one via-parm (a list element). */
export function parseVia(s: string): Result<Via> {
  let p = skipLws(s, 0);
  const nameEnd = readToken(s, p);
  if (nameEnd === p) return fail('bad Via protocol name');
  const name = s.slice(p, nameEnd);
  p = readSlash(s, nameEnd);
  if (p < 0) return fail('bad Via sent-protocol');
  const versionEnd = readToken(s, p);
  if (versionEnd === p) return fail('bad Via protocol version');
  const version = s.slice(p, versionEnd);
  p = readSlash(s, versionEnd);
  if (p < 0) return fail('bad Via sent-protocol');
  const transportEnd = readToken(s, p);
  if (transportEnd === p) return fail('bad Via transport');
  const transport = s.slice(p, transportEnd).toUpperCase();
  if (!isLws(s.charCodeAt(transportEnd))) return fail('missing space before Via sent-by');
  p = skipLws(s, transportEnd);
  let hostEnd: number;
  if (s.charCodeAt(p) === 91) {
    const close = s.indexOf(']', p);
    if (close < 0) return fail('unterminated IPv6 reference in Via');
    hostEnd = close + 1;
  } else {
    hostEnd = p;
    while (hostEnd < s.length) {
      const c = s.charCodeAt(hostEnd);
      if (c === 58 || c === 59 || isLws(c)) break;
      hostEnd++;
    }
  }
  const host = s.slice(p, hostEnd);
  if (parseHost(host) === null) return fail('bad Via sent-by host');
  p = skipLws(s, hostEnd);
  let port: number | null = null;
  if (s.charCodeAt(p) === 58) {
    p = skipLws(s, p + 1);
    let e = p;
    while (e < s.length && isDigit(s.charCodeAt(e))) e++;
    const digits = s.slice(p, e);
    if (!allDigits(digits) || digits.length > 5 || Number(digits) > 65535)
      return fail('bad Via sent-by port');
    port = Number(digits);
    p = e;
  }
  const params = parseParams(s, p, 'Via');
  if (!params.ok) return params;
  const list = params.value;
  const branch = getParam(list, 'branch');
  const received = getParam(list, 'received');
  const maddr = getParam(list, 'maddr');
  const rportRaw = getParam(list, 'rport');
  let rport: number | null | undefined;
  if (rportRaw === null) rport = null;
  else if (typeof rportRaw === 'string') {
    if (!allDigits(rportRaw) || Number(rportRaw) > 65535) return fail('bad Via rport');
    rport = Number(rportRaw);
  }
  if (branch === null || received === null || maddr === null) return fail('Via parameter without value');
  return ok({
    protocol: `${name.toUpperCase()}/${version}`,
    transport,
    host,
    port,
    params: list,
    branch: branch ?? null,
    received: received ?? null,
    rport,
    maddr: maddr ?? null,
    raw: s,
  });
}

/** Parses every Via element (already split at commas); an empty element is an error (RFC 4475 §3.1.2.1). */
export function parseViaList(elements: readonly string[]): Result<Via[]> {
  const out: Via[] = [];
  for (const el of elements) {
    if (el.length === 0) return fail('empty Via element');
    const v = parseVia(el);
    if (!v.ok) return v;
    out.push(v.value);
  }
  return ok(out);
}

/** True when the branch carries an RFC 3261 transaction id: the cookie and something after it (RFC 4475 §3.2.1). */
export function isRfc3261Branch(branch: string | null): boolean {
  return branch !== null && branch.length > MAGIC_COOKIE.length && branch.startsWith(MAGIC_COOKIE);
}
