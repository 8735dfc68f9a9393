import type { NumberingPlan } from '../e164.ts';
import type { NameAddrSnapshot, UriSnapshot } from '../effects.ts';

/**
 * Numbers, headers, addresses, CIDRs and status classes for generated code. Embedded in generated
 * programs by source text (see prelude.ts), so it must stay self-contained: it may use only its
 * parameters (the numbering plans, and the regex test of lib-regex.ts) and JavaScript built-ins.
 */
export function textLibrary(
  plans: Record<string, NumberingPlan>,
  rxTest: (rx: never, s: string, from: number, to: number) => boolean = () => false,
) {
  const hasOwn = Object.prototype.hasOwnProperty;
  /** Property read that never reaches the prototype chain (`constructor`, `__proto__`). */
  function own(obj: unknown, key: string): unknown {
    if (obj === null || typeof obj !== 'object') return undefined;
    return hasOwn.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
  }

  // ---- numbers (same rules as dsl/e164.ts; a test keeps the two equal) ----
  const SEPARATORS = /[\s\-.()/]/g;
  const validE164 = (digits: string) => (/^[1-9][0-9]{1,14}$/.test(digits) ? `+${digits}` : undefined);
  function e164(input: string, country: string): string | undefined {
    const plan = own(plans, country) as NumberingPlan | undefined;
    if (plan === undefined) return undefined;
    const s = input.replace(SEPARATORS, '');
    if (s.startsWith('+')) return validE164(s.slice(1));
    if (!/^[0-9]+$/.test(s)) return undefined;
    if (s.startsWith(plan.internationalPrefix)) return validE164(s.slice(plan.internationalPrefix.length));
    if (plan.nationalPrefix !== '' && s.startsWith(plan.nationalPrefix)) {
      const nsn = s.slice(plan.nationalPrefix.length);
      if (plan.lengths.includes(nsn.length)) return validE164(plan.cc + nsn);
    }
    if (plan.lengths.includes(s.length)) return validE164(plan.cc + s);
    return undefined;
  }
  function national(input: string, country: string): string | undefined {
    const plan = own(plans, country) as NumberingPlan | undefined;
    if (plan === undefined || !/^\+[1-9][0-9]{1,14}$/.test(input)) return undefined;
    const digits = input.slice(1);
    if (digits.startsWith(plan.cc)) return plan.nationalPrefix + digits.slice(plan.cc.length);
    return plan.internationalPrefix + digits;
  }

  // ---- headers ----
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
    o: 'event',
    r: 'refer-to',
    b: 'referred-by',
    u: 'allow-events',
    x: 'session-expires',
    y: 'identity',
    a: 'accept-contact',
    j: 'reject-contact',
    d: 'request-disposition',
  };
  // Header names repeat across calls, so their keys are cached (bounded: hostile names cannot grow it).
  const keyCache = new Map<string, string>();
  function headerKey(name: string): string {
    const hit = keyCache.get(name);
    if (hit !== undefined) return hit;
    const l = name.toLowerCase();
    const key = (own(COMPACT, l) as string | undefined) ?? l;
    if (keyCache.size < 512) keyCache.set(name, key);
    return key;
  }
  // Header lines are scanned in place: no index is built and nothing is allocated but the values
  // returned, because garbage per call sets how often the isolate stops for a collection.
  /** Does the name at text[s, e) denote the header with this (lower-case, long-form) key? */
  function sameName(text: string, s: number, e: number, key: string): boolean {
    while (e > s && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
    if (e - s === 1 && key.length > 1) return own(COMPACT, text[s]!.toLowerCase()) === key;
    if (e - s !== key.length) return false;
    for (let i = 0; i < key.length; i++) {
      const a = text.charCodeAt(s + i);
      const b = key.charCodeAt(i);
      if (a !== b && !(a >= 65 && a <= 90 && a + 32 === b)) return false;
    }
    return true;
  }
  /** The message's header text (MessageSnapshot.headers), as generated code passes it; '' if none. */
  function headersText(headers: unknown): string {
    return typeof headers === 'string' ? headers : '';
  }
  /** Values of every line of the header, in order. */
  function headerLines(headerText: unknown, name: string): string[] {
    const key = headerKey(name);
    const text = headersText(headerText);
    const out: string[] = [];
    for (let start = 0; start < text.length;) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const colon = text.indexOf(':', start);
      if (colon > start && colon < end && sameName(text, start, colon, key))
        out.push(text.slice(colon + 1, end).trim());
      start = end + 1;
    }
    return out;
  }
  function header(headerText: unknown, name: string): string | undefined {
    const key = headerKey(name);
    const text = headersText(headerText);
    for (let start = 0; start < text.length;) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const colon = text.indexOf(':', start);
      if (colon > start && colon < end && sameName(text, start, colon, key))
        return text.slice(colon + 1, end).trim();
      start = end + 1;
    }
    return undefined;
  }
  /**
   * The distinct header names (as written, trimmed) that the pattern matches, in order of first
   * appearance, for `remove header /re/`. Names are tested where they stand in the text, and only
   * those that match become strings.
   */
  function headerNamesMatching(headerText: unknown, rx: never): string[] {
    const text = headersText(headerText);
    const out: string[] = [];
    let seen: Set<string> | undefined;
    for (let start = 0; start < text.length;) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const colon = text.indexOf(':', start);
      if (colon > start && colon < end) {
        let a = start;
        let b = colon;
        let ascii = true;
        for (let i = a; i < b && ascii; i++) ascii = text.charCodeAt(i) < 128;
        let name: string | undefined;
        if (ascii) {
          // ASCII white space is all that trim() removes from an ASCII name.
          while (a < b && isSpace(text.charCodeAt(a))) a++;
          while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
        } else {
          name = text.slice(a, b).trim();
          a = 0;
          b = name.length;
        }
        if (rxTest(rx, name ?? text, a, b)) {
          name ??= text.slice(a, b);
          // Few names match; past 16 a set keeps a message of many matching names linear.
          if (seen === undefined && out.length >= 16) seen = new Set(out);
          if (seen !== undefined ? !seen.has(name) : !out.includes(name)) {
            out.push(name);
            seen?.add(name);
          }
        }
      }
      start = end + 1;
    }
    return out;
  }
  function isSpace(c: number): boolean {
    return c === 32 || (c >= 9 && c <= 13);
  }
  /** Headers whose values contain commas that do not separate list elements (RFC 3261 §7.3.1). */
  const NOT_LISTS = [
    'date',
    'www-authenticate',
    'authorization',
    'proxy-authenticate',
    'proxy-authorization',
  ];
  function splitList(value: string): string[] {
    const out: string[] = [];
    let start = 0;
    let quote = false;
    let angle = false;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (quote) {
        if (c === 92) i++;
        else if (c === 34) quote = false;
      } else if (c === 34) quote = true;
      else if (c === 60) angle = true;
      else if (c === 62) angle = false;
      else if (c === 44 && !angle) {
        out.push(value.slice(start, i).trim());
        start = i + 1;
      }
    }
    out.push(value.slice(start).trim());
    return out;
  }
  function headers(headerText: unknown, name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (const line of headerLines(headerText, name)) {
      if (NOT_LISTS.includes(key)) out.push(line);
      else for (const v of splitList(line)) if (v !== '') out.push(v);
    }
    return out;
  }

  // ---- addresses ----
  function fmtParams(params: Record<string, string>): string {
    let out = '';
    for (const k of Object.keys(params)) out += params[k] === '' ? `;${k}` : `;${k}=${params[k]}`;
    return out;
  }
  function fmtUri(u: UriSnapshot): string {
    if (u.scheme === 'tel') return `tel:${u.user}${fmtParams(u.params)}`;
    const user = u.user === '' ? '' : `${u.user}@`;
    const port = u.port === undefined ? '' : `:${u.port}`;
    return `${u.scheme}:${user}${u.host}${port}${fmtParams(u.params)}`;
  }
  function fmtNameAddr(a: NameAddrSnapshot): string {
    const display =
      a.display === undefined || a.display === '' ? '' : `"${a.display.replace(/["\\]/g, '\\$&')}" `;
    return `${display}<${fmtUri(a.uri)}>${fmtParams(a.params)}`;
  }

  // ---- addresses and classes ----
  function ipBits(ip: string): number[] | undefined {
    const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
    if (v4) {
      const o = v4.slice(1).map(Number);
      if (o.some((x) => x > 255)) return undefined;
      return [0, 0, 0, 0, 0, 0xffff, (o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!];
    }
    const bare = ip.replace(/^\[|\]$/g, '');
    if (!/^[0-9a-fA-F:]+$/.test(bare) || bare.length > 39) return undefined;
    const halves = bare.split('::');
    if (halves.length > 2) return undefined;
    const head = halves[0] === '' ? [] : halves[0]!.split(':');
    const tail = halves.length === 2 && halves[1] !== '' ? halves[1]!.split(':') : [];
    const fill = 8 - head.length - tail.length;
    if ((halves.length === 1 && fill !== 0) || fill < 0) return undefined;
    const words = [...head, ...new Array(fill).fill('0'), ...tail].map((h) => Number.parseInt(h, 16));
    return words.some((x) => !(x >= 0 && x <= 0xffff)) ? undefined : words;
  }
  function inCidr(ip: string, cidr: string): boolean {
    const slash = cidr.indexOf('/');
    const net = ipBits(slash < 0 ? cidr : cidr.slice(0, slash));
    const addr = ipBits(ip);
    if (net === undefined || addr === undefined) return false;
    let bits = slash < 0 ? 128 : Number(cidr.slice(slash + 1));
    if (!cidr.includes(':')) bits += 96;
    for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
      const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
      if ((net[i]! & mask) !== (addr[i]! & mask)) return false;
    }
    return true;
  }
  function inClass(code: number, cls: string): boolean {
    const s = String(code);
    if (s.length !== cls.length) return false;
    for (let i = 0; i < s.length; i++) if (cls[i] !== 'x' && cls[i] !== s[i]) return false;
    return true;
  }
  function inAnyCidr(ip: string, list: string[]): boolean {
    for (const c of list) if (inCidr(ip, c)) return true;
    return false;
  }
  function inAnyClass(code: number, list: string[]): boolean {
    for (const c of list) if (inClass(code, c)) return true;
    return false;
  }
  function sameText<T>(fmt: (v: T) => string, a: T | undefined, b: T | undefined): boolean {
    if (a === undefined || b === undefined) return a === b;
    return fmt(a) === fmt(b);
  }
  function len(s: string): number {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0xd800 || c > 0xdbff) n++;
    }
    return n;
  }

  return {
    own,
    e164,
    national,
    header,
    headers,
    headerNamesMatching,
    headerLines,
    headerKey,
    fmtUri,
    fmtNameAddr,
    inCidr,
    inClass,
    inAnyCidr,
    inAnyClass,
    sameText,
    len,
  };
}
