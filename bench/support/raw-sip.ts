// A minimal SIP caller and callee over UDP for media benchmarks: each call carries its own SDP (a
// distinct RTP port per call), which sipp cannot give. Only what a bench needs: INVITE → 200 → ACK,
// BYE → 200, with the callee answering 200 at once. Not a SIP stack: no retransmissions beyond what
// the SBC itself does (on loopback nothing is lost).

import { createSocket, type Socket } from 'node:dgram';

const header = (msg: string, name: string): string =>
  new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(msg)?.[1]?.trim() ?? '';
const bodyOf = (msg: string): string => msg.slice(msg.indexOf('\r\n\r\n') + 4);
const uriOf = (nameAddr: string): string => /<([^>]+)>/.exec(nameAddr)?.[1] ?? nameAddr.split(';')[0]!;
const branch = () => `z9hG4bK-${Math.random().toString(36).slice(2)}`;

async function bindUdp(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

export interface PlacedCall {
  callId: string;
  /** The SDP answer the caller got (the SBC's, i.e. rtpengine's). */
  answer: string;
  setupMs: number;
  hangUp(): Promise<void>;
}

/** Places calls to the SBC from one UDP port (the caller trunk is matched by it). */
export class RawCaller {
  readonly #socket: Socket;
  readonly #pending = new Map<string, (msg: string) => void>();
  readonly #sbcPort: number;

  private constructor(socket: Socket, sbcPort: number) {
    this.#socket = socket;
    this.#sbcPort = sbcPort;
    socket.on('message', (buf) => {
      const msg = buf.toString('utf8');
      const key = `${header(msg, 'Call-ID')} ${header(msg, 'CSeq')}`;
      if (msg.startsWith('SIP/2.0 1')) return;
      if (msg.startsWith('SIP/2.0')) this.#pending.get(key)?.(msg);
      else this.#reply(msg); // in-dialog requests from the SBC (session refresh…): 200
    });
  }

  static async open(sbcPort: number): Promise<RawCaller> {
    return new RawCaller(await bindUdp(), sbcPort);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  #send(text: string): void {
    this.#socket.send(Buffer.from(text), this.#sbcPort, '127.0.0.1');
  }

  #request(callId: string, cseq: string, text: string, timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const key = `${callId} ${cseq}`;
      const timer = setTimeout(() => {
        this.#pending.delete(key);
        reject(new Error(`no final answer to ${cseq} of ${callId}`));
      }, timeoutMs);
      this.#pending.set(key, (msg) => {
        clearTimeout(timer);
        this.#pending.delete(key);
        resolve(msg);
      });
      this.#send(text);
    });
  }

  #reply(request: string): void {
    const vias = request
      .split('\r\n')
      .filter((l) => /^(Via|v):/i.test(l))
      .join('\r\n');
    this.#send(
      `SIP/2.0 200 OK\r\n${vias}\r\nFrom: ${header(request, 'From')}\r\nTo: ${header(request, 'To')}\r\n` +
        `Call-ID: ${header(request, 'Call-ID')}\r\nCSeq: ${header(request, 'CSeq')}\r\nContent-Length: 0\r\n\r\n`,
    );
  }

  async call(user: string, sdp: string): Promise<PlacedCall> {
    const callId = `bench-${Math.random().toString(36).slice(2)}`;
    const from = `<sip:caller@127.0.0.1:${this.port}>;tag=${Math.random().toString(36).slice(2)}`;
    const base = (method: string, uri: string, to: string, cseq: number) =>
      `${method} ${uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch()};rport\r\n` +
      `Max-Forwards: 70\r\nFrom: ${from}\r\nTo: ${to}\r\nCall-ID: ${callId}\r\nCSeq: ${cseq} ${method}\r\n`;
    const started = performance.now();
    const ok = await this.#request(
      callId,
      '1 INVITE',
      base('INVITE', `sip:${user}@127.0.0.1:${this.#sbcPort}`, `<sip:${user}@127.0.0.1>`, 1) +
        `Contact: <sip:caller@127.0.0.1:${this.port}>\r\nContent-Type: application/sdp\r\n` +
        `Content-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`,
    );
    if (!ok.startsWith('SIP/2.0 200')) throw new Error(`call refused: ${ok.split('\r\n')[0]}`);
    const setupMs = performance.now() - started;
    const target = uriOf(header(ok, 'Contact'));
    const to = header(ok, 'To');
    this.#send(`${base('ACK', target, to, 1)}Content-Length: 0\r\n\r\n`);
    return {
      callId,
      answer: bodyOf(ok),
      setupMs,
      hangUp: async () => {
        await this.#request(callId, '2 BYE', `${base('BYE', target, to, 2)}Content-Length: 0\r\n\r\n`);
      },
    };
  }

  close(): void {
    this.#socket.close();
  }
}

/** Answers every INVITE at once with the SDP `answerFor(user, offer)` gives; 200 to everything else. */
export class RawCallee {
  readonly #socket: Socket;

  private constructor(socket: Socket, answerFor: (user: string, offer: string) => string) {
    this.#socket = socket;
    socket.on('message', (buf, from) => {
      const msg = buf.toString('utf8');
      if (msg.startsWith('SIP/2.0') || msg.startsWith('ACK ')) return;
      const isInvite = msg.startsWith('INVITE ');
      const user = /^INVITE sips?:([^@;>]+)@/.exec(msg)?.[1] ?? '';
      const body = isInvite ? answerFor(user, bodyOf(msg)) : '';
      const vias = msg
        .split('\r\n')
        .filter((l) => /^(Via|v):/i.test(l))
        .join('\r\n');
      const to = header(msg, 'To');
      const text =
        `SIP/2.0 200 OK\r\n${vias}\r\nFrom: ${header(msg, 'From')}\r\n` +
        `To: ${to.includes('tag=') ? to : `${to};tag=callee`}\r\nCall-ID: ${header(msg, 'Call-ID')}\r\n` +
        `CSeq: ${header(msg, 'CSeq')}\r\nContact: <sip:callee@127.0.0.1:${this.port}>\r\n` +
        (body ? 'Content-Type: application/sdp\r\n' : '') +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      socket.send(Buffer.from(text), from.port, from.address);
    });
  }

  static async open(answerFor: (user: string, offer: string) => string): Promise<RawCallee> {
    return new RawCallee(await bindUdp(), answerFor);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  close(): void {
    this.#socket.close();
  }
}
