// URIs: SIP/SIPS (RFC 3261 §19.1, §25.1), tel (RFC 3966) and any other
// absoluteURI kept opaque (RFC 4475 §3.3.2/§3.3.4: unknown schemes parse).

import {
  escapeChars,
  allDigits,
  allIn,
  HNV,
  isDigit,
  isHex,
  PARAM,
  PASSWORD,
  percentDecode,
  TOKEN,
  URIC,
  USER,
} from './chars.ts';
import type { Result } from './errors.ts';
import { fail, ok } from './errors.ts';
import type { Param } from './params.ts';

export type HostKind = 'name' | 'ipv4' | 'ipv6';

export interface SipUri {
  kind: 'sip';
  scheme: 'sip' | 'sips';
  /** User part with %HH escapes decoded (RFC 4475 §3.1.1.3), or null. */
  user: string | null;
  /** User part as written. */
  userRaw: string | null;
  password: string | null;
  /** Host as written; IPv6 references keep their brackets (RFC 5118). */
  host: string;
  hostKind: HostKind;
  port: number | null;
  /** uri-parameters, names and values unescaped. */
  params: Param[];
  /** headers ("?a=b&c=d"), unescaped. */
  headers: Array<{ name: string; value: string }>;
  raw: string;
}

export interface TelUri {
  kind: 'tel';
  scheme: 'tel';
  /** The subscriber number as written, visual separators included. */
  number: string;
  /** True for a global number ("+" prefix, RFC 3966 §5.1.4). */
  global: boolean;
  params: Param[];
  raw: string;
}

export interface OtherUri {
  kind: 'other';
  /** Lower-cased scheme. */
  scheme: string;
  /** Everything after "scheme:". */
  opaque: string;
  raw: string;
}

export type Uri = SipUri | TelUri | OtherUri;

function schemeEnd(s: string): number {
  const c0 = s.charCodeAt(0);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122))) return -1;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 58 /* : */) return i;
    const ok =
      (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || isDigit(c) || c === 43 || c === 45 || c === 46;
    if (!ok) return -1;
  }
  return -1;
}

/** Parses any URI. Errors name the part that is wrong. */
export function parseUri(s: string): Result<Uri> {
  const colon = schemeEnd(s);
  if (colon < 0) return fail('not a URI');
  const scheme = s.slice(0, colon).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(s, scheme, colon + 1);
  if (scheme === 'tel') return parseTelUri(s, colon + 1);
  const opaque = s.slice(colon + 1);
  if (opaque.length === 0 || !allIn(opaque, 0, opaque.length, URIC, true)) {
    return fail(`bad characters in ${scheme} URI`);
  }
  return ok({ kind: 'other', scheme, opaque, raw: s });
}

export function parseHost(h: string): HostKind | null {
  if (h.length === 0) return null;
  if (h.charCodeAt(0) === 91 /* [ */) {
    if (h.charCodeAt(h.length - 1) !== 93 || h.indexOf(':') < 0) return null;
    for (let i = 1; i < h.length - 1; i++) {
      const c = h.charCodeAt(i);
      if (!(isHex(c) || c === 58 || c === 46)) return null;
    }
    return 'ipv6';
  }
  // One pass: IPv4 when it is four dot-separated decimal octets (each <= 255),
  // else a hostname of alphanum, "-" and "." ("_" tolerated, it occurs in
  // real deployments).
  let dots = 0;
  let digitsOnly = true;
  let octet = 0;
  let octetDigits = 0;
  let octetsOk = true;
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c === 46) {
      if (octetDigits === 0) octetsOk = false;
      dots++;
      octet = 0;
      octetDigits = 0;
    } else if (isDigit(c)) {
      octet = octet * 10 + (c - 48);
      octetDigits++;
      if (octet > 255 || octetDigits > 3) octetsOk = false;
    } else {
      digitsOnly = false;
      if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95)) return null;
    }
  }
  if (digitsOnly && dots === 3) return octetsOk && octetDigits > 0 ? 'ipv4' : null;
  return 'name';
}

