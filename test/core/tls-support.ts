// TLS for signaling-core tests: a throw-away CA that signs the SBC's certificate
// (127.0.0.1) and a peer's client certificate (a DNS name), and a relay that
// carries sipp's TCP connections over TLS to the SBC, presenting that client
// certificate or none (Debian's sipp has no TLS).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { requireTool } from '../support/system-tools.ts';

export interface TestPki {
  caFile: string;
  ca: string;
  server: { certFile: string; keyFile: string };
  client: { cert: string; key: string };
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate naming `clientName`. */
export function testPki(clientName: string): TestPki {
  const openssl = requireTool('openssl');
  const dir = mkdtempSync(join(tmpdir(), 'core-tls-'));
  const f = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync(openssl, args, { stdio: 'ignore' });
  run(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem')]
      .concat(['-days', '1', '-subj', '/CN=core test CA'])
      .concat(['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']),
  );
  const leaf = (name: string, subject: string, san: string) => {
    run(
      ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`)].concat([
        '-subj',
        subject,
      ]),
    );
    writeFileSync(f(`${name}.ext`), `subjectAltName=${san}\n`);
    run(
      ['x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key')].concat([
        '-CAcreateserial',
        '-out',
        f(`${name}.pem`),
        '-days',
        '1',
        '-extfile',
        f(`${name}.ext`),
      ]),
    );
  };
  leaf('server', '/CN=127.0.0.1', 'IP:127.0.0.1');
  leaf('client', `/CN=${clientName}`, `DNS:${clientName}`);
  return {
    caFile: f('ca.pem'),
    ca: readFileSync(f('ca.pem'), 'utf8'),
    server: { certFile: f('server.pem'), keyFile: f('server.key') },
    client: { cert: readFileSync(f('client.pem'), 'utf8'), key: readFileSync(f('client.key'), 'utf8') },
  };
}

export interface TlsRelay {
  port: number;
  close(): Promise<void>;
}

/** TCP in (from sipp), TLS out to the SBC at `tlsPort`, with the client certificate when given. */
export async function relayToTls(
  tlsPort: number,
  pki: TestPki,
  clientCert: { cert: string; key: string } | undefined,
): Promise<TlsRelay> {
  const sockets = new Set<Socket>();
  const server = createServer((plain) => {
    const secure = tlsConnect({
      host: '127.0.0.1',
      port: tlsPort,
      ca: pki.ca,
      minVersion: 'TLSv1.2',
      ...clientCert,
    });
    for (const s of [plain, secure]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    plain.pipe(secure);
    secure.pipe(plain);
    const end = () => {
      plain.destroy();
      secure.destroy();
    };
    plain.on('error', end).on('close', end);
    secure.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
