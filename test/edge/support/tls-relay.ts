// The Debian sipp build has no TLS ("To use a TLS transport you must compile
// SIPp with OpenSSL"), so sipp speaks TCP and this relay carries each of its
// connections over a real TLS connection to or from the edge, byte for byte.
// sipp stays the SIP peer; only the record layer is added here.

import { createServer as createTcpServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls';
import type { TestCert } from './tls.ts';

export interface Relay {
  port: number;
  close(): Promise<void>;
}

function pipeBoth(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const end = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on('error', end).on('close', end);
  b.on('error', end).on('close', end);
}

async function listen(server: Server, sockets: Set<Socket>): Promise<Relay> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const a = server.address();
  return {
    port: typeof a === 'object' && a ? a.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** TCP in (from sipp), TLS out to `tlsPort`, verifying the peer against `cert`. */
export function tcpToTls(tlsPort: number, cert: TestCert): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((plain) => {
    const secure = tlsConnect({ host: '127.0.0.1', port: tlsPort, ca: cert.cert, minVersion: 'TLSv1.2' });
    sockets.add(secure);
    pipeBoth(plain, secure);
  });
  return listen(server, sockets);
}

/** TLS in (from the edge, presenting `cert`), TCP out to sipp at `tcpPort`. */
export function tlsToTcp(tcpPort: number, cert: TestCert): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server = createTlsServer({ cert: cert.cert, key: cert.key, minVersion: 'TLSv1.2' }, (secure) => {
    const plain = tcpConnect({ host: '127.0.0.1', port: tcpPort });
    sockets.add(secure);
    sockets.add(plain);
    pipeBoth(secure, plain);
  });
  return listen(server, sockets);
}
