// RFC 3263-lite target resolution: the transport comes from the URI's
// `transport` parameter (or TLS for sips:), the port from the URI (or 5060 /
// 5061), and the host is an IP literal or a name looked up with node:dns
// (getaddrinfo: /etc/hosts and the system resolver). No NAPTR/SRV.

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SipUri } from '../sip/index.ts';
import type { Protocol, Target } from './types.ts';
import { hostForSocket } from './types.ts';

export function protocolOf(uri: SipUri): Protocol | undefined {
  for (const p of uri.params) {
    if (p.key !== 'transport') continue;
    const v = (p.value ?? '').toLowerCase();
    return v === 'udp' || v === 'tcp' || v === 'tls' ? v : undefined;
  }
  return uri.scheme === 'sips' ? 'tls' : 'udp';
}

const cache = new Map<string, { address: string; expires: number }>();
const CACHE_MS = 60_000;

/** The target for a URI: synchronous for IP literals, a promise for names. Rejects unsupported transports. */
export function resolveUri(uri: SipUri): Target | Promise<Target> {
  const protocol = protocolOf(uri);
  if (protocol === undefined) throw new Error('requested protocol/transport not available');
  const port = uri.port ?? (protocol === 'tls' ? 5061 : 5060);
  const host = hostForSocket(uri.host);
  if (isIP(host) !== 0) return { protocol, host, port };
  const hit = cache.get(host);
  if (hit !== undefined && hit.expires > Date.now()) return { protocol, host: hit.address, port };
  // IPv4 first: `localhost` may list ::1 first, and most deployments listen on IPv4.
  return lookup(host, { order: 'ipv4first' }).then(({ address }) => {
    if (cache.size > 1000) cache.clear();
    cache.set(host, { address, expires: Date.now() + CACHE_MS });
    return { protocol, host: address, port };
  });
}
