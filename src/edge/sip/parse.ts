// Message framing: start line, header block (unfolded, indexed) and body by
// Content-Length (RFC 3261 §7, §18.3). Header values are not parsed here.
// The head is decoded as latin1 so string indexes are byte offsets into the
// raw buffer; values holding non-ASCII octets are re-read as UTF-8.

import { isAscii } from 'node:buffer';
import { allDigits, is, TOKEN, trimLws } from './chars.ts';
import type { SipError } from './errors.ts';
import { headerKey } from './headers.ts';
import type { SipLimits } from './limits.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { HeaderEntry, SipMessage } from './message.ts';

export type ParseResult =
  { ok: true; message: SipMessage } | { ok: false; error: SipError; message?: SipMessage };

export interface ParseOptions {
  limits?: Partial<SipLimits>;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');

export interface HeadBounds {
  /** Index just after the last header line (its line end included). */
  headEnd: number;
  /** Index of the first body byte. */
  bodyStart: number;
}

/** Finds the empty line that ends the header block, searching from `from`. Null when not (yet) present. */
export function findHeadEnd(buf: Buffer, start: number, from: number): HeadBounds | null {
  const crlf = buf.indexOf(CRLFCRLF, Math.max(start, from));
  // Bare-LF line ends are tolerated (robustness, RFC 3261 §7 asks for CRLF).
  const lf = buf.indexOf(LFLF, Math.max(start, from));
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { headEnd: crlf + 2, bodyStart: crlf + 4 };
  if (lf >= 0) return { headEnd: lf + 1, bodyStart: lf + 2 };
  return null;
}

/** Skips CR and LF octets before a start line (RFC 3261 §7.5; RFC 5626 §3.5.1 keepalives). */
export function skipLeadingCrlf(buf: Buffer, i: number): number {
  while (i < buf.length && (buf[i] === 13 || buf[i] === 10)) i++;
  return i;
}

export function failure(status: number, reason: string, message?: SipMessage, fatal = false): ParseResult {
  const error: SipError = { status, reason, canRespond: message !== undefined && canAnswer(message) };
  if (fatal) error.fatal = true;
  return message === undefined ? { ok: false, error } : { ok: false, error, message };
}

/**
 * True when an error response can be sent for this message: a request that
 * is not an ACK (RFC 3261 §17.2.1) and carries a Via to copy (§8.2.6.2).
 * Responses are never answered (§18.1.2: malformed responses are dropped).
 */
export function canAnswer(msg: SipMessage): boolean {
  return msg.kind === 'request' && msg.method.length > 0 && msg.method !== 'ACK' && msg.has('via');
}

const utf8 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

function headerValue(head: string, vs: number, ve: number, folded: boolean, high: boolean): string {
  let v = head.slice(vs, ve);
  if (folded) v = v.replace(/[ \t]*\r?\n[ \t]+/g, ' ');
  const t = trimLws(v);
  return high ? utf8(t) : t;
}

export interface HeadParse {
  message: SipMessage;
  error: ParseResult | null;
  /** False when header scanning stopped early (so Content-Length may be unread). */
  complete: boolean;
}

/**
 * Parses start line and header lines of the message starting at `start`
 * whose header block ends at `headEnd`. The message's raw bytes and body are
 * set by the caller once Content-Length has framed the body.
 */
export function parseHead(buf: Buffer, start: number, headEnd: number, limits: SipLimits): HeadParse {
  const head = buf.toString('latin1', start, headEnd);
  const high = !isAscii(buf.subarray(start, headEnd));
  const msg = new SipMessage(buf.subarray(start, headEnd), buf.subarray(headEnd, headEnd));
  const n = head.length;
  let eol = head.indexOf('\n');
  if (eol < 0) eol = n;
  const lineEnd = eol > 0 && head.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
  msg.startLineEnd = Math.min(eol + 1, n);
  const startLine = high ? utf8(head.slice(0, lineEnd)) : head.slice(0, lineEnd);
  const startError = lineEnd > limits.maxLineBytes ? 'Start Line Too Long' : parseStartLine(msg, startLine);
  let pos = eol + 1;
  let current: HeaderEntry | null = null;
  let vs = 0;
  let ve = 0;
  let folded = false;
  let error: ParseResult | null = null;
  const finish = (h: HeaderEntry): void => {
    h.value = headerValue(head, vs, ve, folded, high);
    msg.headers.push(h);
  };
  while (pos < n) {
    let e = head.indexOf('\n', pos);
    if (e < 0) e = n;
    const contentEnd = e > pos && head.charCodeAt(e - 1) === 13 ? e - 1 : e;
    if (contentEnd - pos > limits.maxLineBytes) {
      error = failure(400, 'Header Line Too Long');
      break;
    }
    const c = head.charCodeAt(pos);
    if (c === 32 || c === 9) {
      // Folded continuation of the previous header (RFC 3261 §7.3.1).
      if (current === null) {
        error = failure(400, 'Continuation Line Before First Header');
        break;
      }
      folded = true;
      ve = contentEnd;
      current.lineEnd = Math.min(e + 1, n);
    } else {
      if (current !== null) finish(current);
      current = null;
      const colon = head.indexOf(':', pos);
      if (colon < 0 || colon > contentEnd) {
        error = failure(400, 'Malformed Header Line');
        break;
      }
      let nameEnd = colon;
      while (nameEnd > pos && (head.charCodeAt(nameEnd - 1) === 32 || head.charCodeAt(nameEnd - 1) === 9))
        nameEnd--;
      if (nameEnd === pos || !tokenRange(head, pos, nameEnd)) {
        error = failure(400, 'Malformed Header Name');
        break;
      }
      if (msg.headers.length >= limits.maxHeaderCount) {
        error = failure(400, 'Too Many Headers');
        break;
      }
      const name = head.slice(pos, nameEnd);
      current = new HeaderEntry(name, headerKey(name), '', pos, Math.min(e + 1, n));
      vs = colon + 1;
      ve = contentEnd;
      folded = false;
    }
    pos = e + 1;
  }
  if (current !== null) finish(current);
  const complete = error === null;
  if (error !== null && !error.ok) error = failure(error.error.status, error.error.reason, msg);
  else if (startError !== null) error = startErrorResult(msg, startError);
  return { message: msg, error, complete };
}

function startErrorResult(msg: SipMessage, reason: string): ParseResult {
  if (reason === 'Version Not Supported') return failure(505, reason, msg);
  return failure(400, reason, msg);
}

function tokenRange(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!is(s.charCodeAt(i), TOKEN)) return false;
  return true;
}

