// Shared shapes of the transport layer (RFC 3261 §18): where a message came
// from, where one goes, and what a transport offers the layers above it.

import type { ParseResult } from '../sip/index.ts';

export type Protocol = 'udp' | 'tcp' | 'tls';

/** Host without IPv6 brackets (as node:net and node:dgram want it) and port. */
export interface Address {
  host: string;
  port: number;
}

/**
 * The path a message took or will take. For TCP/TLS `connectionId` names the
 * connection, so responses go back on the connection the request came in on
 * (RFC 3261 §18.2.2) and in-dialog requests can reuse it.
 */
export interface Flow {
  protocol: Protocol;
  remote: Address;
  local: Address;
  connectionId?: string;
  /** TLS: names of the peer's certificate, when it presented one that verified (tls-names.ts). */
  tlsNames?: readonly string[];
}

/** A destination to send to: a protocol and an address, optionally pinned to a connection. */
export interface Target {
  protocol: Protocol;
  host: string;
  port: number;
  connectionId?: string;
}

/** What a transport hands upward for each framed message or datagram. */
export interface TransportSink {
  receive(result: ParseResult, flow: Flow): void;
}

/** Called (at most once per send) when a message could not be handed to the network. */
export type SendErrorHandler = (err: Error) => void;

export interface Transport {
  readonly protocol: Protocol;
  /** The bound address (after listen; port 0 is replaced by the chosen port). */
  readonly local: Address;
  /** 4 or 6: the address family of the listening socket. */
  readonly family: 4 | 6;
  /** Public address announced to apps and written in Via/Contact when set. */
  readonly externalHost: string | undefined;
  send(data: Buffer, target: Target, onError?: SendErrorHandler): void;
  close(): Promise<void>;
}

export function isReliable(protocol: Protocol): boolean {
  return protocol !== 'udp';
}

/** `host` as written in a SIP header: IPv6 literals get brackets (RFC 3261 §25.1 IPv6reference). */
export function hostForSip(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** `host` as the socket APIs want it: no brackets. */
export function hostForSocket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function addressKey(a: { host: string; port: number }): string {
  return `${hostForSocket(a.host)}|${a.port}`;
}
