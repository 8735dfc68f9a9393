// Public surface of the SIP message layer of the embedded edge.

import type { SipError } from './errors.ts';
import type { SipMessage } from './message.ts';
import type { ParseOptions, ParseResult } from './parse.ts';
import { parseMessage } from './parse.ts';
import type { ValidateOptions } from './validate.ts';
import { validate } from './validate.ts';

export type { ErrorResponseOptions } from './error-response.ts';
export { buildErrorResponse, cleanReason, errorResponseFor, newTag } from './error-response.ts';
export type { Result, SipError } from './errors.ts';
export type { FramerEvent } from './framer.ts';
export { StreamFramer } from './framer.ts';
export { canonicalName, headerKey, isListHeader, splitList } from './headers.ts';
export type { SipLimits } from './limits.ts';
export { DEFAULT_LIMITS } from './limits.ts';
export { HeaderEntry, SipMessage } from './message.ts';
export type { ContactValue, NameAddr } from './name-addr.ts';
export { formatNameAddr, parseNameAddr } from './name-addr.ts';
export type { Param } from './params.ts';
export { getParam, unquote } from './params.ts';
export type { ParseOptions, ParseResult } from './parse.ts';
export { canAnswer, parseMessage } from './parse.ts';
export { serialize } from './serialize.ts';
export type { OtherUri, SipUri, TelUri, Uri } from './uri.ts';
export { formatSipUri, parseUri } from './uri.ts';
export type { ValidateOptions } from './validate.ts';
export { validate, validateRequest, validateResponse } from './validate.ts';
export type { CSeq } from './values.ts';
export * as values from './values.ts';
export type { Via } from './via.ts';
export { isRfc3261Branch, MAGIC_COOKIE, parseVia } from './via.ts';

/** Parses and validates in one step: what a transport does with each datagram or framed message. */
export function parseAndValidate(buf: Buffer, options: ParseOptions & ValidateOptions = {}): ParseResult {
  const parsed = parseMessage(buf, options);
  if (!parsed.ok) return parsed;
  return check(parsed.message, options);
}

/** Validates an already framed message (from StreamFramer) into the same result shape. */
export function check(message: SipMessage, options: ValidateOptions = {}): ParseResult {
  const error: SipError | null = validate(message, options);
  return error === null ? { ok: true, message } : { ok: false, error, message };
}
export { clientTransactionKey, dialogKey, serverTransactionKey } from './txn-key.ts';
