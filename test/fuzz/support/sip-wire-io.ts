/**
 * Sending fuzz cases to the SBC over UDP and TCP, and the OPTIONS probes that show it still
 * answers (over a fresh socket each time, so a probe never rides on a connection the fuzz broke).
 */
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { type Addresses, optionsProbe } from './sip-cases.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class WireSender {
  answers = 0;
  readonly udpAddresses: Addresses;
  readonly tcpAddresses: Addresses;
  private readonly udp: Socket;
  private readonly sbcPort: number;

  private constructor(udp: Socket, sbcPort: number) {
    this.udp = udp;
    this.sbcPort = sbcPort;
    udp.on('message', () => this.answers++);
    this.udpAddresses = {
      sbc: `127.0.0.1:${sbcPort}`,
      me: `127.0.0.1:${udp.address().port}`,
      transport: 'UDP',
    };
    this.tcpAddresses = { ...this.udpAddresses, transport: 'TCP' };
  }

  static async open(sbcPort: number): Promise<WireSender> {
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    return new WireSender(udp, sbcPort);
  }

  sendUdp(bytes: Buffer): Promise<void> {
    return new Promise((resolve) => this.udp.send(bytes, this.sbcPort, '127.0.0.1', () => resolve()));
  }

  /** Writes the messages on one connection, some split in two writes; then closes it. */
  sendTcp(messages: Buffer[]): Promise<void> {
    return new Promise((resolve) => {
      const socket = connect(this.sbcPort, '127.0.0.1');
      socket.on('error', () => {});
      socket.on('data', () => this.answers++);
      socket.once('connect', async () => {
        for (const m of messages) {
          if (socket.destroyed) break;
          // Where to split follows from the (seeded) bytes, so a replay splits the same way.
          const cut = m.length > 1 && m[0]! % 2 === 0 ? m[m.length - 1]! % m.length : 0;
          if (cut > 0) {
            socket.write(m.subarray(0, cut));
            await sleep(1);
            socket.write(m.subarray(cut));
          } else socket.write(m);
        }
        await sleep(30);
        socket.end();
        setTimeout(() => socket.destroy(), 200).unref();
        resolve();
      });
      socket.once('close', () => resolve());
    });
  }

  close(): void {
    this.udp.close();
  }
}

/** ms until a valid OPTIONS over UDP is answered 200 (sent again every 500 ms, RFC 3261 T1). */
export async function probeUdp(sbcPort: number, n: number, timeoutMs = 5000): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const a: Addresses = {
    sbc: `127.0.0.1:${sbcPort}`,
    me: `127.0.0.1:${socket.address().port}`,
    transport: 'UDP',
  };
  const message = optionsProbe(a, n);
  const t0 = performance.now();
  let again: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<number>((resolve, reject) => {
      socket.on('message', (data) => {
        if (data.toString('latin1').startsWith('SIP/2.0 200')) resolve(performance.now() - t0);
      });
      const send = () => socket.send(message, sbcPort, '127.0.0.1');
      send();
      again = setInterval(send, 500);
      timer = setTimeout(
        () => reject(new Error(`no 200 to OPTIONS over UDP within ${timeoutMs} ms (probe ${n})`)),
        timeoutMs,
      );
    });
  } finally {
    clearInterval(again);
    clearTimeout(timer);
    socket.close();
  }
}

/** ms until a valid OPTIONS on a new TCP connection is answered 200. */
export function probeTcp(sbcPort: number, n: number, timeoutMs = 5000): Promise<number> {
  const t0 = performance.now();
  return new Promise<number>((resolve, reject) => {
    const socket = connect(sbcPort, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no 200 to OPTIONS over TCP within ${timeoutMs} ms (probe ${n})`));
    }, timeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => {
      const me = `127.0.0.1:${socket.localPort}`;
      socket.write(optionsProbe({ sbc: `127.0.0.1:${sbcPort}`, me, transport: 'TCP' }, n));
    });
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (got.startsWith('SIP/2.0 200')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(performance.now() - t0);
      }
    });
  });
}
