/**
 * A small RTP endpoint for the tests (RFC 3550): one UDP socket on loopback that
 * sends and records packets, optionally through SRTP (srtp.ts), and writes the
 * SDP that announces it. RFC 4733 telephone-event payloads are built and read here too.
 */
import { createSocket, type Socket } from 'node:dgram';
import { rtpHeaderLength, SrtpContext, type SrtpKeys } from './srtp.ts';

export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  seq: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

export function buildRtp(p: RtpPacket): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = (p.marker ? 0x80 : 0) | p.payloadType;
  header.writeUInt16BE(p.seq & 0xffff, 2);
  header.writeUInt32BE(p.timestamp >>> 0, 4);
  header.writeUInt32BE(p.ssrc >>> 0, 8);
  return Buffer.concat([header, p.payload]);
}

export function parseRtp(packet: Buffer): RtpPacket {
  const length = rtpHeaderLength(packet);
  return {
    payloadType: (packet[1] as number) & 0x7f,
    marker: ((packet[1] as number) & 0x80) !== 0,
    seq: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payload: packet.subarray(length),
  };
}

/** RFC 4733 §2.3 event payload: event, E bit, volume, duration. */
export function telephoneEvent(event: number, end: boolean, durationSamples: number, volume = 10): Buffer {
  const payload = Buffer.alloc(4);
  payload[0] = event;
  payload[1] = (end ? 0x80 : 0) | volume;
  payload.writeUInt16BE(durationSamples, 2);
  return payload;
}

export interface SdpOptions {
  /** [payload type, rtpmap encoding] in preference order, e.g. [[0, 'PCMU/8000'], [101, 'telephone-event/8000']]. */
  codecs: [number, string][];
  proto?: 'RTP/AVP' | 'RTP/SAVP';
  crypto?: string[];
  ptime?: number;
  extra?: string[];
}

export class RtpPeer {
  readonly received: RtpPacket[] = [];
  /** Datagrams that failed SRTP authentication. */
  rejected = 0;
  private readonly socket: Socket;
  private srtpIn: SrtpContext | undefined;
  private srtpOut: SrtpContext | undefined;
  private seq = Math.floor(Math.random() * 1000);
  private readonly ssrc = Math.floor(Math.random() * 0xffffffff);

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (message) => {
      const plain = this.srtpIn ? this.srtpIn.unprotect(message) : message;
      if (!plain) {
        this.rejected += 1;
        return;
      }
      this.received.push(parseRtp(plain));
    });
  }

  static async open(): Promise<RtpPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new RtpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** SRTP toward the SBC uses `outgoing` (the keys this peer announced); packets from it use `incoming`. */
  useSrtp(outgoing: SrtpKeys, incoming: SrtpKeys): void {
    this.srtpOut = new SrtpContext(outgoing);
    this.srtpIn = new SrtpContext(incoming);
  }

  sdp(options: SdpOptions): string {
    const lines = [
      'v=0',
      `o=peer ${this.port} 1 IN IP4 127.0.0.1`,
      's=test',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${this.port} ${options.proto ?? 'RTP/AVP'} ${options.codecs.map(([pt]) => pt).join(' ')}`,
      ...options.codecs.map(([pt, encoding]) => `a=rtpmap:${pt} ${encoding}`),
      ...(options.crypto ?? []),
      ...(options.ptime ? [`a=ptime:${options.ptime}`] : []),
      ...(options.extra ?? []),
      'a=sendrecv',
    ];
    return `${lines.join('\r\n')}\r\n`;
  }

  send(to: number, payloadType: number, payload: Buffer, timestamp: number, marker = false): void {
    const rtp = buildRtp({ payloadType, marker, seq: this.seq++, timestamp, ssrc: this.ssrc, payload });
    this.socket.send(this.srtpOut ? this.srtpOut.protect(rtp) : rtp, to, '127.0.0.1');
  }

  /**
   * Sends `frames` packets of `payloadFor(i)` every `intervalMs` (real time: rtpengine
   * paces and repacketises by the clock), timestamps advancing by the payload's samples.
   */
  async stream(
    to: number,
    payloadType: number,
    frames: number,
    payloadFor: (index: number) => Buffer,
    options: { intervalMs?: number; samplesPerFrame?: number; timestampStart?: number } = {},
  ): Promise<number> {
    const interval = options.intervalMs ?? 20;
    let timestamp = options.timestampStart ?? 0;
    const start = Date.now();
    for (let i = 0; i < frames; i++) {
      const payload = payloadFor(i);
      this.send(to, payloadType, payload, timestamp, i === 0);
      timestamp += options.samplesPerFrame ?? payload.length;
      const wait = start + (i + 1) * interval - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return timestamp;
  }

  /** One RFC 4733 digit: three updates and three end packets at one timestamp (§2.5.1.4). */
  async sendDigit(to: number, payloadType: number, event: number, timestamp: number): Promise<void> {
    for (let i = 0; i < 6; i++) {
      const end = i >= 3;
      this.send(to, payloadType, telephoneEvent(event, end, Math.min(i + 1, 4) * 160), timestamp, i === 0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  ofType(payloadType: number): RtpPacket[] {
    return this.received.filter((p) => p.payloadType === payloadType);
  }

  close(): void {
    this.socket.close();
  }
}

/** The port of the (first) m=audio line of an SDP. */
export function audioPort(sdp: string): number {
  const match = /^m=audio (\d+) /m.exec(sdp);
  if (!match) throw new Error(`no m=audio line in:\n${sdp}`);
  return Number(match[1]);
}

/** The payload type an SDP maps to `encoding` (e.g. 'PCMA/8000', 'telephone-event/8000'). */
export function payloadTypeOf(sdp: string, encoding: string): number | undefined {
  const match = new RegExp(`^a=rtpmap:(\\d+) ${encoding.replace('/', '\\/')}`, 'im').exec(sdp);
  if (match) return Number(match[1]);
  const statics: Record<string, number> = { 'PCMU/8000': 0, 'PCMA/8000': 8, 'G722/8000': 9 };
  const pt = statics[encoding];
  return pt !== undefined && new RegExp(`^m=audio \\d+ \\S+ (.* )?${pt}( |$)`, 'm').test(sdp)
    ? pt
    : undefined;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
