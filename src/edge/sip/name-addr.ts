// name-addr / addr-spec values of From, To, Contact, Route, Record-Route,
// Reply-To, P-Asserted-Identity... (RFC 3261 §20.10, §25.1).

import { is, isLws, skipLws, TOKEN, trimLws } from './chars.ts';
import type { Result } from './errors.ts';
import { fail, ok } from './errors.ts';
import type { Param } from './params.ts';
import { getParam, parseParams, readQuoted } from './params.ts';
import type { Uri } from './uri.ts';
import { parseUri } from './uri.ts';

export interface NameAddr {
  /** Display name with quotes removed and quoted-pairs resolved; null when absent. */
  displayName: string | null;
  /** True when the URI was enclosed in "<>" (name-addr form). */
  angle: boolean;
  uri: Uri;
  /** Header parameters after the address (tag, expires, q, lr for Route...). */
  params: Param[];
  /** The `tag` parameter, or null (From/To, RFC 3261 §19.3). */
  tag: string | null;
  /** The element as written (one list element). */
  raw: string;
}

/** Contact: "*" (REGISTER removal, RFC 3261 §10.2.2) or addresses. */
export type ContactValue = { star: true } | { star: false; addresses: NameAddr[] };

/**
 * Parses one name-addr or addr-spec followed by header params. The input is
 * one element: list splitting happens before.
 */
export function parseNameAddr(s: string, what: string): Result<NameAddr> {
  let p = skipLws(s, 0);
  let displayName: string | null = null;
  let angle = false;
  let uriText: string;
  if (p >= s.length) return fail(`empty ${what}`);
  if (s.charCodeAt(p) === 34) {
    const q = readQuoted(s, p);
    if (!q) return fail(`unterminated quoted display name in ${what}`);
    displayName = q.text;
    p = skipLws(s, q.end);
    if (s.charCodeAt(p) !== 60) return fail(`expected "<" after display name in ${what}`);
  } else {
    // Unquoted display names are *(token LWS) (RFC 4475 §3.1.1.6, §3.1.2.15).
    let e = p;
    while (e < s.length && (is(s.charCodeAt(e), TOKEN) || isLws(s.charCodeAt(e)))) e++;
    if (s.charCodeAt(e) === 60) {
      const name = trimLws(s.slice(p, e));
      displayName = name.length > 0 ? name.replace(/[ \t\r\n]+/g, ' ') : null;
      p = e;
    }
  }
  if (s.charCodeAt(p) === 60) {
    angle = true;
    const close = s.indexOf('>', p);
    if (close < 0) return fail(`missing ">" in ${what}`);
    uriText = s.slice(p + 1, close);
    // No LWS inside the brackets (RFC 3261 §25.1 name-addr; RFC 4475 §3.1.2.14).
    if (
      uriText.length > 0 &&
      (isLws(uriText.charCodeAt(0)) || isLws(uriText.charCodeAt(uriText.length - 1)))
    ) {
      return fail(`whitespace inside <> in ${what}`);
    }
    p = close + 1;
  } else {
    // addr-spec: the URI ends at the first ";" (those are header params) or
    // whitespace; a URI with "?" must be enclosed in "<>" (§20.10, RFC 4475 §3.1.2.13).
    let e = p;
    while (e < s.length) {
      const c = s.charCodeAt(e);
      if (c === 59 || isLws(c)) break;
      e++;
    }
    uriText = s.slice(p, e);
    // Text before a "<" that is neither a quoted string nor tokens: e.g. an
    // unquoted comma (RFC 4475 §3.1.2.15).
    const lt = s.indexOf('<', p);
    const quote = s.indexOf('"', p);
    if (lt >= 0 && (quote < 0 || lt < quote)) {
      return fail(`display name must be quoted in ${what}`);
    }
    if (uriText.indexOf('?') >= 0) return fail(`URI with headers must be enclosed in <> in ${what}`);
    p = e;
  }
  const uri = parseUri(uriText);
  if (!uri.ok) return fail(`${uri.reason} in ${what}`);
  const params = parseParams(s, p, what);
  if (!params.ok) return params;
  const tag = getParam(params.value, 'tag');
  if (tag === null) return fail(`tag parameter without value in ${what}`);
  return ok({
    displayName,
    angle,
    uri: uri.value,
    params: params.value,
    tag: tag ?? null,
    raw: s,
  });
}

/** Parses a list of name-addr elements already split at top-level commas. Empty elements are errors. */
export function parseNameAddrList(elements: readonly string[], what: string): Result<NameAddr[]> {
  const out: NameAddr[] = [];
  for (const el of elements) {
    if (el.length === 0) return fail(`empty element in ${what}`);
    const r = parseNameAddr(el, what);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}

/** Contact elements: a lone "*" or addresses (the two cannot mix). */
export function parseContact(elements: readonly string[]): Result<ContactValue> {
  if (elements.length === 1 && elements[0] === '*') return ok({ star: true });
  const list = parseNameAddrList(elements, 'Contact');
  if (!list.ok) return list;
  return ok({ star: false, addresses: list.value });
}

/** Writes a name-addr: quoted display name when present, URI always in "<>". */
export function formatNameAddr(
  displayName: string | null,
  uri: string,
  params: readonly Param[] = [],
): string {
  let out = '';
  if (displayName !== null && displayName.length > 0) {
    out += `"${displayName.replace(/["\\]/g, (c) => `\\${c}`)}" `;
  }
  out += `<${uri}>`;
  for (const p of params) out += p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`;
  return out;
}