function parseSipUri(s: string, scheme: 'sip' | 'sips', start: number): Result<SipUri> {
  // "@" cannot occur unescaped after the userinfo (not in params, headers or
  // the host), so the first one ends the userinfo (RFC 4475 §3.1.1.2).
  let user: string | null = null;
  let userRaw: string | null = null;
  let password: string | null = null;
  let p = start;
  const at = s.indexOf('@', start);
  if (at >= 0) {
    const userinfo = s.slice(start, at);
    const pc = userinfo.indexOf(':');
    userRaw = pc >= 0 ? userinfo.slice(0, pc) : userinfo;
    if (userRaw.length === 0) return fail('empty user part in SIP URI');
    if (!allIn(userRaw, 0, userRaw.length, USER, true)) return fail('bad characters in SIP URI user part');
    user = percentDecode(userRaw);
    if (pc >= 0) {
      const pw = userinfo.slice(pc + 1);
      if (!allIn(pw, 0, pw.length, PASSWORD, true)) return fail('bad characters in SIP URI password');
      password = percentDecode(pw);
    }
    p = at + 1;
  }
  let hostEnd: number;
  if (s.charCodeAt(p) === 91) {
    const close = s.indexOf(']', p);
    if (close < 0) return fail('unterminated IPv6 reference in SIP URI');
    hostEnd = close + 1;
  } else {
    hostEnd = p;
    while (hostEnd < s.length) {
      const c = s.charCodeAt(hostEnd);
      if (c === 58 || c === 59 || c === 63) break;
      hostEnd++;
    }
  }
  const host = s.slice(p, hostEnd);
  const hostKind = parseHost(host);
  if (hostKind === null) return fail('bad host in SIP URI');
  p = hostEnd;
  let port: number | null = null;
  if (s.charCodeAt(p) === 58) {
    let e = p + 1;
    while (e < s.length && isDigit(s.charCodeAt(e))) e++;
    const digits = s.slice(p + 1, e);
    if (!allDigits(digits) || digits.length > 5 || Number(digits) > 65535) return fail('bad port in SIP URI');
    port = Number(digits);
    p = e;
  }
  const params: Param[] = [];
  while (s.charCodeAt(p) === 59) {
    let e = p + 1;
    while (e < s.length && s.charCodeAt(e) !== 59 && s.charCodeAt(e) !== 63) e++;
    const part = s.slice(p + 1, e);
    const eq = part.indexOf('=');
    const rawName = eq >= 0 ? part.slice(0, eq) : part;
    const rawValue = eq >= 0 ? part.slice(eq + 1) : null;
    if (rawName.length === 0 || !allIn(rawName, 0, rawName.length, PARAM, true)) {
      return fail('bad parameter name in SIP URI');
    }
    if (rawValue !== null && (rawValue.length === 0 || !allIn(rawValue, 0, rawValue.length, PARAM, true))) {
      return fail('bad URI parameter value');
    }
    const name = percentDecode(rawName);
    params.push({ name, key: name.toLowerCase(), value: rawValue === null ? null : percentDecode(rawValue) });
    p = e;
  }
  const headers: Array<{ name: string; value: string }> = [];
  if (s.charCodeAt(p) === 63) {
    for (const part of s.slice(p + 1).split('&')) {
      const eq = part.indexOf('=');
      if (eq <= 0) return fail('bad header in SIP URI');
      const n = part.slice(0, eq);
      const v = part.slice(eq + 1);
      if (!allIn(n, 0, n.length, HNV, true) || !allIn(v, 0, v.length, HNV, true)) {
        return fail('bad characters in SIP URI headers');
      }
      headers.push({ name: percentDecode(n), value: percentDecode(v) });
    }
    p = s.length;
  }
  if (p !== s.length) return fail('unexpected character in SIP URI');
  return ok({ kind: 'sip', scheme, user, userRaw, password, host, hostKind, port, params, headers, raw: s });
}

function parseTelUri(s: string, start: number): Result<TelUri> {
  const semi = s.indexOf(';', start);
  const number = s.slice(start, semi < 0 ? s.length : semi);
  if (number.length === 0) return fail('empty tel URI');
  const global = number.charCodeAt(0) === 43;
  for (let i = global ? 1 : 0; i < number.length; i++) {
    const c = number.charCodeAt(i);
    // phonedigit-hex and visual separators (RFC 3966 §3).
    if (!(isHex(c) || c === 45 || c === 46 || c === 40 || c === 41 || c === 42 || c === 35)) {
      return fail('bad characters in tel URI number');
    }
  }
  const params: Param[] = [];
  if (semi >= 0) {
    for (const part of s.slice(semi + 1).split(';')) {
      const eq = part.indexOf('=');
      const name = eq >= 0 ? part.slice(0, eq) : part;
      const value = eq >= 0 ? part.slice(eq + 1) : null;
      if (name.length === 0 || !allIn(name, 0, name.length, TOKEN, false))
        return fail('bad tel URI parameter');
      if (value !== null && !allIn(value, 0, value.length, PARAM, true))
        return fail('bad tel URI parameter value');
      params.push({ name, key: name.toLowerCase(), value });
    }
  }
  return ok({ kind: 'tel', scheme: 'tel', number, global, params, raw: s });
}

/**
 * Builds the text of a SIP URI. User and password are the decoded values (as parsed, or as a rule
 * wrote them) and are escaped here (RFC 3261 §19.1.2): a space, `@` or `>` in a user can never
 * break the URI or the header it sits in. Parameters and headers are written as given.
 */
export function formatSipUri(u: Omit<SipUri, 'raw' | 'kind' | 'userRaw' | 'hostKind'>): string {
  let out = `${u.scheme}:`;
  // RFC 3261 §19.1.1: "If the @ sign is present in a SIP URI, the user field MUST NOT be empty."
  if (u.user !== null && u.user !== '') {
    const user = escapeChars(u.user, USER);
    out += u.password !== null ? `${user}:${escapeChars(u.password, PASSWORD)}@` : `${user}@`;
  }
  out += u.host;
  if (u.port !== null) out += `:${u.port}`;
  for (const p of u.params) out += p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`;
  if (u.headers.length > 0) out += `?${u.headers.map((h) => `${h.name}=${h.value}`).join('&')}`;
  return out;
}
