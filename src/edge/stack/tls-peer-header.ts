// The request text an app is shown: over TLS, the names of the peer's verified
// certificate in `X-SBC-TLS-Peer` (the wire protocol's meta has no field for
// them, and srf shows apps only the meta fields it knows). A peer cannot pose
// as a certificate: the header is removed from every request that arrives,
// whatever its transport, before the edge adds its own.

import type { SipMessage } from '../sip/index.ts';
import type { Flow } from '../transport/types.ts';
import { appText } from './app-text.ts';

export const TLS_PEER_HEADER = 'X-SBC-TLS-Peer';

const PRESENT = /^x-sbc-tls-peer[ \t]*:/im;

export function appView(msg: SipMessage, flow: Flow): string {
  const text = appText(msg);
  const names = flow.tlsNames;
  if (!PRESENT.test(text) && (names === undefined || names.length === 0)) return text;
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const rest = split < 0 ? '' : text.slice(split);
  const lines = head.split('\r\n');
  const kept: string[] = [];
  let dropping = false;
  for (const [i, line] of lines.entries()) {
    // A folded continuation (RFC 3261 §7.3.1) belongs to the header before it.
    if (i > 0 && /^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = i > 0 && PRESENT.test(line);
    if (!dropping) kept.push(line);
  }
  if (names !== undefined && names.length > 0) kept.splice(1, 0, `${TLS_PEER_HEADER}: ${names.join(', ')}`);
  return kept.join('\r\n') + rest;
}
