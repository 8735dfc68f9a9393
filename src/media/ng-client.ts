/**
 * A typed face on rtpengine-client 0.4.12 (which ships no types) for one ng
 * endpoint: every command has a timeout, and an ng `result: error` or a timeout
 * becomes an `RtpengineError` naming the command and rtpengine's reason.
 * Pitfalls (../shared/notes-rtpengine.md): the option is `rejectOnError`, the
 * timeout must be passed explicitly, and binary `blob` payloads get corrupted,
 * so media is played from files only.
 */
import { createRequire } from 'node:module';
import { RtpengineError } from './errors.ts';

export interface NgEndpoint {
  host: string;
  port: number;
}

/** An ng reply: `result` is `ok`, `pong`, `error` (with `error-reason`) or carries a `warning`. */
export interface NgReply {
  result: string;
  'error-reason'?: string;
  warning?: string;
  sdp?: string;
  calls?: string[];
  [key: string]: unknown;
}

type Send = (endpoint: NgEndpoint, params?: Record<string, unknown>) => Promise<NgReply>;

interface RawClient {
  offer: Send;
  answer: Send;
  delete: Send;
  query: Send;
  list: Send;
  ping: Send;
  playDTMF: Send;
  playMedia: Send;
  stopMedia: Send;
  statistics: Send;
  close(): void;
  on(event: 'error', listener: (error: unknown) => void): void;
  once(event: 'listening', listener: () => void): void;
}

const require = createRequire(import.meta.url);
const { Client } = require('rtpengine-client') as {
  Client: new (options: { timeout: number; rejectOnError: boolean; localAddress?: string }) => RawClient;
};

export type NgCommand =
  | 'offer'
  | 'answer'
  | 'delete'
  | 'query'
  | 'list'
  | 'ping'
  | 'playDTMF'
  | 'playMedia'
  | 'stopMedia'
  | 'statistics';

export class NgClient {
  readonly endpoint: NgEndpoint;
  private readonly raw: RawClient;
  private closed = false;

  constructor(endpoint: NgEndpoint, timeoutMs: number) {
    this.endpoint = endpoint;
    // Bind the control socket to loopback when the engine is local (the SBC opens nothing public by default).
    const loopback = endpoint.host.startsWith('127.') || endpoint.host === 'localhost';
    this.raw = new Client({
      timeout: timeoutMs,
      rejectOnError: false,
      ...(loopback ? { localAddress: '127.0.0.1' } : {}),
    });
    // Stray datagrams (late replies after a timeout) must never crash the process.
    this.raw.on('error', () => {});
  }

  /** Sends one ng command; resolves with the reply, rejects with `RtpengineError` on error or timeout. */
  async send(command: NgCommand, params: Record<string, unknown> = {}): Promise<NgReply> {
    if (this.closed) throw new RtpengineError(command, 'client closed');
    let reply: NgReply;
    try {
      reply = await this.raw[command](this.endpoint, params);
    } catch (error) {
      throw new RtpengineError(command, error instanceof Error ? error.message : String(error));
    }
    if (reply.result === 'error') throw new RtpengineError(command, reply['error-reason'] ?? 'unknown error');
    return reply;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.raw.close();
  }
}
