/**
 * A bare SIP client for the fuzz and fault tests: sends one request over UDP from its own socket
 * (retransmitted every T1 = 500 ms until something answers, RFC 3261 §17.1.2.2) and collects the
 * responses until a final one or the deadline; ACKs a non-2xx final (RFC 3261 §17.1.1.3) so the
 * SBC's transaction can end.
 */
import { createSocket } from 'node:dgram';

export interface SipAnswer {
  /** Status lines of every response, in order (retransmissions included). */
  statusLines: string[];
  /** The final response's text, or undefined when none came. */
  final: string | undefined;
  finalStatus: number | undefined;
}

/** `build(localPort)` makes the request naming the socket's own port in Via and Contact. */
export async function sendUdpRequest(
  sbcPort: number,
  build: (localPort: number) => Buffer | string,
  timeoutMs = 5000,
): Promise<SipAnswer> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const request = build(socket.address().port);
  const answer: SipAnswer = { statusLines: [], final: undefined, finalStatus: undefined };
  try {
    await new Promise<void>((resolve) => {
      let answered = false;
      const send = () => {
        if (!answered) socket.send(request, sbcPort, '127.0.0.1');
      };
      const again = setInterval(send, 500);
      const done = () => {
        clearInterval(again);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      socket.on('message', (data) => {
        const text = data.toString('latin1');
        const status = Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1]);
        if (!Number.isInteger(status)) return;
        answered = true;
        answer.statusLines.push(text.slice(0, text.indexOf('\r\n')));
        if (status >= 200 && answer.final === undefined) {
          answer.final = text;
          answer.finalStatus = status;
          if (status >= 300 && /^INVITE /.test(String(request)))
            socket.send(ackFor(String(request), text), sbcPort, '127.0.0.1');
          done();
        }
      });
      send();
    });
  } finally {
    socket.close();
  }
  return answer;
}

/** The ACK of a non-2xx final answer to `invite` (same branch, the response's To). */
export function ackFor(invite: string, response: string): string {
  const line = (name: string, text: string) =>
    new RegExp(`^${name}:.*$`, 'im').exec(text)?.[0].replace(/\r$/, '') ?? '';
  const uri = /^INVITE (\S+)/.exec(invite)?.[1] ?? '';
  const cseq = /^CSeq:\s*(\d+)/im.exec(invite)?.[1] ?? '1';
  return [
    `ACK ${uri} SIP/2.0`,
    line('Via', invite),
    line('From', invite),
    line('To', response),
    line('Call-ID', invite),
    `CSeq: ${cseq} ACK`,
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** A header's value in a message's text. */
export function header(text: string | undefined, name: string): string | undefined {
  return new RegExp(`^${name}:[ \\t]*(.*?)\\r?$`, 'im').exec(text ?? '')?.[1];
}
