// Random mutations of the RFC 4475 messages: every call returns a message or
// a structured error, nothing throws, nothing takes long. Seeded, so a
// failure reproduces.

import { describe, expect, it } from 'vitest';
import type { ParseResult, SipMessage } from '../../../src/edge/sip/index.ts';
import {
  errorResponseFor,
  parseAndValidate,
  parseMessage,
  StreamFramer,
  serialize,
  values,
} from '../../../src/edge/sip/index.ts';
import { torture, tortureNames } from './torture.ts';

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [...'\r\n:;,<>"\\%@= \t\x00\xff/[]?'].map((c) => c.charCodeAt(0));

function mutate(input: Buffer, rand: () => number): Buffer {
  let b = Buffer.from(input);
  const steps = 1 + Math.floor(rand() * 4);
  for (let s = 0; s < steps; s++) {
    const at = Math.floor(rand() * Math.max(b.length, 1));
    const op = Math.floor(rand() * 6);
    if (op === 0 && b.length > 0) b[at] = Math.floor(rand() * 256);
    else if (op === 1)
      b = Buffer.concat([
        b.subarray(0, at),
        Buffer.from([INTERESTING[Math.floor(rand() * INTERESTING.length)]!]),
        b.subarray(at),
      ]);
    else if (op === 2) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + Math.floor(rand() * 16))]);
    else if (op === 3) {
      const len = Math.floor(rand() * 64);
      b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
    } else if (op === 4) b = b.subarray(0, at);
    else if (b.length > 0) b[at] = INTERESTING[Math.floor(rand() * INTERESTING.length)]!;
  }
  return b;
}

/** Reads every lazily parsed value: none may throw either. */
function touch(m: SipMessage): void {
  for (const r of [
    values.requestUri(m),
    values.vias(m),
    values.topVia(m),
    values.from(m),
    values.to(m),
    values.callId(m),
    values.cseq(m),
    values.maxForwards(m),
    values.contact(m),
    values.routes(m),
    values.recordRoutes(m),
  ]) {
    expect(typeof r.ok).toBe('boolean');
    if (!r.ok) expect(typeof r.reason).toBe('string');
  }
  values.mediaType(m);
  for (const h of m.headers) m.values(h.name);
  expect(serialize(m)).toBe(m.raw);
  m.prependHeader('Via', 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-fuzz');
  expect(serialize(m).length).toBeGreaterThan(m.raw.length);
}

function checkShape(r: ParseResult): void {
  if (r.ok) {
    touch(r.message);
    return;
  }
  expect(Number.isInteger(r.error.status)).toBe(true);
  expect(typeof r.error.reason).toBe('string');
  expect(typeof r.error.canRespond).toBe('boolean');
  const resp = errorResponseFor(r);
  if (resp === 'drop') return;
  expect(r.error.canRespond).toBe(true);
  // The answer is itself a SIP response this parser frames.
  const back = parseMessage(resp);
  expect(back.ok && back.message.kind).toBe('response');
  expect(back.ok && back.message.status).toBe(r.error.status);
}

describe('fuzz: mutated RFC 4475 messages', () => {
  const corpus = tortureNames().map(torture);
  const rounds = 120;

  it(`parses ${rounds} mutations of each message without throwing, each call fast`, () => {
    const rand = rng(4475);
    let slowest = 0;
    let outcomes = { ok: 0, failed: 0 };
    for (const original of corpus) {
      for (let i = 0; i < rounds; i++) {
        const input = mutate(original, rand);
        const t0 = performance.now();
        let r: ParseResult;
        try {
          r = parseAndValidate(input);
        } catch (e) {
          throw new Error(`threw on input ${JSON.stringify(input.toString('latin1'))}`, { cause: e });
        }
        slowest = Math.max(slowest, performance.now() - t0);
        outcomes = r.ok ? { ...outcomes, ok: outcomes.ok + 1 } : { ...outcomes, failed: outcomes.failed + 1 };
        checkShape(r);
      }
    }
    // Both branches are exercised, so the property covers accepted and rejected input.
    expect(outcomes.ok).toBeGreaterThan(100);
    expect(outcomes.failed).toBeGreaterThan(100);
    // A generous bound: it catches quadratic or runaway parsing, not speed.
    expect(slowest).toBeLessThan(250);
  });

  it('frames mutated streams cut at random points without throwing', () => {
    const rand = rng(5626);
    for (let round = 0; round < 40; round++) {
      const parts: Buffer[] = [];
      for (let k = 0; k < 6; k++) {
        const msg = corpus[Math.floor(rand() * corpus.length)]!;
        parts.push(
          rand() < 0.5 ? mutate(msg, rand) : msg,
          rand() < 0.2 ? Buffer.from('\r\n\r\n') : Buffer.alloc(0),
        );
      }
      const stream = Buffer.concat(parts);
      const framer = new StreamFramer({ maxMessageBytes: 8192 });
      let at = 0;
      while (at < stream.length) {
        const n = 1 + Math.floor(rand() * 300);
        for (const e of framer.push(stream.subarray(at, at + n))) {
          if (e.type === 'message') checkShape(e.result);
          else expect(['ping', 'pong']).toContain(e.kind);
        }
        at += n;
      }
      expect(framer.buffered).toBeLessThanOrEqual(stream.length);
    }
  });

  it('survives hostile shapes: huge header counts, endless folding, deep quoting', () => {
    const start = 'OPTIONS sip:a@127.0.0.1 SIP/2.0\r\n';
    const inputs = [
      start + 'X: 1\r\n'.repeat(5000),
      `${start}X: a\r\n${' b\r\n'.repeat(8000)}\r\n`,
      `${start}To: ${'"\\"'.repeat(5000)}\r\n\r\n`,
      `${start}Contact: ${'<sip:a@b>,'.repeat(3000)}\r\n\r\n`,
      `${start}Via: ${'SIP/2.0/UDP h;'.repeat(3000)}\r\n\r\n`,
      `${start}${':'.repeat(60000)}\r\n\r\n`,
      '\r\n'.repeat(30000),
    ].map((s) => Buffer.from(s));
    for (const input of inputs) {
      const t0 = performance.now();
      const r = parseAndValidate(input);
      checkShape(r);
      expect(performance.now() - t0).toBeLessThan(250);
    }
  });
});
