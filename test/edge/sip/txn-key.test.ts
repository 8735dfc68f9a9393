// Transaction and dialog keys (RFC 3261 §17.1.3, §17.2.3, §12).

import { describe, expect, it } from 'vitest';
import type { SipMessage } from '../../../src/edge/sip/index.ts';
import {
  clientTransactionKey,
  dialogKey,
  parseMessage,
  serverTransactionKey,
} from '../../../src/edge/sip/index.ts';
import { accepted } from './torture.ts';

function msg(start: string, via: string, cseq: string, toTag = ''): SipMessage {
  const r = parseMessage(
    Buffer.from(
      `${start}\r\nVia: ${via}\r\nFrom: <sip:a@127.0.0.1>;tag=f1\r\nTo: <sip:b@127.0.0.1>${toTag}\r\n` +
        `Call-ID: k1\r\nCSeq: ${cseq}\r\nContent-Length: 0\r\n\r\n`,
    ),
  );
  if (!r.ok) throw new Error(r.error.reason);
  return r.message;
}

function key(r: { ok: true; value: string } | { ok: false; reason: string }): string {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

const VIA = 'SIP/2.0/UDP Host.Example:5060;branch=z9hG4bK-t1';

describe('server transaction keys (§17.2.3)', () => {
  const invite = msg('INVITE sip:b@127.0.0.1 SIP/2.0', VIA, '1 INVITE');

  it('matches a retransmission and a non-2xx ACK to the INVITE, with sent-by case-insensitive', () => {
    const again = msg(
      'INVITE sip:b@127.0.0.1 SIP/2.0',
      VIA.replace('Host.Example', 'host.example'),
      '1 INVITE',
    );
    const ack = msg('ACK sip:b@127.0.0.1 SIP/2.0', VIA, '1 ACK', ';tag=t9');
    expect(key(serverTransactionKey(again))).toBe(key(serverTransactionKey(invite)));
    expect(key(serverTransactionKey(ack))).toBe(key(serverTransactionKey(invite)));
  });

  it('keeps CANCEL, another branch and another sent-by apart', () => {
    const k = key(serverTransactionKey(invite));
    expect(key(serverTransactionKey(msg('CANCEL sip:b@127.0.0.1 SIP/2.0', VIA, '1 CANCEL')))).not.toBe(k);
    const otherBranch = msg('INVITE sip:b@127.0.0.1 SIP/2.0', VIA.replace('t1', 't2'), '1 INVITE');
    expect(key(serverTransactionKey(otherBranch))).not.toBe(k);
    const otherPort = msg('INVITE sip:b@127.0.0.1 SIP/2.0', VIA.replace(':5060', ':5070'), '1 INVITE');
    expect(key(serverTransactionKey(otherPort))).not.toBe(k);
  });

  it('falls back to the RFC 2543 rule without a cookie branch (RFC 4475 §3.4.1)', () => {
    const m = accepted('inv2543');
    expect(key(serverTransactionKey(m)).startsWith('2543\u0000sip:UserB@example.com')).toBe(true);
    const old = msg('INVITE sip:b@127.0.0.1 SIP/2.0', 'SIP/2.0/UDP h', '1 INVITE');
    const oldAck = msg('ACK sip:b@127.0.0.1 SIP/2.0', 'SIP/2.0/UDP h', '1 ACK', ';tag=x');
    expect(key(serverTransactionKey(oldAck))).toBe(key(serverTransactionKey(old)));
  });
});

describe('client transaction keys (§17.1.3)', () => {
  it('meets the key of the request sent with the key of its responses', () => {
    const sent = msg('INVITE sip:b@127.0.0.1 SIP/2.0', VIA, '1 INVITE');
    const ringing = msg('SIP/2.0 180 Ringing', VIA, '1 INVITE', ';tag=t9');
    const cancelOk = msg('SIP/2.0 200 OK', VIA, '1 CANCEL', ';tag=t9');
    expect(key(clientTransactionKey(ringing))).toBe(key(clientTransactionKey(sent)));
    expect(key(clientTransactionKey(cancelOk))).not.toBe(key(clientTransactionKey(sent)));
  });

  it('refuses a response without branch', () => {
    expect(clientTransactionKey(msg('SIP/2.0 200 OK', 'SIP/2.0/UDP h', '1 INVITE')).ok).toBe(false);
  });
});

describe('dialog keys (§12)', () => {
  it('orders tags by side', () => {
    const m = msg('BYE sip:b@127.0.0.1 SIP/2.0', VIA, '2 BYE', ';tag=t9');
    expect(key(dialogKey(m, true))).toBe('k1\u0000f1\u0000t9');
    expect(key(dialogKey(m, false))).toBe('k1\u0000t9\u0000f1');
  });
});
