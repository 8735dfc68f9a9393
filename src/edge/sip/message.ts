// A parsed SIP message: the raw bytes, the start line, and the header lines
// indexed by canonical name. Header values are parsed only when asked for
// (values.ts); edits are recorded beside the raw bytes so that a message
// passing through unchanged is forwarded byte for byte (serialize.ts).

import type { Result } from './errors.ts';
import { canonicalName, headerKey, isListHeader, splitList } from './headers.ts';

export class HeaderEntry {
  /** Name as written on the wire (or as given by an edit). */
  name: string;
  /** Canonical key: lower case, compact form expanded ("v" -> "via"). */
  key: string;
  /** Value with folding replaced by one space and outer whitespace trimmed. */
  value: string;
  /** Byte range of the whole line(s) in `raw`, CRLF included; -1 for an added header. */
  lineStart: number;
  lineEnd: number;
  removed = false;

  constructor(name: string, key: string, value: string, lineStart: number, lineEnd: number) {
    this.name = name;
    this.key = key;
    this.value = value;
    this.lineStart = lineStart;
    this.lineEnd = lineEnd;
  }

  get synthetic(): boolean {
    return this.lineStart < 0;
  }
}

export type MessageKind = 'request' | 'response';

const TOKEN_NAME = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/**
 * A header line added by an edit. A bad name is a programming error and
 * throws; CR and LF in a value are replaced so that data from a rule can
 * never inject header lines (RFC 3261 §7.3.1 allows them only as folding).
 */
function added(name: string, value: string): HeaderEntry {
  if (!TOKEN_NAME.test(name)) throw new TypeError(`invalid SIP header name: ${JSON.stringify(name)}`);
  return new HeaderEntry(canonicalName(name), headerKey(name), value.replace(/[\r\n]+/g, ' '), -1, -1);
}

export class SipMessage {
  /** The exact bytes of this message (start line to end of body). Header offsets index into it. */
  raw: Buffer;
  kind: MessageKind = 'request';
  /** Request method ('' for responses). Case-sensitive (RFC 3261 §7.1). */
  method = '';
  /** Request-URI as written ('' for responses). */
  requestUriText = '';
  /** Status code (0 for requests). */
  status = 0;
  /** Reason phrase, UTF-8 decoded (RFC 4475 §3.1.1.12). */
  reason = '';
  /** SIP-Version as written. */
  version = '';
  /** Byte length of the start line including its line end. */
  startLineEnd = 0;
  /** Header lines in wire order, edits included. */
  readonly headers: HeaderEntry[] = [];
  body: Buffer;
  /** Body length announced by Content-Length (or the body length when absent). */
  contentLength = 0;
  /** True when start line, headers or body have been edited since parsing. */
  dirty = false;
  bodyChanged = false;
  startLineChanged = false;

  private index: Map<string, HeaderEntry[]> | null = null;
  private cache: Map<string, Result<unknown>> | null = null;

  constructor(raw: Buffer, body: Buffer) {
    this.raw = raw;
    this.body = body;
  }

  get isRequest(): boolean {
    return this.kind === 'request';
  }

  private getIndex(): Map<string, HeaderEntry[]> {
    if (this.index !== null) return this.index;
    const index = new Map<string, HeaderEntry[]>();
    for (const h of this.headers) {
      if (h.removed) continue;
      const list = index.get(h.key);
      if (list === undefined) index.set(h.key, [h]);
      else list.push(h);
    }
    this.index = index;
    return index;
  }

  /** Header lines with this name (any spelling, compact or long). */
  entries(name: string): readonly HeaderEntry[] {
    return this.getIndex().get(headerKey(name)) ?? [];
  }

  has(name: string): boolean {
    return this.entries(name).length > 0;
  }

  /** Value of the first line with this name. */
  get(name: string): string | undefined {
    return this.entries(name)[0]?.value;
  }

  /** Values of every line with this name, one per line. */
  getAll(name: string): string[] {
    return this.entries(name).map((h) => h.value);
  }

