// The app-facing TCP listener of the embedded edge: the server side of the
// drachtio wire protocol, so unmodified drachtio-srf apps (`srf.connect`) run on it.

import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { AppConnection, type ConnectionHost, silentLogger, type WireLogger } from './app-connection.ts';
import type { ProxyMessage, SipMessageFromApp } from './app-messages.ts';
import { AppRequestHandler } from './app-requests.ts';
import { WireGateway } from './gateway.ts';
import type { WireReply } from './server-messages.ts';
import type { SipSide, SipTransportInfo } from './sip-side.ts';
import { WireState } from './wire-state.ts';

/**
 * Version announced in the authenticate reply. srf only starts its keepalive pings
 * when the version matches /^v\d+\.\d+\.\d+/ and is at least v0.8.2; this advertises
 * the drachtio-server protocol level implemented (v0.9.10).
 */
export const DEFAULT_SERVER_VERSION = 'v0.9.10-sbc-edge';

export interface WireServerOptions {
  sipSide: SipSide;
  /** Shared secret apps send in `authenticate` (drachtio's `<admin secret>`). */
  secret: string;
  /** Listen address; loopback by default: apps normally run on the same host. */
  host?: string;
  /** 0 (default) picks an ephemeral port; drachtio-server's default is 9022. */
  port?: number;
  serverVersion?: string;
  /** Send cdr:* events to apps that route them (drachtio's `<cdrs>true</cdrs>`; off by default there too). */
  cdrs?: boolean;
  /** TCP keepalive probe delay in ms (drachtio `<admin tcp-keepalive>`, 45 s); 0 turns it off. */
  tcpKeepaliveMs?: number;
  /** Output an app may leave unread before it is dropped (default 16 MiB). */
  maxBufferedBytes?: number;
  log?: WireLogger;
}

export class WireServer implements ConnectionHost {
  readonly log: WireLogger;
  readonly maxBufferedBytes: number;
  readonly #opts: WireServerOptions;
  readonly #secretDigest: Buffer;
  readonly #state = new WireState();
  readonly #handler: AppRequestHandler;
  readonly #gateway: WireGateway;
  readonly #conns = new Map<string, AppConnection>();
  #server: Server | undefined;
  #nextConnId = 1;

  constructor(opts: WireServerOptions) {
    this.#opts = opts;
    this.log = opts.log ?? silentLogger;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 16 * 1024 * 1024;
    this.#secretDigest = digest(opts.secret);
    this.#handler = new AppRequestHandler(this.#state, opts.sipSide, this.log);
    this.#gateway = new WireGateway(this.#state, opts.cdrs ?? false);
    opts.sipSide.attach(this.#gateway);
  }

  /** Starts listening; resolves with the bound address (use port 0 for an ephemeral port). */
  listen(): Promise<{ host: string; port: number }> {
    if (this.#server) throw new Error('WireServer already listening');
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#opts.port ?? 0, this.#opts.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve(this.address());
      });
    });
  }

  address(): { host: string; port: number } {
    const addr = this.#server?.address();
    if (!addr || typeof addr === 'string') throw new Error('WireServer is not listening');
    return { host: addr.address, port: addr.port };
  }

  /** Stops accepting apps and drops the connected ones. */
  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const conn of [...this.#conns.values()]) conn.destroy();
    await closed;
  }

  /** Connected apps (authenticated or not), for status pages and tests. */
  connections(): Array<{
    id: string;
    remote: string;
    authenticated: boolean;
    tags: readonly string[];
    verbs: string[];
  }> {
    return [...this.#conns.values()].map((c) => ({
      id: c.id,
      remote: c.remote,
      authenticated: c.authenticated,
      tags: c.tags,
      verbs: this.#state.routes.verbsOf(c),
    }));
  }

  #accept(socket: Socket): void {
    // drachtio-server sets TCP_NODELAY (small frames, latency matters) and SO_KEEPALIVE.
    socket.setNoDelay(true);
    const keepalive = this.#opts.tcpKeepaliveMs ?? 45_000;
    if (keepalive > 0) socket.setKeepAlive(true, keepalive);
    const conn = new AppConnection(`app-${this.#nextConnId++}`, socket, this);
    this.#conns.set(conn.id, conn);
    this.log.debug({ conn: conn.id, remote: conn.remote }, 'app connected');
  }

  // ---- ConnectionHost ----

  checkSecret(secret: string): boolean {
    // Compare digests in constant time: the secret guards the whole signaling plane.
    return timingSafeEqual(digest(secret), this.#secretDigest);
  }

  authenticatedReply(): WireReply {
    const transports = this.#opts.sipSide.transports();
    return {
      kind: 'authenticated',
      hostports: transports.map((t) => hostport(t, t.externalHost ?? t.host)),
      version: this.#opts.serverVersion ?? DEFAULT_SERVER_VERSION,
      localHostports: transports.map((t) => hostport(t, t.host)),
    };
  }

  route(conn: AppConnection, verb: string): void {
    if (verb !== '') this.#state.routes.add(verb, conn);
  }

  removeRoute(conn: AppConnection, verb: string): void {
    this.#state.routes.remove(verb, conn);
  }

  sip(conn: AppConnection, msg: SipMessageFromApp): void {
    this.#handler.handleSip(conn, msg);
  }

  proxy(conn: AppConnection, msg: ProxyMessage): void {
    this.#handler.handleProxy(conn, msg);
  }

  closed(conn: AppConnection): void {
    if (!this.#conns.delete(conn.id)) return;
    const state = this.#state;
    state.routes.removeAll(conn);
    const pendingTxnIds = [...state.inbound.dropOwner(conn), ...state.outbound.dropOwner(conn)];
    const dialogIds = state.dialogs.dropOwner(conn);
    this.log.debug(
      { conn: conn.id, pendingTxnIds: pendingTxnIds.length, dialogs: dialogIds.length },
      'app gone',
    );
    this.#opts.sipSide.appDisconnected?.({ connectionId: conn.id, pendingTxnIds, dialogIds });
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function hostport(t: SipTransportInfo, host: string): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${t.protocol}/${h}:${t.port}`;
}
