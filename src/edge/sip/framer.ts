// Finds message boundaries in a TCP/TLS byte stream (RFC 3261 §18.3): the
// header block ends at the empty line, the body is Content-Length octets.
// CRLFs between messages are keepalives (RFC 5626 §3.5.1): a double CRLF is
// a ping (answer with one CRLF), a single CRLF a pong.

import type { SipError } from './errors.ts';
import type { SipLimits } from './limits.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import type { SipMessage } from './message.ts';
import type { ParseResult } from './parse.ts';
import { announcedLength, failure, findHeadEnd, frame, parseHead } from './parse.ts';

export type FramerEvent =
  | { type: 'message'; result: ParseResult }
  /** A keepalive: 'ping' must be answered with CRLF on the same connection; 'pong' answers ours. */
  | { type: 'keepalive'; kind: 'ping' | 'pong' };

interface Pending {
  message: SipMessage;
  bodyStart: number;
  end: number;
}

export class StreamFramer {
  private readonly limits: SipLimits;
  // Received bytes not yet framed: store[off, off + len). Appends go into the
  // unused tail of a store the framer allocated, and a full store is replaced
  // by one twice the live size, so a peer trickling bytes costs linear time.
  // Bytes before `off` may belong to emitted messages and are never rewritten.
  private store: Buffer = EMPTY;
  private off = 0;
  private len = 0;
  private owned = false;
  /** Where to resume the search for the end of the header block. */
  private scanFrom = 0;
  private pending: Pending | null = null;
  /** Body octets still to throw away after a 413 (keeps the stream in step). */
  private discard = 0;
  /** A lone CRLF seen at the end of the data: ping or pong depends on what follows. */
  private loneCrlf = false;
  private closedBy: SipError | null = null;

  constructor(limits?: Partial<SipLimits>) {
    this.limits = limits ? { ...DEFAULT_LIMITS, ...limits } : DEFAULT_LIMITS;
  }

  /** Set once framing is lost; the connection must be closed and no more data is read. */
  get closed(): SipError | null {
    return this.closedBy;
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.len;
  }

  private get buf(): Buffer {
    return this.store.subarray(this.off, this.off + this.len);
  }

  private append(data: Buffer): void {
    if (this.len === 0) {
      this.store = data;
      this.off = 0;
      this.len = data.length;
      this.owned = false;
      return;
    }
    const end = this.off + this.len;
    if (this.owned && end + data.length <= this.store.length) {
      data.copy(this.store, end);
      this.len += data.length;
      return;
    }
    const next = Buffer.allocUnsafe(Math.max(4096, (this.len + data.length) * 2));
    this.store.copy(next, 0, this.off, end);
    data.copy(next, this.len);
    this.store = next;
    this.off = 0;
    this.len += data.length;
    this.owned = true;
  }

  push(chunk: Buffer): FramerEvent[] {
    const events: FramerEvent[] = [];
    if (this.closedBy !== null) return events;
    let data = chunk;
    if (this.discard > 0) {
      const n = Math.min(this.discard, data.length);
      this.discard -= n;
      data = data.subarray(n);
    }
    if (data.length === 0) return events;
    this.append(data);
    this.drain(events);
    return events;
  }

  private drain(events: FramerEvent[]): void {
    for (;;) {
      if (this.pending === null && !this.skipKeepalives(events)) return;
      if (this.pending === null && !this.readHead(events)) return;
      const p = this.pending;
      if (p === null) continue;
      if (this.len < p.end) return;
      events.push({
        type: 'message',
        result: { ok: true, message: frame(p.message, this.buf, 0, p.bodyStart, p.end) },
      });
      this.consume(p.end);
    }
  }

  private consume(n: number): void {
    this.off += n;
    this.len -= n;
    if (this.len === 0) {
      this.store = EMPTY;
      this.off = 0;
      this.owned = false;
    }
    this.pending = null;
    this.scanFrom = 0;
  }

