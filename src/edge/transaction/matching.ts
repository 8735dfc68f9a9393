// Transaction matching keys: RFC 3261 §17.1.3 for responses to client
// transactions, §17.2.3 for requests to server transactions (with the
// RFC 2543 fallback for branches without the magic cookie), and branch and
// tag generation (§8.1.1.7, §19.3).

import { randomBytes } from 'node:crypto';
import type { SipMessage } from '../sip/index.ts';
import { isRfc3261Branch, MAGIC_COOKIE, values } from '../sip/index.ts';

/**
 * Server transaction key: branch + sent-by + method, with ACK matching the
 * INVITE it acknowledges. Null when the request lacks what matching needs.
 */
export function serverKey(msg: SipMessage, method = msg.method): string | null {
  const via = values.topVia(msg);
  if (!via.ok) return null;
  const m = method === 'ACK' ? 'INVITE' : method;
  const v = via.value;
  if (isRfc3261Branch(v.branch)) return `${v.branch}|${v.host}:${v.port ?? ''}|${m}`;
  // RFC 2543 peers (§17.2.3, second part): Request-URI, tags, Call-ID, CSeq number and top Via.
  const callId = msg.get('call-id') ?? '';
  const from = values.from(msg);
  const cseq = values.cseq(msg);
  if (!from.ok || !cseq.ok) return null;
  return `2543|${msg.requestUriText}|${from.value.tag ?? ''}|${callId}|${cseq.value.seq}|${v.raw}|${m}`;
}

/** Client transaction key of a response: our branch and the CSeq method (§17.1.3). */
export function responseKey(msg: SipMessage): string | null {
  const via = values.topVia(msg);
  const cseq = values.cseq(msg);
  if (!via.ok || !cseq.ok || via.value.branch === null) return null;
  return clientKey(via.value.branch, cseq.value.method);
}

export function clientKey(branch: string, method: string): string {
  return `${branch}|${method}`;
}

// Ids are a per-process random prefix and a counter: unique, unguessable
// enough for tags (§19.3 asks for 32 random bits), and cheap at high call rates.
const PREFIX = randomBytes(6).toString('hex');
let counter = 0;

function nextId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${PREFIX}${counter.toString(36)}`;
}

export function newBranch(): string {
  return `${MAGIC_COOKIE}${nextId()}`;
}

// Random bits for tags come from a pool refilled 4 KiB at a time: one
// randomBytes call per 512 tags instead of one per call.
let pool = randomBytes(4096);
let poolAt = 0;

export function newTag(): string {
  if (poolAt + 8 > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  const tag = pool.toString('hex', poolAt, poolAt + 8);
  poolAt += 8;
  return tag;
}

export function newCallId(host: string): string {
  return `${nextId()}@${host}`;
}
