// The four transaction state machines of RFC 3261 §17 (with RFC 6026), driven
// directly with fake timers: what goes on the wire when, what reaches the
// transaction user, and when each one ends. T1 = 500 ms, T2 = 4 s, T4 = 5 s.

import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { SipMessage } from '../../../src/edge/sip/index.ts';
import { parseMessage } from '../../../src/edge/sip/index.ts';
import {
  DEFAULT_TIMERS,
  InviteClientTransaction,
  InviteServerTransaction,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
} from '../../../src/edge/transaction/index.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const msg = (text: string): SipMessage => {
  const r = parseMessage(Buffer.from(text));
  if (!r.ok) throw new Error(r.error.reason);
  return r.message;
};
const response = (status: number, method = 'INVITE'): SipMessage =>
  msg(
    `SIP/2.0 ${status} X\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\n` +
      `Call-ID: c\r\nCSeq: 1 ${method}\r\nContent-Length: 0\r\n\r\n`,
  );
const req = (method: string): SipMessage =>
  msg(
    `${method} sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\n` +
      `Call-ID: c\r\nCSeq: 1 ${method}\r\nContent-Length: 0\r\n\r\n`,
  );

function clientUser() {
  return {
    responses: [] as number[],
    timeouts: 0,
    errors: 0,
    terminated: 0,
    onResponse(r: SipMessage) {
      this.responses.push(r.status);
    },
    onTimeout() {
      this.timeouts++;
    },
    onTransportError() {
      this.errors++;
    },
    onTerminated() {
      this.terminated++;
    },
  };
}

function wire() {
  const sent: Array<{ at: number; text: string }> = [];
  const start = Date.now();
  return { sent, send: (b: Buffer) => sent.push({ at: Date.now() - start, text: b.toString() }) };
}

it('INVITE client: Timer A doubles without cap, Timer B reports a timeout at 64·T1', () => {
  const w = wire();
  const user = clientUser();
  const t = new InviteClientTransaction({
    key: 'k',
    reliable: false,
    timers: DEFAULT_TIMERS,
    send: w.send,
    request: Buffer.from('INVITE'),
    user,
    buildAck: () => Buffer.from('ACK'),
    onTerminate: () => {},
  });
  t.start();
  vi.advanceTimersByTime(31_999);
  expect(w.sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
  expect(user.timeouts).toBe(0);
  vi.advanceTimersByTime(1);
  expect(user.timeouts).toBe(1);
  expect(t.state).toBe('terminated');
});

it('INVITE client: a 1xx stops retransmission; a non-2xx is ACKed, retransmissions are re-ACKed but not reported', () => {
  const w = wire();
  const user = clientUser();
  const t = new InviteClientTransaction({
    key: 'k',
    reliable: false,
    timers: DEFAULT_TIMERS,
    send: w.send,
    request: Buffer.from('INVITE'),
    user,
    buildAck: (r) => Buffer.from(`ACK for ${r.status}`),
    onTerminate: () => {},
  });
  t.start();
  t.receive(response(180));
  vi.advanceTimersByTime(10_000);
  expect(w.sent).toHaveLength(1);
  t.receive(response(486));
  t.receive(response(486));
  expect(w.sent.map((s) => s.text)).toEqual(['INVITE', 'ACK for 486', 'ACK for 486']);
  expect(user.responses).toEqual([180, 486]);
  expect(t.state).toBe('completed');
  vi.advanceTimersByTime(32_000); // Timer D
  expect(t.state).toBe('terminated');
});

it('INVITE client: 2xx and its retransmissions go to the TU (RFC 6026 Accepted), Timer M ends it', () => {
  const w = wire();
  const user = clientUser();
  const t = new InviteClientTransaction({
    key: 'k',
    reliable: true,
    timers: DEFAULT_TIMERS,
    send: w.send,
    request: Buffer.from('INVITE'),
    user,
    buildAck: () => Buffer.from('ACK'),
    onTerminate: () => {},
  });
  t.start();
  vi.advanceTimersByTime(5000);
  expect(w.sent).toHaveLength(1); // reliable transport: no Timer A
  t.receive(response(200));
  t.receive(response(200));
  expect(user.responses).toEqual([200, 200]);
  expect(t.state).toBe('accepted');
  vi.advanceTimersByTime(32_000);
  expect(t.state).toBe('terminated');
});

it('non-INVITE client: Timer E doubles up to T2, Timer F times out, Timer K ends Completed after T4', () => {
  const w = wire();
  const user = clientUser();
  const t = new NonInviteClientTransaction({
    key: 'k',
    reliable: false,
    timers: DEFAULT_TIMERS,
    send: w.send,
    request: Buffer.from('BYE'),
    user,
    onTerminate: () => {},
  });
  t.start();
  vi.advanceTimersByTime(20_000);
  expect(w.sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500]);
  vi.advanceTimersByTime(12_000);
  expect(user.timeouts).toBe(1);

  const w2 = wire();
  const u2 = clientUser();
  const t2 = new NonInviteClientTransaction({
    key: 'k2',
    reliable: false,
    timers: DEFAULT_TIMERS,
    send: w2.send,
    request: Buffer.from('BYE'),
    user: u2,
    onTerminate: () => {},
  });
  t2.start();
  t2.receive(response(200, 'BYE'));
  t2.receive(response(200, 'BYE'));
  expect(u2.responses).toEqual([200]);
  vi.advanceTimersByTime(4999);
  expect(t2.state).toBe('completed');
  vi.advanceTimersByTime(1);
  expect(t2.state).toBe('terminated');
});

