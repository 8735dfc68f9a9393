// The text of a received message as the edge hands it to the app over the wire. The edge's
// parser tolerates header lines ending in a bare LF (RFC 3261 §7 asks for CRLF; accepting LF is
// the robust choice), but srf's parser splits lines on CRLF only: a message with a bare-LF head
// and a body is dropped by srf, and one without a body reaches it with no headers. So the head is
// re-ended with CRLF here; the body is passed as it came (Content-Length still counts it).

import type { SipMessage } from '../sip/index.ts';

const BARE_LF = /(?:^|[^\r])\n/;

export function appText(msg: SipMessage): string {
  const headBytes = msg.raw.subarray(0, msg.raw.length - msg.body.length);
  const head = headBytes.toString('utf8');
  // The usual case: CRLF throughout, passed byte for byte.
  if (!BARE_LF.test(head)) return msg.raw.toString('utf8');
  return head.replace(/\r?\n/g, '\r\n') + msg.body.toString('utf8');
}
