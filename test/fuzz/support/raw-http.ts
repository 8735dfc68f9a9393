/**
 * Malformed HTTP/1.1 for the admin API fuzz, written straight to a TCP socket (fetch cannot send
 * most of it): broken request lines, header syntax, framing (Content-Length and chunked), sizes,
 * pipelining and requests cut off half-way. The answer is read until the server closes or a
 * short wait passes; only its status line matters.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { int, pick, type Rand } from './random.ts';

const PATHS = [
  '/health',
  '/api/v1/numbers',
  '/api/v1/rulesets/versions',
  '/api/v1/customers/contoso',
  '/openapi.json',
];

export function rawRequest(rand: Rand, token: string): string {
  const path = pick(rand, PATHS);
  const auth = `Authorization: Bearer ${token}\r\n`;
  const cases: (() => string)[] = [
    () => `GET ${path}\r\n\r\n`,
    () => `GET ${path} HTTP/9.9\r\nHost: x\r\n\r\n`,
    () =>
      `${pick(rand, ['FOO', 'G\u0000ET', 'get', 'CONNECT', 'TRACE', ''])} ${path} HTTP/1.1\r\nHost: x\r\n\r\n`,
    () => `GET ${'/'.repeat(1 + int(rand, 3))}${'a'.repeat(int(rand, 100_000))} HTTP/1.1\r\nHost: x\r\n\r\n`,
    () => `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000 + int(rand, 80_000))}\r\n\r\n`,
    () => `GET ${path} HTTP/1.1\r\nHost: x\r\n${'X-N: 1\r\n'.repeat(3000)}\r\n`,
    () => `GET ${path} HTTP/1.1\r\nHost x\r\nno colon here\r\n\r\n`,
    () => `GET ${path} HTTP/1.1\r\nHost: x\r\n folded: header\r\n\r\n`,
    () =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: -5\r\n\r\n{}`,
    () =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 10\r\nContent-Length: 2\r\n\r\n{}`,
    () =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 999999\r\n\r\n{"half":`,
    () =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    () =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
    () =>
      `POST /api/v1/numbers HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 9\r\n\r\n\u00ff\u00fe{"a":1}`,
    () => `GET ${path} HTTP/1.1\r\nHost: x\r\n${auth}\r\n`.repeat(2 + int(rand, 30)),
    () => `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'t'.repeat(int(rand, 50_000))}\r\n\r\n`,
    () =>
      `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${pick(rand, ['Bearer', 'Basic YTpi', 'bearer  ', '\u0001'])}\r\n\r\n`,
    () => `GET ${path}?${'a=1&'.repeat(5000)}limit=%ZZ HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
    () => `GET ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n`, // never finished
    () => Array.from({ length: int(rand, 400) }, () => String.fromCharCode(int(rand, 256))).join(''),
  ];
  return pick(rand, cases)();
}

/** The status of the first response the server sent for `raw`, or 0 when it just closed. */
export function sendRaw(port: number, raw: string, waitMs = 400): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const finish = () => {
      socket.destroy();
      resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 0));
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('error', () => {});
    socket.on('data', (d) => {
      got += d.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      finish();
    });
    socket.once('connect', () => socket.write(Buffer.from(raw, 'latin1')));
  });
}

/** One HTTP request through node:http (unlike fetch, it sends a body with any method). */
export function httpCall(
  port: number,
  req: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const r = request(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text,
          }),
        );
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}