const VERSION = /^SIP\/(\d+)\.(\d+)$/i;

/**
 * Fills the start-line fields; returns a reason when the line is malformed.
 * Request-Line = Method SP Request-URI SP SIP-Version, single spaces only
 * (RFC 4475 §3.1.2.8-10); Status-Line = SIP-Version SP Status-Code SP Reason-Phrase.
 */
function parseStartLine(msg: SipMessage, line: string): string | null {
  if (line.length >= 4 && line.slice(0, 4).toUpperCase() === 'SIP/') {
    msg.kind = 'response';
    const sp1 = line.indexOf(' ');
    msg.version = sp1 < 0 ? line : line.slice(0, sp1);
    if (sp1 < 0) return 'Malformed Status-Line';
    const sp2 = line.indexOf(' ', sp1 + 1);
    const code = sp2 < 0 ? line.slice(sp1 + 1) : line.slice(sp1 + 1, sp2);
    msg.reason = sp2 < 0 ? '' : line.slice(sp2 + 1);
    if (code.length !== 3 || !allDigits(code) || code < '100' || code > '699') return 'Bad Status Code';
    msg.status = Number(code);
    const v = VERSION.exec(msg.version);
    if (v === null) return 'Malformed SIP-Version';
    if (v[1] !== '2' || v[2] !== '0') return 'Version Not Supported';
    return null;
  }
  msg.kind = 'request';
  const sp1 = line.indexOf(' ');
  if (sp1 <= 0) return 'Malformed Request-Line';
  const method = line.slice(0, sp1);
  if (!tokenRange(method, 0, method.length)) return 'Bad Method Token';
  msg.method = method;
  const sp2 = line.indexOf(' ', sp1 + 1);
  if (sp2 < 0) return 'Malformed Request-Line';
  msg.requestUriText = line.slice(sp1 + 1, sp2);
  msg.version = line.slice(sp2 + 1);
  if (msg.requestUriText.length === 0 || msg.version.length === 0) return 'Extra Whitespace in Request-Line';
  if (/[ \t]$/.test(line)) return 'Trailing Whitespace in Request-Line';
  if (msg.version.indexOf(' ') >= 0) return 'Whitespace in Request-URI';
  const v = VERSION.exec(msg.version);
  if (v === null) return 'Malformed SIP-Version';
  if (v[1] !== '2' || v[2] !== '0') return 'Version Not Supported';
  return null;
}

/** Content-Length as announced: a number, null when absent, or an error (RFC 4475 §3.1.2.3, §3.3.9). */
export function announcedLength(msg: SipMessage, limits: SipLimits): number | null | ParseResult {
  const cl = msg.entries('content-length');
  if (cl.length === 0) return null;
  if (cl.length > 1) return failure(400, 'Multiple Content-Length Headers', msg, true);
  const v = cl[0]!.value;
  if (!allDigits(v)) return failure(400, 'Bad Content-Length', msg, true);
  const n = v.length > 15 ? Number.POSITIVE_INFINITY : Number(v);
  if (n > limits.maxBodyBytes) return failure(413, 'Request Entity Too Large', msg);
  return n;
}

/** Parses one datagram (UDP): extra octets after the body are ignored (RFC 3261 §18.3). */
export function parseMessage(buf: Buffer, options: ParseOptions = {}): ParseResult {
  const limits = options.limits ? { ...DEFAULT_LIMITS, ...options.limits } : DEFAULT_LIMITS;
  const start = skipLeadingCrlf(buf, 0);
  if (start >= buf.length) return failure(0, 'Empty Message');
  const bounds = findHeadEnd(buf, start, start) ?? { headEnd: buf.length, bodyStart: buf.length };
  const { message, error } = parseHead(buf, start, bounds.headEnd, limits);
  if (error !== null) return error;
  if (buf.length - start > limits.maxMessageBytes) return failure(513, 'Message Too Large', message);
  const announced = announcedLength(message, limits);
  if (announced !== null && typeof announced === 'object') return announced;
  const available = buf.length - bounds.bodyStart;
  const length = announced ?? Math.max(available, 0);
  if (length > available) return failure(400, 'Content-Length Exceeds Body', message);
  const end = bounds.bodyStart + length;
  return { ok: true, message: frame(message, buf, start, bounds.bodyStart, end) };
}

/** Completes a message once its body has been framed. */
export function frame(
  msg: SipMessage,
  buf: Buffer,
  start: number,
  bodyStart: number,
  end: number,
): SipMessage {
  msg.raw = buf.subarray(start, end);
  msg.body = buf.subarray(Math.min(bodyStart, end), end);
  msg.contentLength = msg.body.length;
  return msg;
}
