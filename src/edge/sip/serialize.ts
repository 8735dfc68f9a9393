// Writing a message back to bytes. An unedited message is its raw bytes; an
// edited one is the raw bytes with the edits spliced in, so unchanged header
// lines keep their exact spelling, folding and order.

import type { SipMessage } from './message.ts';

export interface SerializeOptions {
  /**
   * Add Content-Length when the message has none. Stream transports need it
   * (RFC 3261 §18.3, §20.14); datagrams do not.
   */
  ensureContentLength?: boolean;
}

const CRLF = Buffer.from('\r\n');

export function serialize(msg: SipMessage, options: SerializeOptions = {}): Buffer {
  const addLength = options.ensureContentLength === true && !msg.has('content-length');
  if (!msg.dirty && !addLength) return msg.raw;
  const parts: Buffer[] = [];
  if (msg.startLineChanged) parts.push(Buffer.from(`${msg.startLine()}\r\n`, 'utf8'));
  else pushLine(parts, msg.raw.subarray(0, msg.startLineEnd));
  // Runs of untouched lines are copied as one slice of the raw buffer.
  let runStart = -1;
  let runEnd = -1;
  const flush = (): void => {
    if (runStart >= 0) pushLine(parts, msg.raw.subarray(runStart, runEnd));
    runStart = -1;
  };
  for (const h of msg.headers) {
    if (h.removed) continue;
    if (h.synthetic) {
      flush();
      parts.push(Buffer.from(`${h.name}: ${h.value}\r\n`, 'utf8'));
    } else if (runStart >= 0 && h.lineStart === runEnd) {
      runEnd = h.lineEnd;
    } else {
      flush();
      runStart = h.lineStart;
      runEnd = h.lineEnd;
    }
  }
  flush();
  if (addLength) parts.push(Buffer.from(`Content-Length: ${msg.body.length}\r\n`));
  parts.push(CRLF, msg.body);
  return Buffer.concat(parts);
}

/** Adds the line end a raw slice lacks (a datagram whose last header had none). */
function pushLine(parts: Buffer[], slice: Buffer): void {
  parts.push(slice);
  if (slice.length === 0 || slice[slice.length - 1] !== 10) parts.push(CRLF);
}
