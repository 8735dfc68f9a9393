// The set of listening transports and the choice of the socket to send from
// (RFC 3261 §18.1.1: the transport of the target; then the address family of
// the destination, and for loopback destinations a loopback listener).

import { isIP } from 'node:net';
import type { Protocol, SendErrorHandler, Target, Transport } from './types.ts';
import { hostForSip, hostForSocket } from './types.ts';

const isLoopback = (host: string): boolean => host === '::1' || host.startsWith('127.');

export class TransportRegistry {
  readonly #transports: readonly Transport[];

  constructor(transports: readonly Transport[]) {
    this.#transports = transports;
  }

  all(): readonly Transport[] {
    return this.#transports;
  }

  has(protocol: Protocol): boolean {
    return this.#transports.some((t) => t.protocol === protocol);
  }

  /** The transport to send to `host` with: same protocol, same family, loopback for loopback. */
  pick(protocol: Protocol, host: string): Transport | undefined {
    const h = hostForSocket(host);
    const family = isIP(h) === 6 ? 6 : 4;
    let best: Transport | undefined;
    let bestScore = -1;
    for (const t of this.#transports) {
      if (t.protocol !== protocol) continue;
      let score = 0;
      if (t.family === family) score += 4;
      if (isLoopback(t.local.host) === isLoopback(h)) score += 2;
      if (t.local.host === h) score += 1;
      if (score > bestScore) {
        best = t;
        bestScore = score;
      }
    }
    return best;
  }

  send(data: Buffer, target: Target, onError?: SendErrorHandler): Transport | undefined {
    const t = this.pick(target.protocol, target.host);
    if (t === undefined) {
      onError?.(new Error(`no ${target.protocol} transport`));
      return undefined;
    }
    t.send(data, target, onError);
    return t;
  }

  /** True when the target is one of our own listening points (drachtio refuses to send to itself). */
  isOwnAddress(target: { host: string; port: number }): boolean {
    const h = hostForSocket(target.host);
    return this.#transports.some(
      (t) =>
        t.local.port === target.port &&
        (t.local.host === h || (t.local.host === '0.0.0.0' && isLoopback(h)) || t.externalHost === h),
    );
  }

  /** `host:port` written in Via sent-by and Contact for this transport (external address when set). */
  static sentBy(t: Transport): string {
    return `${hostForSip(t.externalHost ?? t.local.host)}:${t.local.port}`;
  }
}

/** The listening transport a flow arrived on (same protocol and local address). */
export function transportForFlow(
  registry: TransportRegistry,
  flow: { protocol: string; local: { host: string; port: number }; remote: { host: string } },
): Transport | undefined {
  for (const t of registry.all()) {
    if (t.protocol === flow.protocol && t.local.port === flow.local.port && t.local.host === flow.local.host)
      return t;
  }
  return registry.pick(flow.protocol as Transport['protocol'], flow.remote.host);
}
