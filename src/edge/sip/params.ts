// Header parameters (`*( SEMI generic-param )`, RFC 3261 §25.1) and quoted
// strings. LWS is allowed around ";" and "=" (SEMI and EQUAL are SWS-padded).

import { is, skipLws, TOKEN } from './chars.ts';
import type { Result } from './errors.ts';
import { fail, ok } from './errors.ts';

export interface Param {
  /** Name as written. */
  name: string;
  /** Lower-cased name: parameter names compare case-insensitively (RFC 3261 §7.3.1). */
  key: string;
  /** Value as written (quoted strings keep their quotes), or null for a flag parameter. */
  value: string | null;
}

export interface Quoted {
  /** Content with quoted-pairs resolved. */
  text: string;
  /** Index just after the closing quote. */
  end: number;
}

/** Reads a quoted-string starting at s[i] === '"'. Null when it is not terminated. */
export function readQuoted(s: string, i: number): Quoted | null {
  let text = '';
  let from = i + 1;
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 92 /* \ */) {
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): CR and LF cannot be escaped.
      const n = s.charCodeAt(j + 1);
      if (j + 1 >= s.length || n === 10 || n === 13 || n > 0x7f) return null;
      text += s.slice(from, j);
      from = j + 1;
      j++;
    } else if (c === 34) {
      text += s.slice(from, j);
      return { text, end: j + 1 };
    }
  }
  return null;
}

/** Removes surrounding quotes and resolves quoted-pairs; other values are returned unchanged. */
export function unquote(v: string): string {
  if (v.length >= 2 && v.charCodeAt(0) === 34) {
    const q = readQuoted(v, 0);
    if (q && q.end === v.length) return q.text;
  }
  return v;
}

function readToken(s: string, i: number): number {
  while (i < s.length && is(s.charCodeAt(i), TOKEN)) i++;
  return i;
}

/**
 * Reads a gen-value (token / host / quoted-string) at s[i]. Returns the end
 * index or -1. IPv6 references ("[...]") are accepted for host values.
 */
function readGenValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === 34) {
    const q = readQuoted(s, i);
    return q ? q.end : -1;
  }
  if (c === 91 /* [ */) {
    const close = s.indexOf(']', i);
    if (close < 0) return -1;
    for (let j = i + 1; j < close; j++) {
      const d = s.charCodeAt(j);
      if (!(is(d, TOKEN) || d === 58 /* : */)) return -1;
    }
    return close + 1;
  }
  const end = readToken(s, i);
  return end > i ? end : -1;
}

/**
 * Parses `*( SEMI generic-param )` from s[i] to the end of s (callers split
 * list values first). Anything after the parameters but whitespace is an error.
 */
export function parseParams(s: string, i: number, what: string): Result<Param[]> {
  const params: Param[] = [];
  let p = skipLws(s, i);
  while (p < s.length) {
    if (s.charCodeAt(p) !== 59 /* ; */) return fail(`unexpected character in ${what} parameters`);
    p = skipLws(s, p + 1);
    const nameEnd = readToken(s, p);
    if (nameEnd === p) return fail(`empty parameter in ${what}`);
    const name = s.slice(p, nameEnd);
    p = skipLws(s, nameEnd);
    let value: string | null = null;
    if (p < s.length && s.charCodeAt(p) === 61 /* = */) {
      p = skipLws(s, p + 1);
      const vEnd = readGenValue(s, p);
      if (vEnd < 0) return fail(`bad parameter value in ${what}`);
      value = s.slice(p, vEnd);
      p = skipLws(s, vEnd);
    }
    params.push({ name, key: name.toLowerCase(), value });
  }
  return ok(params);
}

/** The value of the first parameter with this (lower-case) key: string, null for a flag, undefined when absent. */
export function getParam(params: readonly Param[], key: string): string | null | undefined {
  for (const p of params) if (p.key === key) return p.value;
  return undefined;
}

export function hasParam(params: readonly Param[], key: string): boolean {
  for (const p of params) if (p.key === key) return true;
  return false;
}

/** Serialises parameters as `;name=value` (no padding). */
export function formatParams(params: readonly Param[]): string {
  let out = '';
  for (const p of params) out += p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`;
  return out;
}
