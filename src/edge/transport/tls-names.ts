// The names a TLS peer's certificate vouches for, for the core's trunk classification
// (RFC 5922 §7.1: subjectAltName URI `sip:` and dNSName entries, else the subject CN).
// Only a certificate that verified against the trusted CAs counts: an unverified one
// could name anybody.

import type { TLSSocket } from 'node:tls';

export function verifiedPeerNames(socket: TLSSocket): readonly string[] | undefined {
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const names: string[] = [];
  for (const entry of (cert.subjectaltname ?? '').split(/,\s*/)) {
    if (entry.startsWith('DNS:')) names.push(entry.slice(4));
    else if (entry.startsWith('URI:sip:')) names.push(entry.slice(8));
  }
  const cn = cert.subject?.CN;
  if (names.length === 0 && typeof cn === 'string' && cn !== '') names.push(cn);
  // Header-safe: names are host names; anything else is dropped.
  const safe = names.map((n) => n.toLowerCase()).filter((n) => /^[a-z0-9*._-]+$/.test(n));
  return safe.length > 0 ? safe : undefined;
}
