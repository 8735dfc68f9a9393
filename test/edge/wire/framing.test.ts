import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader, FramingError, MAX_LENGTH_DIGITS } from '../../../src/edge/wire/framing.ts';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('encodeFrame', () => {
  it('prefixes the UTF-8 byte length, not the character count', () => {
    // notes §1: a payload containing é counts it as 2 bytes.
    expect(encodeFrame('a1|ping').toString()).toBe('7#a1|ping');
    expect(encodeFrame('é').toString('utf8')).toBe('2#é');
    expect(encodeFrame('😀x').toString('utf8')).toBe('5#😀x');
  });
});

describe('FrameReader', () => {
  it('reads several frames from one chunk (notes §1 example)', () => {
    const r = new FrameReader();
    const { frames, error } = r.push(utf8('22#a1|authenticate|cymru|15#a2|route|invite'));
    expect(error).toBeUndefined();
    expect(frames).toEqual(['a1|authenticate|cymru|', 'a2|route|invite']);
    expect(r.pendingBytes).toBe(0);
  });

  it('reassembles frames fed one byte at a time, including the length digits', () => {
    const payloads = ['a1|authenticate|cymru|', 'x|sip||\r\nINVITE sip:é@h SIP/2.0\r\n\r\n', 'p|ping'];
    const stream = Buffer.concat(payloads.map(encodeFrame));
    const r = new FrameReader();
    const got: string[] = [];
    for (const byte of stream) {
      const { frames, error } = r.push(Uint8Array.of(byte));
      expect(error).toBeUndefined();
      got.push(...frames);
    }
    expect(got).toEqual(payloads);
  });

  it('does not split a multi-byte character that straddles two reads', () => {
    const frame = encodeFrame('id|sip||\r\nMESSAGE sip:ü@x SIP/2.0\r\n\r\n€uro');
    const cut = frame.indexOf(0xe2) + 1; // inside the 3-byte euro sign
    const r = new FrameReader();
    expect(r.push(frame.subarray(0, cut)).frames).toEqual([]);
    expect(r.push(frame.subarray(cut)).frames).toEqual(['id|sip||\r\nMESSAGE sip:ü@x SIP/2.0\r\n\r\n€uro']);
  });

  it('keeps a partial frame and completes it with the next chunk, followed by another frame', () => {
    const r = new FrameReader();
    expect(r.push(utf8('10#0123')).frames).toEqual([]);
    expect(r.pendingBytes).toBe(4);
    expect(r.push(utf8('4567893#abc1')).frames).toEqual(['0123456789', 'abc']);
    expect(r.push(utf8('#z')).frames).toEqual(['z']);
  });

  it('rejects a non-digit prefix like drachtio-server (connection must be dropped)', () => {
    const r = new FrameReader();
    const { frames, error } = r.push(utf8('7#a1|pingGET / HTTP/1.1\r\n'));
    expect(frames).toEqual(['a1|ping']);
    expect(error).toBeInstanceOf(FramingError);
    expect(error?.code).toBe('bad-prefix');
    // Once broken, the reader stays broken: no resynchronisation on garbage.
    expect(r.push(utf8('7#a2|ping')).frames).toEqual([]);
  });

  it('rejects an empty length and a zero length', () => {
    expect(new FrameReader().push(utf8('#abc')).error?.code).toBe('bad-prefix');
    expect(new FrameReader().push(utf8('0#')).error?.code).toBe('zero-length');
  });

  it(`rejects more than ${MAX_LENGTH_DIGITS} length digits as soon as the sixth digit arrives`, () => {
    const r = new FrameReader();
    expect(r.push(utf8('99999')).error).toBeUndefined();
    const { error } = r.push(utf8('9'));
    expect(error?.code).toBe('length-too-long');
  });

  it('accepts the largest frame drachtio-server accepts (99,999 bytes)', () => {
    const payload = `id|sip||\r\n${'x'.repeat(99_999 - 10)}`;
    const { frames, error } = new FrameReader().push(encodeFrame(payload));
    expect(error).toBeUndefined();
    expect(frames[0]?.length).toBe(99_999);
  });
});
