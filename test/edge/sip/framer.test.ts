// Stream framing (RFC 3261 §18.3) and CRLF keepalives (RFC 5626 §3.5.1).

import { describe, expect, it } from 'vitest';
import type { FramerEvent, SipMessage } from '../../../src/edge/sip/index.ts';
import { StreamFramer } from '../../../src/edge/sip/index.ts';
import { torture } from './torture.ts';

function invite(body = 'v=0\r\n', callId = 'a1'): Buffer {
  return Buffer.from(
    'INVITE sip:bob@127.0.0.1 SIP/2.0\r\n' +
      'Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK-1\r\n' +
      'From: <sip:alice@127.0.0.1>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\n' +
      `Call-ID: ${callId}\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n` +
      `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function messages(events: FramerEvent[]): SipMessage[] {
  return events.flatMap((e) => (e.type === 'message' && e.result.ok ? [e.result.message] : []));
}

function kinds(events: FramerEvent[]): string[] {
  return events.map((e) =>
    e.type === 'keepalive' ? e.kind : e.result.ok ? 'message' : `error ${e.result.error.status}`,
  );
}

describe('StreamFramer', () => {
  it('frames one message delivered in one chunk, without copying it', () => {
    const f = new StreamFramer();
    const buf = invite();
    const [m] = messages(f.push(buf));
    expect(m!.raw.equals(buf)).toBe(true);
    expect(m!.raw.buffer).toBe(buf.buffer);
    expect(m!.body.toString()).toBe('v=0\r\n');
    expect(f.buffered).toBe(0);
  });

  it('reassembles a message delivered one byte at a time', () => {
    const f = new StreamFramer();
    const buf = invite('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n');
    const events: FramerEvent[] = [];
    for (let i = 0; i < buf.length; i++) events.push(...f.push(buf.subarray(i, i + 1)));
    const all = messages(events);
    expect(all).toHaveLength(1);
    expect(all[0]!.raw.equals(buf)).toBe(true);
    expect(all[0]!.get('call-id')).toBe('a1');
  });

  it('splits several messages in one chunk, and a message split across chunks', () => {
    const f = new StreamFramer();
    const a = invite('x', 'one');
    const b = invite('yy', 'two');
    const c = invite('zzz', 'three');
    const joined = Buffer.concat([a, b, c]);
    const cut = a.length + b.length + 20;
    const first = messages(f.push(joined.subarray(0, cut)));
    expect(first.map((m) => m.get('call-id'))).toEqual(['one', 'two']);
    const second = messages(f.push(joined.subarray(cut)));
    expect(second.map((m) => [m.get('call-id'), m.body.toString()])).toEqual([['three', 'zzz']]);
    // Earlier messages keep their bytes after the framer reuses its buffer.
    expect(first[1]!.raw.equals(b)).toBe(true);
  });

  it('frames the RFC 4475 dblreq bytes as two messages on a stream (§3.1.1.8)', () => {
    const f = new StreamFramer();
    const events = f.push(torture('dblreq'));
    const all = messages(events);
    expect(all.map((m) => m.method)).toEqual(['REGISTER', 'INVITE']);
    expect(all[1]!.body.length).toBe(150);
  });

  it('reports a double CRLF as a ping and a single CRLF as a pong', () => {
    const f = new StreamFramer();
    expect(kinds(f.push(Buffer.from('\r\n\r\n')))).toEqual(['ping']);
    expect(kinds(f.push(Buffer.concat([Buffer.from('\r\n'), invite()])))).toEqual(['pong', 'message']);
    expect(kinds(f.push(Buffer.from('\r\n\r\n\r\n\r\n')))).toEqual(['ping', 'ping']);
  });

  it('joins a ping split across two reads', () => {
    const f = new StreamFramer();
    expect(kinds(f.push(Buffer.from('\r\n')))).toEqual([]);
    expect(kinds(f.push(Buffer.from('\r\n')))).toEqual(['ping']);
    expect(kinds(f.push(Buffer.from('\r\n')))).toEqual([]);
    expect(kinds(f.push(invite()))).toEqual(['pong', 'message']);
  });

  it('closes the stream when the header block outgrows the message limit', () => {
    const f = new StreamFramer({ maxMessageBytes: 1024 });
    const events = f.push(Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\nX-Pad: ${'a'.repeat(2000)}`));
    expect(kinds(events)).toEqual(['error 513']);
    expect(f.closed).toMatchObject({ status: 513, fatal: true, canRespond: false });
    expect(f.push(invite())).toEqual([]);
    expect(f.buffered).toBe(0);
  });

  it('answers 413 for an oversized body, skips it across reads, and frames the next message', () => {
    const f = new StreamFramer({ maxBodyBytes: 100 });
    const big = invite('b'.repeat(500), 'big');
    const next = invite('ok', 'next');
    const events = f.push(big.subarray(0, big.length - 300));
    expect(kinds(events)).toEqual(['error 413']);
    const e = events[0]!;
    if (e.type === 'message' && !e.result.ok) {
      expect(e.result.error.canRespond).toBe(true);
      expect(e.result.message?.get('call-id')).toBe('big');
    }
    const after = f.push(Buffer.concat([big.subarray(big.length - 300), next]));
    expect(messages(after).map((m) => m.get('call-id'))).toEqual(['next']);
    expect(f.closed).toBeNull();
  });

  it('answers 513 when head plus body exceed the message limit, and stays in step', () => {
    const f = new StreamFramer({ maxMessageBytes: 600, maxBodyBytes: 500 });
    const events = f.push(Buffer.concat([invite('c'.repeat(450), 'large'), invite('d', 'small')]));
    expect(kinds(events)).toEqual(['error 513', 'message']);
  });

  it('closes the stream on a negative or repeated Content-Length (RFC 4475 §3.1.2.3, §3.3.9)', () => {
    for (const name of ['ncl', 'mcl01']) {
      const f = new StreamFramer();
      const events = f.push(torture(name));
      expect(kinds(events)).toEqual(['error 400']);
      expect(f.closed?.fatal).toBe(true);
    }
  });

  it('reports a malformed message with a usable Content-Length and frames the next one', () => {
    const f = new StreamFramer();
    const events = f.push(Buffer.concat([torture('lwsstart'), invite('', 'after')]));
    expect(kinds(events)).toEqual(['error 400', 'message']);
    expect(messages(events)[0]!.get('call-id')).toBe('after');
  });

  it('closes the stream when header lines could not all be read', () => {
    const f = new StreamFramer({ maxHeaderCount: 3 });
    expect(kinds(f.push(invite()))).toEqual(['error 400']);
    expect(f.closed).toMatchObject({ reason: 'Too Many Headers', fatal: true });
  });

  it('reads a missing Content-Length on a stream as an empty body', () => {
    const f = new StreamFramer();
    const text = 'OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\n\r\n';
    const all = messages(f.push(Buffer.from(text + text)));
    expect(all).toHaveLength(2);
    expect(all[0]!.body.length).toBe(0);
  });
});