  /**
   * List elements across all lines, split at top-level commas for list
   * headers (RFC 3261 §7.3.1); other headers give one element per line.
   */
  values(name: string): string[] {
    const entries = this.entries(name);
    if (entries.length === 0) return [];
    const key = entries[0]!.key;
    if (!isListHeader(key)) return entries.map((h) => h.value);
    const out: string[] = [];
    for (const h of entries) for (const v of splitList(h.value)) out.push(v);
    return out;
  }

  /** Memoises a parse of header values; values.ts is the only caller. */
  memo<T>(slot: string, compute: (msg: SipMessage) => Result<T>): Result<T> {
    this.cache ??= new Map();
    const hit = this.cache.get(slot);
    if (hit !== undefined) return hit as Result<T>;
    const r = compute(this);
    this.cache.set(slot, r);
    return r;
  }

  private touched(key: string): void {
    this.dirty = true;
    this.index = null;
    if (this.cache === null) return;
    for (const slot of this.cache.keys()) {
      if (slot === key || slot.startsWith(`${key}:`)) this.cache.delete(slot);
    }
  }

  /** Replaces every line of this header with the given values (one line each). */
  setHeader(name: string, values: string | readonly string[]): void {
    const key = headerKey(name);
    const list = typeof values === 'string' ? [values] : values;
    const fresh = list.map((v) => added(name, v));
    const at = this.headers.findIndex((h) => !h.removed && h.key === key);
    for (const h of this.headers) if (h.key === key) h.removed = true;
    if (at < 0) this.headers.push(...fresh);
    else this.headers.splice(at, 0, ...fresh);
    this.touched(key);
  }

  /** Adds a line after all others. */
  appendHeader(name: string, value: string): void {
    const key = headerKey(name);
    this.headers.push(added(name, value));
    this.touched(key);
  }

  /** Adds a line before the first line of the same header, or first of all (Via, Record-Route). */
  prependHeader(name: string, value: string): void {
    const key = headerKey(name);
    const at = this.headers.findIndex((h) => !h.removed && h.key === key);
    this.headers.splice(Math.max(at, 0), 0, added(name, value));
    this.touched(key);
  }

  removeHeader(name: string): void {
    const key = headerKey(name);
    for (const h of this.headers) if (h.key === key) h.removed = true;
    this.touched(key);
  }

  /** Removes the first list element (a proxy dropping its own Via from a response, RFC 3261 §16.7). */
  removeFirstValue(name: string): void {
    const first = this.entries(name)[0];
    if (first === undefined) return;
    const rest = isListHeader(first.key) ? splitList(first.value).slice(1) : [];
    first.removed = true;
    if (rest.length > 0) {
      const at = this.headers.indexOf(first);
      this.headers.splice(at, 0, new HeaderEntry(first.name, first.key, rest.join(', '), -1, -1));
    }
    this.touched(first.key);
  }

  setRequestUri(uri: string): void {
    if (/[\s]/.test(uri)) throw new TypeError('a Request-URI cannot contain whitespace');
    this.requestUriText = uri;
    this.startLineChanged = true;
    this.touched('ruri');
  }

  setStatus(status: number, reason: string): void {
    if (!Number.isInteger(status) || status < 100 || status > 699)
      throw new RangeError(`invalid status ${status}`);
    this.status = status;
    this.reason = reason.replace(/[\r\n]+/g, ' ');
    this.startLineChanged = true;
    this.dirty = true;
  }

  /** Replaces the body; Content-Length (and Content-Type when given) follow. */
  setBody(body: Buffer | string, contentType?: string): void {
    this.body = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.contentLength = this.body.length;
    this.bodyChanged = true;
    this.setHeader('Content-Length', String(this.body.length));
    if (contentType !== undefined) this.setHeader('Content-Type', contentType);
    else if (this.body.length === 0) this.removeHeader('Content-Type');
  }

  /** The start line as text (for logs and for serialising an edited start line). */
  startLine(): string {
    return this.kind === 'request'
      ? `${this.method} ${this.requestUriText} ${this.version || 'SIP/2.0'}`
      : `${this.version || 'SIP/2.0'} ${this.status} ${this.reason}`;
  }
}