it('INVITE server: a non-2xx is retransmitted (Timer G, capped at T2) until the ACK, then absorbed (Timer I)', () => {
  const w = wire();
  let terminated = 0;
  let timeouts = 0;
  const t = new InviteServerTransaction({
    key: 'k',
    reliable: false,
    timers: DEFAULT_TIMERS,
    send: w.send,
    request: req('INVITE'),
    user: { onTerminated: () => terminated++, onTimeout: () => timeouts++ },
  });
  t.respond(Buffer.from('100'), 100);
  t.receiveRequest(req('INVITE')); // retransmitted INVITE: the last provisional again
  t.respond(Buffer.from('486'), 486);
  // At 0, 500, 1500, 3500, 7500 and 11500 ms: the interval stops growing at T2.
  vi.advanceTimersByTime(12_000);
  expect(w.sent.map((s) => s.text)).toEqual(['100', '100', '486', '486', '486', '486', '486', '486']);
  expect(w.sent.slice(2).map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11500]);
  t.receiveRequest(req('ACK'));
  expect(t.state).toBe('confirmed');
  vi.advanceTimersByTime(4000);
  expect(w.sent).toHaveLength(8);
  vi.advanceTimersByTime(1000); // Timer I = T4
  expect(t.state).toBe('terminated');
  expect([terminated, timeouts]).toEqual([1, 0]);
});

it('INVITE server: Timer H reports a missing ACK; a 2xx is retransmitted until the ACK the dialog matched', () => {
  const w = wire();
  let timeouts = 0;
  const t = new InviteServerTransaction({
    key: 'k',
    reliable: false,
    timers: DEFAULT_TIMERS,
    send: w.send,
    request: req('INVITE'),
    user: { onTerminated: () => {}, onTimeout: () => timeouts++ },
  });
  t.respond(Buffer.from('603'), 603);
  vi.advanceTimersByTime(32_000);
  expect(timeouts).toBe(1);
  expect(t.state).toBe('terminated');

  const w2 = wire();
  let timeouts2 = 0;
  const t2 = new InviteServerTransaction({
    key: 'k2',
    reliable: false,
    timers: DEFAULT_TIMERS,
    send: w2.send,
    request: req('INVITE'),
    user: { onTerminated: () => {}, onTimeout: () => timeouts2++ },
  });
  t2.respond(Buffer.from('200'), 200);
  vi.advanceTimersByTime(1600);
  expect(w2.sent.map((s) => s.at)).toEqual([0, 500, 1500]);
  t2.ackFor2xx();
  vi.advanceTimersByTime(40_000);
  expect(w2.sent).toHaveLength(3);
  expect(timeouts2).toBe(0); // Timer L after the ACK is not an ACK timeout
  expect(t2.state).toBe('terminated');
});

it('non-INVITE server: retransmissions get the last response; Timer J ends Completed after 64·T1 on UDP, at once on TCP', () => {
  const w = wire();
  const t = new NonInviteServerTransaction({
    key: 'k',
    reliable: false,
    timers: DEFAULT_TIMERS,
    send: w.send,
    request: req('BYE'),
    user: { onTerminated: () => {} },
  });
  t.receiveRequest(req('BYE')); // nothing sent yet: absorbed
  t.respond(Buffer.from('200'), 200);
  t.receiveRequest(req('BYE'));
  expect(w.sent.map((s) => s.text)).toEqual(['200', '200']);
  vi.advanceTimersByTime(31_999);
  expect(t.state).toBe('completed');
  vi.advanceTimersByTime(1);
  expect(t.state).toBe('terminated');

  const tcp = new NonInviteServerTransaction({
    key: 'k2',
    reliable: true,
    timers: DEFAULT_TIMERS,
    send: () => {},
    request: req('BYE'),
    user: { onTerminated: () => {} },
  });
  tcp.respond(Buffer.from('200'), 200);
  expect(tcp.state).toBe('terminated');
});
