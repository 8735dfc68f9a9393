// UDP transport (RFC 3261 §18.1.1, §18.2.1): one datagram is one message.
// Parsing happens here so that the layers above only see framed, parsed
// messages; validation and answering bad input is the stack's job.

import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { SipLimits } from '../sip/index.ts';
import { parseMessage } from '../sip/index.ts';
import type { Address, SendErrorHandler, Target, Transport, TransportSink } from './types.ts';
import { hostForSocket } from './types.ts';

export interface UdpOptions {
  host: string;
  port: number;
  externalHost?: string;
  limits: SipLimits;
  sink: TransportSink;
}

/** Largest UDP payload over IPv4 (65,535 − 8 UDP − 20 IP). */
export const MAX_DATAGRAM = 65_507;

export class UdpTransport implements Transport {
  readonly protocol = 'udp' as const;
  readonly family: 4 | 6;
  readonly externalHost: string | undefined;
  #local: Address;
  readonly #socket: Socket;
  readonly #opts: UdpOptions;

  private constructor(opts: UdpOptions, socket: Socket, family: 4 | 6) {
    this.#opts = opts;
    this.#socket = socket;
    this.family = family;
    this.externalHost = opts.externalHost;
    this.#local = { host: hostForSocket(opts.host), port: opts.port };
  }

  static async listen(opts: UdpOptions): Promise<UdpTransport> {
    const host = hostForSocket(opts.host);
    const family = isIPv6(host) ? 6 : 4;
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', ipv6Only: family === 6 });
    const t = new UdpTransport(opts, socket, family);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // Big buffers absorb bursts (a call-rate step in sipp) instead of dropping datagrams.
    try {
      socket.setRecvBufferSize(4 * 1024 * 1024);
      socket.setSendBufferSize(4 * 1024 * 1024);
    } catch {
      // the OS caps these; the defaults still work
    }
    t.#local = { host, port: socket.address().port };
    socket.on('message', (buf, rinfo) => t.#onMessage(buf, rinfo.address, rinfo.port));
    // ICMP errors surface as socket errors on some platforms; never fatal for a datagram socket.
    socket.on('error', () => {});
    return t;
  }

  get local(): Address {
    return this.#local;
  }

  #onMessage(buf: Buffer, address: string, port: number): void {
    // A datagram is at most 64 KiB, so parsing the head of an oversized one is bounded
    // work, and it lets the stack answer 513 instead of dropping silently.
    const result = parseMessage(buf, { limits: this.#opts.limits });
    this.#opts.sink.receive(result, {
      protocol: 'udp',
      remote: { host: address, port },
      local: this.#local,
    });
  }

  send(data: Buffer, target: Target, onError?: SendErrorHandler): void {
    if (data.length > MAX_DATAGRAM) {
      // RFC 3261 §18.1.1 would switch to TCP; the stack decides, here it is an error.
      onError?.(new Error(`message of ${data.length} bytes does not fit a UDP datagram`));
      return;
    }
    // No completion callback: without one libuv sends at once when it can
    // (uv_udp_try_send) instead of queueing a request. Asynchronous UDP errors
    // (ICMP) are not reliable anyway; transactions rely on their timers.
    this.#socket.send(data, target.port, hostForSocket(target.host));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
