// What a message must satisfy before the edge acts on it (RFC 3261 §8.2,
// §16.3, §18.1.2, §18.3), with the response status and a reason that says
// what was wrong. Parsing the mandatory headers here also warms the lazy
// caches that transaction matching reads next.

import type { Result, SipError } from './errors.ts';
import type { SipMessage } from './message.ts';
import { canAnswer } from './parse.ts';
import {
  callId,
  contact,
  cseq,
  from,
  maxForwards,
  recordRoutes,
  requestUri,
  routes,
  to,
  vias,
} from './values.ts';
import { isRfc3261Branch, MAGIC_COOKIE } from './via.ts';

export interface ValidateOptions {
  /**
   * Reject requests without Max-Forwards. Off by default: RFC 3261 §16.3
   * treats a missing Max-Forwards as passing, and RFC 2543 peers omit it
   * (RFC 4475 §3.4.1).
   */
  requireMaxForwards?: boolean;
  /** Request-URI schemes this element serves; others get 416 (RFC 3261 §8.2.2.1, RFC 4475 §3.3.2). */
  uriSchemes?: readonly string[];
  /**
   * Methods this element knows. A request with an unknown method whose CSeq
   * method differs gets 501 rather than 400 (RFC 4475 §3.1.2.18 prefers it).
   */
  knownMethods?: ReadonlySet<string>;
}

export const DEFAULT_URI_SCHEMES: readonly string[] = ['sip', 'sips', 'tel'];

export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'PRACK',
  'SUBSCRIBE',
  'NOTIFY',
  'PUBLISH',
  'INFO',
  'REFER',
  'MESSAGE',
  'UPDATE',
]);

const REQUIRED: ReadonlyArray<[string, string]> = [
  ['to', 'To'],
  ['from', 'From'],
  ['cseq', 'CSeq'],
  ['call-id', 'Call-ID'],
  ['via', 'Via'],
];

const SINGLE: ReadonlyArray<[string, string]> = [
  ['to', 'To'],
  ['from', 'From'],
  ['cseq', 'CSeq'],
  ['call-id', 'Call-ID'],
  ['max-forwards', 'Max-Forwards'],
];

// rfc1123-date (RFC 3261 §20.17): always GMT (RFC 4475 §3.1.2.12).
const DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function error(msg: SipMessage, status: number, reason: string): SipError {
  return { status, reason, canRespond: canAnswer(msg) };
}

function check(msg: SipMessage, r: Result<unknown>): SipError | null {
  return r.ok ? null : error(msg, 400, r.reason);
}

/** Validates a request; null when it may be processed. */
export function validateRequest(msg: SipMessage, options: ValidateOptions = {}): SipError | null {
  const missing = REQUIRED.filter(([k]) => !msg.has(k)).map(([, n]) => n);
  if (options.requireMaxForwards && !msg.has('max-forwards')) missing.push('Max-Forwards');
  if (missing.length > 0) return error(msg, 400, `Missing Required Header: ${missing.join(', ')}`);
  const repeated = SINGLE.filter(([k]) => msg.entries(k).length > 1).map(([, n]) => n);
  if (repeated.length > 0)
    return error(msg, 400, `Multiple Values in Single-Value Header: ${repeated.join(', ')}`);
  const v = vias(msg);
  if (!v.ok) return error(msg, 400, v.reason);
  const ruri = requestUri(msg);
  if (!ruri.ok) return error(msg, 400, ruri.reason);
  // Table 1 of RFC 3261 §19.1.1: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
  if (ruri.value.kind === 'sip' && ruri.value.headers.length > 0) {
    return error(msg, 400, 'Headers Not Allowed in Request-URI');
  }
  const cs = cseq(msg);
  if (!cs.ok) return error(msg, 400, cs.reason);
  if (cs.value.method !== msg.method) {
    const known = options.knownMethods ?? KNOWN_METHODS;
    if (!known.has(msg.method)) return error(msg, 501, 'Not Implemented');
    return error(msg, 400, 'CSeq Method Does Not Match Request Method');
  }
  const problem =
    check(msg, callId(msg)) ??
    check(msg, from(msg)) ??
    check(msg, to(msg)) ??
    check(msg, maxForwards(msg)) ??
    check(msg, contact(msg)) ??
    check(msg, routes(msg)) ??
    check(msg, recordRoutes(msg));
  if (problem !== null) return problem;
  const date = msg.entries('date');
  if (date.length > 1) return error(msg, 400, 'Multiple Date Headers');
  if (date.length === 1 && !DATE.test(date[0]!.value)) return error(msg, 400, 'Bad Date Header');
  const branch = v.value[0]!.branch;
  // A branch that is only the cookie claims RFC 3261 matching yet carries no
  // transaction id (RFC 4475 §3.2.1): reject rather than guess.
  if (branch?.startsWith(MAGIC_COOKIE) && !isRfc3261Branch(branch)) {
    return error(msg, 400, 'Missing Transaction ID in Via Branch');
  }
  const schemes = options.uriSchemes ?? DEFAULT_URI_SCHEMES;
  if (!schemes.includes(ruri.value.scheme)) return error(msg, 416, 'Unsupported URI Scheme');
  return null;
}

/**
 * Validates a response; a bad one is dropped, never answered (RFC 3261
 * §18.1.2; RFC 4475 §3.1.2.5, §3.1.2.19).
 */
export function validateResponse(msg: SipMessage): SipError | null {
  const drop = (reason: string): SipError => ({ status: 400, reason, canRespond: false });
  const missing = REQUIRED.filter(([k]) => !msg.has(k)).map(([, n]) => n);
  if (missing.length > 0) return drop(`Missing Required Header: ${missing.join(', ')}`);
  for (const r of [vias(msg), cseq(msg), callId(msg), from(msg), to(msg)]) if (!r.ok) return drop(r.reason);
  return null;
}

export function validate(msg: SipMessage, options: ValidateOptions = {}): SipError | null {
  return msg.kind === 'request' ? validateRequest(msg, options) : validateResponse(msg);
}
