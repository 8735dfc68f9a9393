// A bare TCP peer speaking the wire protocol by hand, for protocol-level cases srf
// never produces (garbage, unknown types, messages before authenticate).

import { connect, type Socket } from 'node:net';
import { encodeFrame, FrameReader } from '../../../src/edge/wire/framing.ts';

export class RawApp {
  readonly socket: Socket;
  readonly frames: string[] = [];
  readonly closed: Promise<void>;
  #reader = new FrameReader(9);
  #waiters: Array<() => void> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(...this.#reader.push(chunk).frames);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawApp> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawApp(socket)));
      socket.once('error', reject);
    });
  }

  send(payload: string): void {
    this.socket.write(encodeFrame(payload));
  }

  writeRaw(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves with the n-th payload received (0-based), waiting for it. */
  async frame(n: number, timeoutMs = 3000): Promise<string> {
    const end = Date.now() + timeoutMs;
    while (this.frames.length <= n) {
      if (Date.now() > end) throw new Error(`no frame #${n} from the server`);
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.frames[n]!;
  }

  close(): void {
    this.socket.destroy();
  }
}
