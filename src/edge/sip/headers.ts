// Header names: compact forms, canonical keys and casing, and which headers
// carry comma-separated lists (RFC 3261 §7.3, §20).

import { trimLws } from './chars.ts';

/** Compact forms: RFC 3261 §7.3.3 and the extensions that registered one. */
const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event', // RFC 6665
  u: 'allow-events', // RFC 6665
  r: 'refer-to', // RFC 3515
  b: 'referred-by', // RFC 3892
  x: 'session-expires', // RFC 4028
  y: 'identity', // RFC 8224
  n: 'identity-info', // RFC 4474
  a: 'accept-contact', // RFC 3841
  j: 'reject-contact', // RFC 3841
  d: 'request-disposition', // RFC 3841
};

/** Canonical spelling used when the edge writes a header it did not receive. */
const CANONICAL: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  rack: 'RAck',
  rseq: 'RSeq',
  'p-asserted-identity': 'P-Asserted-Identity',
  'p-preferred-identity': 'P-Preferred-Identity',
  'sip-etag': 'SIP-ETag',
  'sip-if-match': 'SIP-If-Match',
  'min-se': 'Min-SE',
  // Microsoft's spelling of the Teams headers (seeds/004).
  'x-ms-sbc': 'X-MS-SBC',
  'x-ms-fmc': 'X-MS-FMC',
};

/**
 * Headers whose values are comma-separated lists (RFC 3261 §7.3.1): every
 * header whose grammar is `#element`. Authorization-style headers, Date,
 * Warning-free text headers etc. are excluded because commas occur inside
 * one value.
 */
const LIST = new Set([
  'via',
  'contact',
  'route',
  'record-route',
  'path',
  'service-route',
  'allow',
  'allow-events',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
  'accept-encoding',
  'accept-language',
  'content-encoding',
  'content-language',
  'in-reply-to',
  'alert-info',
  'call-info',
  'error-info',
  'reply-to',
  'p-asserted-identity',
  'p-preferred-identity',
  'security-client',
  'security-server',
  'security-verify',
  'accept-contact',
  'reject-contact',
  'request-disposition',
  'reason',
  'history-info',
  'privacy',
]);

/** Headers that RFC 3261 allows only once in a message (§7.3.1, §20). */
const SINGLE = new Set([
  'call-id',
  'cseq',
  'from',
  'to',
  'max-forwards',
  'content-length',
  'content-type',
  'expires',
  'min-expires',
  'date',
  'mime-version',
  'session-expires',
  'min-se',
  'rack',
  'rseq',
  'event',
  'refer-to',
]);

// A cache of spellings seen on the wire ("Via", "CSeq", "v") to their keys, so
// the common case costs one map lookup instead of lower-casing every name.
const keyCache = new Map<string, string>();
const KEY_CACHE_MAX = 2048;

/** Canonical lookup key for a header name as written: lower case, compact form expanded. */
export function headerKey(name: string): string {
  const cached = keyCache.get(name);
  if (cached !== undefined) return cached;
  const lower = name.toLowerCase();
  const key = COMPACT[lower] ?? lower;
  if (keyCache.size < KEY_CACHE_MAX) keyCache.set(name, key);
  return key;
}

/** The spelling to write for a key: the RFC's casing where it is irregular, else Capitalised-Words. */
export function canonicalName(nameOrKey: string): string {
  const key = headerKey(nameOrKey);
  const special = CANONICAL[key];
  if (special !== undefined) return special;
  return key.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

export function isListHeader(key: string): boolean {
  return LIST.has(key);
}

export function isSingleHeader(key: string): boolean {
  return SINGLE.has(key);
}

/**
 * Splits a list header value at commas that are outside quoted strings and
 * angle brackets (RFC 3261 §7.3.1). Elements are trimmed; empty elements are
 * kept so callers can decide whether `a,,b` is an error.
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 92 /* \ */) i++;
      else if (c === 34) inQuote = false;
    } else if (c === 34) inQuote = true;
    else if (c === 60 /* < */) inAngle = true;
    else if (c === 62 /* > */) inAngle = false;
    else if (c === 44 /* , */ && !inAngle) {
      out.push(trimLws(value.slice(start, i)));
      start = i + 1;
    }
  }
  out.push(trimLws(value.slice(start)));
  return out;
}
