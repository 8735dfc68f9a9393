// One TCP connection from an app (drachtio-srf `Srf#connect`). Owns framing,
// authentication and the protocol-level messages (ping, unknown types); hands
// route/sip/proxy messages to the server.

import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  type AppMessage,
  type ProxyMessage,
  parseAppMessage,
  type SipMessageFromApp,
} from './app-messages.ts';
import { encodeFrame, FrameReader } from './framing.ts';
import { buildServerMessage, type ServerMessage, type WireReply } from './server-messages.ts';

export interface WireLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const silentLogger: WireLogger = { debug() {}, warn() {} };

/** What a connection needs from the server it belongs to. */
export interface ConnectionHost {
  readonly log: WireLogger;
  /** Output bytes an app may leave unread before it is dropped. */
  readonly maxBufferedBytes: number;
  checkSecret(secret: string): boolean;
  /** The `OK|hostports|version|localHostports` reply. */
  authenticatedReply(): WireReply;
  route(conn: AppConnection, verb: string): void;
  removeRoute(conn: AppConnection, verb: string): void;
  sip(conn: AppConnection, msg: SipMessageFromApp): void;
  proxy(conn: AppConnection, msg: ProxyMessage): void;
  closed(conn: AppConnection): void;
}

export class AppConnection {
  readonly id: string;
  readonly socket: Socket;
  readonly remote: string;
  #authenticated = false;
  #tags: string[] = [];
  #closed = false;
  #corked = false;
  readonly #reader = new FrameReader();
  readonly #host: ConnectionHost;

  constructor(id: string, socket: Socket, host: ConnectionHost) {
    this.id = id;
    this.socket = socket;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.#host = host;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => host.log.debug({ conn: id, err: err.message }, 'app socket error'));
    socket.on('close', () => this.#onClose());
  }

  get authenticated(): boolean {
    return this.#authenticated;
  }

  /** Tags the app announced (`new Srf(['tag'])`); kept for tag-based routing. */
  get tags(): readonly string[] {
    return this.#tags;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes one S→A message; false when the connection is gone or the message cannot be encoded. */
  send(msg: ServerMessage): boolean {
    if (this.#closed || this.socket.destroyed) return false;
    let frame: Buffer;
    try {
      frame = encodeFrame(buildServerMessage(msg));
    } catch (err) {
      this.#host.log.warn({ conn: this.id, err: (err as Error).message }, 'cannot encode message for app');
      return false;
    }
    // Frames made during one turn of the event loop (all the SIP messages and app
    // frames read in one poll) go out in one writev instead of one syscall each.
    if (!this.#corked) {
      this.#corked = true;
      this.socket.cork();
      setImmediate(() => {
        this.#corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frame);
    if (this.socket.writableLength > this.#host.maxBufferedBytes) {
      // An app that stopped reading would make the edge buffer without bound.
      this.#host.log.warn(
        { conn: this.id, buffered: this.socket.writableLength },
        'app not reading, dropping it',
      );
      this.destroy();
      return false;
    }
    return true;
  }

  reply(replyTo: string, reply: WireReply): boolean {
    return this.send({ type: 'response', id: randomUUID(), replyTo, reply });
  }

  /** Refuses with `NO|<reason>` and drops the app after the reply is flushed (drachtio-server does the same). */
  refuseAndDrop(replyTo: string, reason: string): void {
    this.reply(replyTo, { kind: 'refused', reason });
    this.#markClosed();
    this.socket.end();
    // A peer that never closes its side must not hold the socket open.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  /** Drops the connection at once (framing violations: the stream cannot be resynchronised). */
  destroy(): void {
    this.#markClosed();
    this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    const { frames, error } = this.#reader.push(chunk);
    for (const frame of frames) {
      if (this.#closed) return;
      this.#onFrame(frame);
    }
    if (error && !this.#closed) {
      this.#host.log.warn(
        { conn: this.id, remote: this.remote, err: error.message },
        'bad framing, dropping app',
      );
      this.destroy();
    }
  }

  #onFrame(payload: string): void {
    let msg: AppMessage;
    try {
      msg = parseAppMessage(payload);
    } catch (err) {
      this.#host.log.warn(
        { conn: this.id, err: (err as Error).message },
        'malformed app message, dropping app',
      );
      this.destroy();
      return;
    }
    if (msg.type === 'authenticate') {
      this.#authenticate(msg.id, msg.secret, msg.tags);
      return;
    }
    // Stricter than drachtio-server, which never checks: the admin port of an edge
    // facing networks must not take routes or SIP work from an unauthenticated peer.
    if (!this.#authenticated) {
      this.refuseAndDrop(msg.id, 'authentication required');
      return;
    }
    switch (msg.type) {
      case 'ping':
        this.reply(msg.id, { kind: 'pong' });
        return;
      case 'route':
        this.#host.route(this, msg.verb);
        this.reply(msg.id, { kind: 'ok' });
        return;
      case 'remove_route':
        this.#host.removeRoute(this, msg.verb);
        this.reply(msg.id, { kind: 'ok' });
        return;
      case 'sip':
        this.#host.sip(this, msg);
        return;
      case 'proxy':
        this.#host.proxy(this, msg);
        return;
      case 'unknown':
        this.refuseAndDrop(msg.id, 'Unknown message type');
        return;
    }
  }

  #authenticate(id: string, secret: string, tags: string[]): void {
    if (!this.#host.checkSecret(secret)) {
      this.#host.log.warn({ conn: this.id, remote: this.remote }, 'app failed to authenticate');
      this.refuseAndDrop(id, 'incorrect secret');
      return;
    }
    this.#authenticated = true;
    this.#tags = tags;
    this.#host.log.debug({ conn: this.id, remote: this.remote, tags }, 'app authenticated');
    this.reply(id, this.#host.authenticatedReply());
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#host.closed(this);
  }

  #onClose(): void {
    this.#markClosed();
  }
}
