// A raw SIP peer over a UDP socket on 127.0.0.1, for tests that need to send
// exact bytes (malformed, retransmitted) and look at every byte that comes back.

import { createSocket, type Socket } from 'node:dgram';

export class UdpPeer {
  readonly socket: Socket;
  readonly received: string[] = [];
  #waiters: Array<{ match: (m: string) => boolean; resolve: (m: string) => void }> = [];
  #taken = new Set<number>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (buf) => {
      const m = buf.toString('utf8');
      this.received.push(m);
      const w = this.#waiters.find((x) => x.match(m));
      if (w) {
        this.#taken.add(this.received.length - 1);
        this.#waiters = this.#waiters.filter((x) => x !== w);
        w.resolve(m);
      }
    });
  }

  static async open(): Promise<UdpPeer> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new UdpPeer(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(text: string | Buffer, port: number): void {
    this.socket.send(typeof text === 'string' ? Buffer.from(text) : text, port, '127.0.0.1');
  }

  /** The next received message (not yet returned) matching `match`. */
  next(match: (m: string) => boolean = () => true, timeoutMs = 3000): Promise<string> {
    const i = this.received.findIndex((m, idx) => !this.#taken.has(idx) && match(m));
    if (i >= 0) {
      this.#taken.add(i);
      return Promise.resolve(this.received[i]!);
    }
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no matching SIP message arrived')), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(t);
          resolve(m);
        },
      });
    });
  }

  count(match: (m: string) => boolean): number {
    return this.received.filter(match).length;
  }

  close(): void {
    this.socket.close();
  }
}

let seq = 0;

/** A well-formed out-of-dialog request from `port`; `extra` header lines go before Content-Length. */
export function request(
  method: string,
  port: number,
  opts: {
    branch?: string;
    callId?: string;
    toTag?: string;
    cseq?: number;
    extra?: string;
    rport?: boolean;
  } = {},
): string {
  const n = ++seq;
  const branch = opts.branch ?? `z9hG4bK-test-${n}-${Math.random().toString(36).slice(2)}`;
  return (
    `${method} sip:service@127.0.0.1 SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=${branch}${opts.rport === false ? '' : ';rport'}\r\n` +
    'Max-Forwards: 70\r\n' +
    `From: <sip:peer@127.0.0.1:${port}>;tag=from${n}\r\n` +
    `To: <sip:service@127.0.0.1>${opts.toTag ? `;tag=${opts.toTag}` : ''}\r\n` +
    `Call-ID: ${opts.callId ?? `call-${n}@127.0.0.1`}\r\n` +
    `CSeq: ${opts.cseq ?? 1} ${method}\r\n` +
    `Contact: <sip:peer@127.0.0.1:${port}>\r\n` +
    (opts.extra ?? '') +
    'Content-Length: 0\r\n\r\n'
  );
}

export const statusOf = (m: string): number => Number(m.slice(8, 11));