  /** Eats CR/LF between messages; false when nothing else is buffered. */
  private skipKeepalives(events: FramerEvent[]): boolean {
    const b = this.buf;
    let i = 0;
    while (i < b.length && (b[i] === 13 || b[i] === 10)) i++;
    if (i === 0) {
      if (this.loneCrlf && b.length > 0) events.push({ type: 'keepalive', kind: 'pong' });
      this.loneCrlf = false;
      return b.length > 0;
    }
    // Count line ends: CRLF (or a bare LF) is one.
    let lines = this.loneCrlf ? 1 : 0;
    for (let j = 0; j < i; j++) if (b[j] === 10) lines++;
    this.loneCrlf = false;
    const pings = Math.floor(lines / 2);
    for (let k = 0; k < pings; k++) events.push({ type: 'keepalive', kind: 'ping' });
    if (lines % 2 === 1) {
      if (i < b.length) events.push({ type: 'keepalive', kind: 'pong' });
      else this.loneCrlf = true;
    }
    this.consume(i);
    return this.len > 0;
  }

  /** Parses the header block once it is complete; false when more data is needed or framing is lost. */
  private readHead(events: FramerEvent[]): boolean {
    const bounds = findHeadEnd(this.buf, 0, this.scanFrom);
    if (bounds === null) {
      if (this.len > this.limits.maxMessageBytes) {
        this.fail(events, { status: 513, reason: 'Message Too Large', canRespond: false }, undefined);
      } else {
        this.scanFrom = Math.max(0, this.len - 3);
      }
      return false;
    }
    const { message, error, complete } = parseHead(this.buf, 0, bounds.headEnd, this.limits);
    if (!complete) {
      // Header lines were not all read, so Content-Length is unknown: the
      // next message cannot be found (RFC 4475 §3.1.2.3).
      this.fail(events, error!.ok ? unknownError : error!.error, message);
      return false;
    }
    // Missing Content-Length on a stream is an error in RFC 3261 §18.3;
    // reading it as 0 keeps bodiless messages from sloppy peers working.
    const announced = announcedLength(message, this.limits);
    let bodyLength = 0;
    let problem: ParseResult | null = error;
    if (typeof announced === 'number') bodyLength = announced;
    else if (announced !== null && !announced.ok) {
      const declared = Number(message.get('content-length'));
      if (announced.error.status !== 413 || !Number.isSafeInteger(declared)) {
        this.fail(events, announced.error, message);
        return false;
      }
      // Too large but well-formed: answer 413 and skip the body so the next message frames.
      bodyLength = declared;
      problem ??= announced;
    }
    const end = bounds.bodyStart + bodyLength;
    if (problem === null && end > this.limits.maxMessageBytes)
      problem = failure(513, 'Message Too Large', message);
    if (problem !== null) {
      events.push({ type: 'message', result: problem });
      this.skip(bounds.bodyStart, bodyLength);
      return this.len > 0;
    }
    this.pending = { message, bodyStart: bounds.bodyStart, end };
    return true;
  }

  /** Drops the head and `bodyLength` body octets, some of which may not have arrived yet. */
  private skip(bodyStart: number, bodyLength: number): void {
    const have = this.len - bodyStart;
    if (have >= bodyLength) {
      this.consume(bodyStart + bodyLength);
    } else {
      this.discard = bodyLength - have;
      this.consume(this.len);
    }
  }

  private fail(events: FramerEvent[], error: SipError, message: SipMessage | undefined): void {
    const fatal: SipError = { ...error, fatal: true };
    this.closedBy = fatal;
    events.push({
      type: 'message',
      result: message ? { ok: false, error: fatal, message } : { ok: false, error: fatal },
    });
    this.consume(this.len);
  }
}

const EMPTY = Buffer.alloc(0);
const unknownError: SipError = { status: 400, reason: 'Bad Request', canRespond: false };
