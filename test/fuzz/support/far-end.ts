/**
 * The far end of the fuzz runs: a UDP peer that answers every request the SBC routes to it —
 * 180 then 486 to an INVITE (so each call ends at once, with a response hook and a failure on
 * the way), nothing to an ACK, 200 to anything else. It copies the headers RFC 3261 §8.2.6.2 says
 * a response copies.
 */
import { createSocket, type Socket } from 'node:dgram';

const COPIED = /^(via|v|from|f|to|t|call-id|i|cseq)\s*:/i;

export interface FarEnd {
  port: number;
  /** Requests it received. */
  received(): number;
  close(): void;
}

export interface FarEndOptions {
  /** Line end of its responses' header lines (default CRLF; a bare LF tests tolerance). */
  lineEnd?: string;
  /** A body on its 486, to make the response's framing matter. */
  busyBody?: string;
}

export function startFarEnd(host: string, port: number, options: FarEndOptions = {}): Promise<FarEnd> {
  const eol = options.lineEnd ?? '\r\n';
  const busyBody = options.busyBody ?? '';
  const socket: Socket = createSocket('udp4');
  let received = 0;
  socket.on('message', (data, from) => {
    const text = data.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    const head = text.slice(0, end < 0 ? text.length : end).split('\r\n');
    const method = /^([A-Z]+) /.exec(head[0] ?? '')?.[1];
    if (method === undefined || method === 'ACK') return;
    received++;
    const copied = head.slice(1).filter((l) => COPIED.test(l));
    const answer = (status: string, tag: boolean, body = '') =>
      [
        `SIP/2.0 ${status}`,
        ...copied.map((l) => (tag && /^(to|t)\s*:/i.test(l) && !/;tag=/i.test(l) ? `${l};tag=far` : l)),
        ...(body ? ['Content-Type: text/plain'] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join(eol);
    const send = (s: string) => socket.send(s, from.port, from.address);
    if (method === 'INVITE') {
      send(answer('180 Ringing', true));
      send(answer('486 Busy Here', true, busyBody));
    } else send(answer('200 OK', method !== 'CANCEL'));
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () =>
      resolve({
        port,
        received: () => received,
        close: () => socket.close(),
      }),
    );
  });
}
