// Transaction matching keys (RFC 3261 §17.1.3, §17.2.3) and id generation.

import { expect, it } from 'vitest';
import { parseMessage, type SipMessage } from '../../../src/edge/sip/index.ts';
import {
  newBranch,
  newTag,
  responseKey,
  serverKey,
  timerValues,
} from '../../../src/edge/transaction/index.ts';

const msg = (text: string): SipMessage => {
  const r = parseMessage(Buffer.from(text));
  if (!r.ok) throw new Error(r.error.reason);
  return r.message;
};
const request = (method: string, via: string, cseq = `1 ${method}`) =>
  msg(
    `${method} sip:b@h SIP/2.0\r\nVia: ${via}\r\nFrom: <sip:a@h>;tag=f\r\nTo: <sip:b@h>\r\nCall-ID: c@h\r\n` +
      `CSeq: ${cseq}\r\nContent-Length: 0\r\n\r\n`,
  );

it('matches an ACK to its INVITE and keeps a CANCEL apart (§17.2.3)', () => {
  const via = 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc';
  const invite = serverKey(request('INVITE', via));
  expect(serverKey(request('ACK', via, '1 ACK'))).toBe(invite);
  expect(serverKey(request('CANCEL', via, '1 CANCEL'))).not.toBe(invite);
  expect(serverKey(request('CANCEL', via, '1 CANCEL'), 'INVITE')).toBe(invite);
  // Same branch from another sent-by is another transaction.
  expect(serverKey(request('INVITE', 'SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKabc'))).not.toBe(invite);
});

it('falls back to RFC 2543 matching for branches without the magic cookie', () => {
  const a = serverKey(request('INVITE', 'SIP/2.0/UDP 10.0.0.1:5060;branch=old1'));
  const ack = serverKey(request('ACK', 'SIP/2.0/UDP 10.0.0.1:5060;branch=old1', '1 ACK'));
  expect(a).toMatch(/^2543\|/);
  expect(ack).toBe(a);
  expect(serverKey(request('INVITE', 'SIP/2.0/UDP 10.0.0.1:5060', '2 INVITE'))).not.toBe(a);
});

it('keys responses by branch and CSeq method (§17.1.3)', () => {
  const res = (method: string) =>
    msg(
      `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx1\r\nFrom: <sip:a@h>;tag=f\r\nTo: <sip:b@h>;tag=t\r\n` +
        `Call-ID: c@h\r\nCSeq: 1 ${method}\r\nContent-Length: 0\r\n\r\n`,
    );
  expect(responseKey(res('INVITE'))).toBe('z9hG4bKx1|INVITE');
  expect(responseKey(res('CANCEL'))).toBe('z9hG4bKx1|CANCEL');
});

it('makes unique RFC 3261 branches and tags', () => {
  const branches = new Set(Array.from({ length: 1000 }, newBranch));
  expect(branches.size).toBe(1000);
  for (const b of branches) expect(b.startsWith('z9hG4bK')).toBe(true);
  expect(new Set(Array.from({ length: 1000 }, newTag)).size).toBe(1000);
});

it('takes T1 from the config and refuses nonsense', () => {
  expect(timerValues(100)).toEqual({ t1: 100, t2: 4000, t4: 5000 });
  expect(timerValues()).toEqual({ t1: 500, t2: 4000, t4: 5000 });
  expect(() => timerValues(0)).toThrow(/T1/);
});
