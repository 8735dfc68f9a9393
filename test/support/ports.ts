import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/*
 * Test ports come from 10000-19999: below the kernel's ephemeral range
 * (32768-60999 here), so no outgoing connection or unbound UDP socket of a
 * parallel test can be handed the port between our check and the bind of the
 * peer we start (sipp, rtpengine's ng port, the SBC), and below the RTP ranges
 * the media tests use (25000 and up). Each vitest worker takes its own block of
 * 1000, so parallel test files never pick the same port.
 */
const FIRST = 10_000;
const BLOCK = 1_000;
const worker = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? 1);
const blockStart = FIRST + ((Math.max(1, worker) - 1) % 10) * BLOCK;
let next = Math.floor(Math.random() * BLOCK);
/** Ports fetch() refuses to connect to (the WHATWG "bad ports" list) that fall in our range. */
const FETCH_BLOCKED = new Set([10080]);

function tcpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

/** A port free for both TCP and UDP on `host`, from this worker's own block. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < BLOCK; attempt++) {
    const port = blockStart + (next++ % BLOCK);
    if (FETCH_BLOCKED.has(port)) continue;
    if ((await tcpFree(port, host)) && (await udpFree(port, host))) return port;
  }
  throw new Error(`no free port in ${blockStart}-${blockStart + BLOCK - 1}`);
}

/** Polls a URL until it answers (any status), or fails after timeoutMs. */
export async function waitForHttp(url: string, timeoutMs = 10_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`${url} did not answer within ${timeoutMs} ms`, { cause: error });
      }
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 50));
    }
  }
}
