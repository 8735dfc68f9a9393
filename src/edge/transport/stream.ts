// TCP and TLS transports (RFC 3261 §18; TLS per §26.2.1, 1.2 or later).
// Connections are reused in both directions: a response goes back on the
// connection its request came in on (§18.2.2) and a request to a peer we
// already have a connection with uses it. A peer cannot pin memory: input is
// bounded by the framer's message limit, unread output by maxWriteBufferBytes,
// and silent or trickling connections are closed by a periodic sweep.

import {
  createServer as createTcpServer,
  isIPv6,
  connect as netConnect,
  type Server,
  type Socket,
} from 'node:net';
import { createServer as createTlsServer, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { verifiedPeerNames } from './tls-names.ts';
import type { SipLimits } from '../sip/index.ts';
import { StreamFramer } from '../sip/index.ts';
import type { Address, Flow, SendErrorHandler, Target, Transport, TransportSink } from './types.ts';
import { addressKey, hostForSocket } from './types.ts';

export interface TlsFiles {
  /** PEM certificate chain and private key of this edge. */
  cert: string | Buffer;
  key: string | Buffer;
  /**
   * PEM CA certificates to trust (default: Node's bundled roots): for outgoing connections, and
   * for the certificates incoming peers may present (their names are reported, never required).
   */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Verify the peer's certificate on outgoing connections (default true). */
  rejectUnauthorized?: boolean;
}

export interface StreamLimits {
  /** Close a connection that carried nothing for this long (default 300 s). */
  idleTimeoutMs: number;
  /** Close a connection holding part of a message for this long (default 32 s = 64·T1). */
  partialMessageTimeoutMs: number;
  /** Close a connection whose peer leaves this much of our output unread (default 1 MiB). */
  maxWriteBufferBytes: number;
  /** Refuse connections beyond this many (default 10,000). */
  maxConnections: number;
  /** Give up connecting out after this long (default 5 s). */
  connectTimeoutMs: number;
}

export const DEFAULT_STREAM_LIMITS: Readonly<StreamLimits> = Object.freeze({
  idleTimeoutMs: 300_000,
  partialMessageTimeoutMs: 32_000,
  maxWriteBufferBytes: 1024 * 1024,
  maxConnections: 10_000,
  connectTimeoutMs: 5_000,
});

export interface StreamOptions {
  protocol: 'tcp' | 'tls';
  host: string;
  port: number;
  externalHost?: string;
  tls?: TlsFiles;
  limits: SipLimits;
  streamLimits?: Partial<StreamLimits>;
  sink: TransportSink;
  /** Told when a connection is closed for misbehaviour (slow reader, stalled message, framing lost). */
  onDrop?: (remote: Address, reason: string) => void;
}

const CRLF = Buffer.from('\r\n');

class Connection {
  readonly id: string;
  readonly socket: Socket;
  readonly remote: Address;
  readonly framer: StreamFramer;
  lastActivity = Date.now();
  partialSince = 0;
  connected: boolean;
  /** TLS: names of the peer's verified certificate (tls-names.ts), reported with each message. */
  tlsNames: readonly string[] | undefined;
  queued: Array<{ data: Buffer; onError: SendErrorHandler | undefined }> = [];

  constructor(id: string, socket: Socket, remote: Address, limits: SipLimits, connected: boolean) {
    this.id = id;
    this.socket = socket;
    this.remote = remote;
    this.framer = new StreamFramer(limits);
    this.connected = connected;
    this.tlsNames = undefined;
  }
}

export class StreamTransport implements Transport {
  readonly protocol: 'tcp' | 'tls';
  readonly family: 4 | 6;
  readonly externalHost: string | undefined;
  #local: Address;
  readonly #opts: StreamOptions;
  readonly #limits: StreamLimits;
  readonly #byId = new Map<string, Connection>();
  readonly #byRemote = new Map<string, Connection>();
  #server: Server | undefined;
  #sweep: NodeJS.Timeout | undefined;
  #nextId = 1;

  private constructor(opts: StreamOptions) {
    this.#opts = opts;
    this.protocol = opts.protocol;
    this.externalHost = opts.externalHost;
    this.#limits = { ...DEFAULT_STREAM_LIMITS, ...opts.streamLimits };
    const host = hostForSocket(opts.host);
    this.family = isIPv6(host) ? 6 : 4;
    this.#local = { host, port: opts.port };
  }

  static async listen(opts: StreamOptions): Promise<StreamTransport> {
    const t = new StreamTransport(opts);
    let server: Server;
    if (opts.protocol === 'tls') {
      if (!opts.tls) throw new Error('a TLS listen address needs tls.cert and tls.key');
      // A client certificate is asked for but not required: when one verifies, its names go up
      // with each request so the core can tell TLS trunks by name (RFC 5922 §7.2).
      server = createTlsServer(
        {
          cert: opts.tls.cert,
          key: opts.tls.key,
          minVersion: 'TLSv1.2',
          requestCert: true,
          rejectUnauthorized: false,
          ...(opts.tls.ca !== undefined ? { ca: opts.tls.ca } : {}),
        },
        (s) => t.#accept(s),
      );
      // Handshake failures are the peer's problem; never let them reach the process.
      server.on('tlsClientError', () => {});
    } else {
      server = createTcpServer((s) => t.#accept(s));
    }
    server.maxConnections = t.#limits.maxConnections;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, t.#local.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => {});
    const addr = server.address();
    if (addr && typeof addr === 'object') t.#local = { host: t.#local.host, port: addr.port };
    t.#server = server;
    t.#sweep = setInterval(() => t.#sweepIdle(), 1000);
    t.#sweep.unref();
    return t;
  }

  get local(): Address {
    return this.#local;
  }

  get connectionCount(): number {
    return this.#byId.size;
  }

  /** Connections this transport opened itself (toward peers), since it started. */
  opened = 0;

  #accept(socket: Socket): void {
    const remote = { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const conn = this.#adopt(socket, remote, true);
    if (this.protocol === 'tls') conn.tlsNames = verifiedPeerNames(socket as TLSSocket);
  }

  #adopt(socket: Socket, remote: Address, connected: boolean): Connection {
    const conn = new Connection(
      `${this.protocol}-${this.#nextId++}`,
      socket,
      remote,
      this.#opts.limits,
      connected,
    );
    this.#byId.set(conn.id, conn);
    this.#byRemote.set(addressKey(remote), conn);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(conn, chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.#forget(conn));
    return conn;
  }

  #forget(conn: Connection): void {
    this.#byId.delete(conn.id);
    const key = addressKey(conn.remote);
    if (this.#byRemote.get(key) === conn) this.#byRemote.delete(key);
    const err = new Error('connection closed before the message was sent');
    for (const q of conn.queued) q.onError?.(err);
    conn.queued = [];
  }

  #onData(conn: Connection, chunk: Buffer): void {
    conn.lastActivity = Date.now();
    const events = conn.framer.push(chunk);
    const flow: Flow = {
      protocol: this.protocol,
      remote: conn.remote,
      local: this.#local,
      connectionId: conn.id,
      ...(conn.tlsNames ? { tlsNames: conn.tlsNames } : {}),
    };
    let framed = false;
    for (const ev of events) {
      if (ev.type === 'keepalive') {
        // RFC 5626 §3.5.1: a double-CRLF ping is answered with a single CRLF.
        if (ev.kind === 'ping') this.#write(conn, CRLF, undefined);
      } else {
        framed = true;
        this.#opts.sink.receive(ev.result, flow);
      }
    }
    if (conn.framer.closed !== null) {
      this.#opts.onDrop?.(conn.remote, `framing lost: ${conn.framer.closed.reason}`);
      // end() lets an error response written above go out first.
      conn.socket.end();
      this.#forget(conn);
      return;
    }
    // The clock for a stalled message starts when a message is begun, not at each chunk.
    if (conn.framer.buffered === 0) conn.partialSince = 0;
    else if (framed || conn.partialSince === 0) conn.partialSince = conn.lastActivity;
  }

  send(data: Buffer, target: Target, onError?: SendErrorHandler): void {
    let conn = target.connectionId !== undefined ? this.#byId.get(target.connectionId) : undefined;
    conn ??= this.#byRemote.get(addressKey(target));
    if (conn === undefined || conn.socket.destroyed) conn = this.#connect(target);
    if (conn === undefined) {
      onError?.(new Error('too many connections'));
      return;
    }
    if (!conn.connected) conn.queued.push({ data, onError });
    else this.#write(conn, data, onError);
  }

  #write(conn: Connection, data: Buffer, onError: SendErrorHandler | undefined): void {
    conn.lastActivity = Date.now();
    conn.socket.write(data, (err) => {
      if (err) onError?.(err);
    });
    if (conn.socket.writableLength > this.#limits.maxWriteBufferBytes) {
      this.#opts.onDrop?.(conn.remote, 'peer does not read');
      conn.socket.destroy();
    }
  }

  #connect(target: Target): Connection | undefined {
    if (this.#byId.size >= this.#limits.maxConnections) return undefined;
    const host = hostForSocket(target.host);
    const remote = { host, port: target.port };
    let socket: Socket;
    if (this.protocol === 'tls') {
      const files = this.#opts.tls;
      socket = tlsConnect({
        host,
        port: target.port,
        minVersion: 'TLSv1.2',
        ca: files?.ca,
        cert: files?.cert,
        key: files?.key,
        rejectUnauthorized: files?.rejectUnauthorized ?? true,
        servername: isIPv6(host) || /^[\d.]+$/.test(host) ? undefined : host,
      });
    } else {
      socket = netConnect({ host, port: target.port });
    }
    const conn = this.#adopt(socket, remote, false);
    this.opened++;
    const timer = setTimeout(
      () => socket.destroy(new Error('connect timeout')),
      this.#limits.connectTimeoutMs,
    );
    timer.unref();
    socket.once(this.protocol === 'tls' ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      conn.connected = true;
      if (this.protocol === 'tls') conn.tlsNames = verifiedPeerNames(socket as TLSSocket);
      const queued = conn.queued;
      conn.queued = [];
      for (const q of queued) this.#write(conn, q.data, q.onError);
    });
    socket.once('close', () => clearTimeout(timer));
    return conn;
  }

  #sweepIdle(): void {
    const now = Date.now();
    for (const conn of this.#byId.values()) {
      if (now - conn.lastActivity > this.#limits.idleTimeoutMs) {
        conn.socket.destroy();
      } else if (conn.partialSince > 0 && now - conn.partialSince > this.#limits.partialMessageTimeoutMs) {
        this.#opts.onDrop?.(conn.remote, 'message not completed in time');
        conn.socket.destroy();
      }
    }
  }

  async close(): Promise<void> {
    if (this.#sweep) clearInterval(this.#sweep);
    const server = this.#server;
    this.#server = undefined;
    for (const conn of [...this.#byId.values()]) conn.socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
