// Transaction matching keys (RFC 3261 §17.1.3, §17.2.3), built from the
// few lazily parsed fields they need: top Via, CSeq, and for RFC 2543 peers
// the dialog identifiers.

import type { Result } from './errors.ts';
import { fail, ok } from './errors.ts';
import type { SipMessage } from './message.ts';
import { callId, cseq, from, to, topVia } from './values.ts';
import { isRfc3261Branch } from './via.ts';

const SEP = '\u0000';

/**
 * Key of the server transaction a request belongs to (§17.2.3): branch,
 * sent-by and method, with ACK folded into INVITE so a non-2xx ACK finds
 * its INVITE transaction. Without an RFC 3261 branch the RFC 2543 rule
 * applies: Request-URI, From tag, Call-ID, CSeq number and top Via (the To
 * tag is left out so that the ACK, which carries the tag of our response,
 * still matches).
 */
export function serverTransactionKey(msg: SipMessage): Result<string> {
  if (msg.kind !== 'request') return fail('not a request');
  const via = topVia(msg);
  if (!via.ok) return via;
  const method = msg.method === 'ACK' ? 'INVITE' : msg.method;
  const v = via.value;
  if (isRfc3261Branch(v.branch)) {
    return ok(`${v.branch}${SEP}${v.host.toLowerCase()}:${v.port ?? ''}${SEP}${method}`);
  }
  const seq = cseq(msg);
  const id = callId(msg);
  const f = from(msg);
  if (!seq.ok || !id.ok || !f.ok) return fail('RFC 2543 request without CSeq, Call-ID or From');
  return ok(
    ['2543', msg.requestUriText, f.value.tag ?? '', id.value, seq.value.seq, method, v.raw].join(SEP),
  );
}

/**
 * Key of the client transaction a response belongs to (§17.1.3): top Via
 * branch and CSeq method. For a request being sent, the same key is made
 * from its own top Via and method, so the two meet in one map.
 */
export function clientTransactionKey(msg: SipMessage): Result<string> {
  const via = topVia(msg);
  if (!via.ok) return via;
  if (via.value.branch === null) return fail('top Via has no branch');
  let method: string;
  if (msg.kind === 'request') method = msg.method;
  else {
    const seq = cseq(msg);
    if (!seq.ok) return seq;
    method = seq.value.method;
  }
  return ok(`${via.value.branch}${SEP}${method}`);
}

/** The dialog a message belongs to, seen from this side (RFC 3261 §12): Call-ID, local tag, remote tag. */
export function dialogKey(msg: SipMessage, localIsFrom: boolean): Result<string> {
  const id = callId(msg);
  const f = from(msg);
  const t = to(msg);
  if (!id.ok) return id;
  if (!f.ok) return f;
  if (!t.ok) return t;
  const [local, remote] = localIsFrom ? [f.value.tag, t.value.tag] : [t.value.tag, f.value.tag];
  return ok(`${id.value}${SEP}${local ?? ''}${SEP}${remote ?? ''}`);
}
