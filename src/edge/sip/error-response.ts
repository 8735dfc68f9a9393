// The response to a request that cannot be processed (RFC 3261 §8.2.6):
// Via, From, To, Call-ID and CSeq copied, a To tag added, no body. When no
// response is possible the answer is 'drop'.

import { randomBytes } from 'node:crypto';
import type { SipError } from './errors.ts';
import type { SipMessage } from './message.ts';
import { parseNameAddr } from './name-addr.ts';
import type { ParseResult } from './parse.ts';
import { canAnswer } from './parse.ts';

export interface ErrorResponseOptions {
  /** To tag to add when the request has none (RFC 3261 §8.2.6.2); random when omitted. */
  toTag?: string;
  /** Extra header lines ("Name: value"), e.g. Server or Warning. */
  extraHeaders?: readonly string[];
}

/** A to-tag with 64 random bits (RFC 3261 §19.3 asks for at least 32). */
export function newTag(): string {
  return randomBytes(8).toString('hex');
}

/**
 * Reason phrases may hold text but no control characters (RFC 3261 §25.1
 * Reason-Phrase); reasons built from message content are cleaned here.
 */
export function cleanReason(reason: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const clean = reason.replace(/[\u0000-\u001f\u007f"\\]/g, '?');
  return clean.length > 160 ? clean.slice(0, 160) : clean;
}

/** A lone CR inside a value must not become a line break in the response. */
function oneLine(v: string): string {
  return v.replace(/[\r\n]/g, ' ');
}

const COPIED: ReadonlyArray<[string, string]> = [
  ['from', 'From'],
  ['to', 'To'],
  ['call-id', 'Call-ID'],
  ['cseq', 'CSeq'],
];

/** Builds the error response, or 'drop' when none may be sent. */
export function buildErrorResponse(
  msg: SipMessage | undefined,
  error: SipError,
  options: ErrorResponseOptions = {},
): Buffer | 'drop' {
  if (!error.canRespond || msg === undefined || !canAnswer(msg) || error.status < 300) return 'drop';
  let out = `SIP/2.0 ${error.status} ${cleanReason(error.reason)}\r\n`;
  for (const h of msg.entries('via')) out += `Via: ${oneLine(h.value)}\r\n`;
  for (const [key, name] of COPIED) {
    const h = msg.entries(key)[0];
    if (h === undefined) continue;
    let value = h.value;
    if (key === 'to') {
      const parsed = parseNameAddr(value, 'To');
      // A To that does not parse is echoed as received: appending a tag to it
      // could land inside an unterminated quote (RFC 4475 §3.1.2.6).
      if (parsed.ok && parsed.value.tag === null) value += `;tag=${options.toTag ?? newTag()}`;
    }
    out += `${name}: ${oneLine(value)}\r\n`;
  }
  for (const line of options.extraHeaders ?? []) out += `${line}\r\n`;
  out += 'Content-Length: 0\r\n\r\n';
  return Buffer.from(out, 'utf8');
}

/** The response for a failed parse or validation result. */
export function errorResponseFor(
  result: ParseResult | { error: SipError; message?: SipMessage },
  options: ErrorResponseOptions = {},
): Buffer | 'drop' {
  if ('ok' in result && result.ok) return 'drop';
  const failed = result as { error: SipError; message?: SipMessage };
  return buildErrorResponse(failed.message, failed.error, options);
}
