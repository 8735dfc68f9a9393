// Limits (413/513/400, never a crash) and request/response validation
// beyond the RFC 4475 corpus.

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  errorResponseFor,
  parseAndValidate,
  parseMessage,
} from '../../../src/edge/sip/index.ts';

function request(extra = '', body = '', method = 'OPTIONS'): string {
  return (
    `${method} sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-l1\r\n` +
    `From: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: lim-1\r\n` +
    `CSeq: 7 ${method}\r\nMax-Forwards: 70\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

function failure(text: string | Buffer, limits = {}) {
  const r = parseAndValidate(typeof text === 'string' ? Buffer.from(text) : text, { limits });
  if (r.ok) throw new Error('expected a failure');
  return r;
}

describe('limits', () => {
  it('documents its defaults', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxMessageBytes: 65_536,
      maxBodyBytes: 32_768,
      maxHeaderCount: 256,
      maxLineBytes: 8_192,
    });
  });

  it('answers 413 to a body over maxBodyBytes, with a proper response', () => {
    const r = failure(request('', 'x'.repeat(200)), { maxBodyBytes: 100 });
    expect(r.error).toMatchObject({ status: 413, reason: 'Request Entity Too Large', canRespond: true });
    const resp = errorResponseFor(r, { toTag: 't' });
    expect(resp !== 'drop' && resp.toString().split('\r\n')[0]).toBe('SIP/2.0 413 Request Entity Too Large');
  });

  it('answers 513 to a datagram over maxMessageBytes', () => {
    const r = failure(request('X-Pad: '.concat('p'.repeat(600), '\r\n')), { maxMessageBytes: 500 });
    expect(r.error).toMatchObject({ status: 513, reason: 'Message Too Large', canRespond: true });
  });

  it('answers 400 to too many header lines', () => {
    const r = failure(request('X-A: 1\r\nX-B: 2\r\nX-C: 3\r\n'), { maxHeaderCount: 8 });
    expect(r.error).toMatchObject({ status: 400, reason: 'Too Many Headers' });
  });

  it('answers 400 to an overlong line, and to an overlong start line', () => {
    expect(failure(request(`X-Long: ${'l'.repeat(300)}\r\n`), { maxLineBytes: 200 }).error.reason).toBe(
      'Header Line Too Long',
    );
    const longUri = request().replace('sip:bob@', `sip:${'b'.repeat(300)}@`);
    expect(failure(longUri, { maxLineBytes: 200 }).error.reason).toBe('Start Line Too Long');
  });

  it('counts a folded header as one header, and its physical lines separately', () => {
    const folded = `X-F: a\r\n${' b\r\n'.repeat(20)}`;
    expect(
      parseAndValidate(Buffer.from(request(folded)), { limits: { maxHeaderCount: 8, maxLineBytes: 60 } }).ok,
    ).toBe(true);
  });

  it('rejects a Content-Length with sixteen digits without overflowing', () => {
    expect(
      failure(request().replace('Content-Length: 0', 'Content-Length: 9999999999999999')).error.status,
    ).toBe(413);
  });
});

describe('request validation', () => {
  it('accepts a plain request and a lower-case SIP version', () => {
    expect(parseAndValidate(Buffer.from(request())).ok).toBe(true);
    expect(parseAndValidate(Buffer.from(request().replace(' SIP/2.0\r\n', ' sip/2.0\r\n'))).ok).toBe(true);
  });

  it.each([
    ['CSeq: 7 OPTIONS', 'CSeq: OPTIONS', 'CSeq without sequence number'],
    ['CSeq: 7 OPTIONS', 'CSeq: 7', 'Malformed CSeq'],
    ['CSeq: 7 OPTIONS', 'CSeq: 4294967296 OPTIONS', 'CSeq Number Out of Range'],
    ['Max-Forwards: 70', 'Max-Forwards: 256', 'Max-Forwards Out of Range'],
    ['Max-Forwards: 70', 'Max-Forwards: -1', 'Bad Max-Forwards Header'],
    ['Call-ID: lim-1', 'Call-ID: two words', 'Bad Call-ID Header'],
    ['Call-ID: lim-1', 'Call-ID: ', 'Bad Call-ID Header'],
    [
      'To: <sip:bob@127.0.0.1>',
      'To: <sip:bob@127.0.0.1>;tag',
      'Bad To Header: tag parameter without value in To',
    ],
    ['OPTIONS sip:bob@127.0.0.1 SIP/2.0', 'OPTIONS sip:bob@127.0.0.1 SIP/2.1', 'Version Not Supported'],
    ['OPTIONS sip:bob@127.0.0.1 SIP/2.0', 'OPTIONS sip:bob@127.0.0.1 HTTP/1.1', 'Malformed SIP-Version'],
    ['OPTIONS sip:bob@127.0.0.1 SIP/2.0', 'OPTIONS sip:bob@127.0.0.1', 'Malformed Request-Line'],
    ['OPTIONS sip:bob@127.0.0.1 SIP/2.0', 'OPT[ONS sip:bob@127.0.0.1 SIP/2.0', 'Bad Method Token'],
  ])('rejects %s -> %s with "%s"', (from, to, reason) => {
    expect(failure(request().replace(from, to)).error.reason).toBe(reason);
  });

  it('accepts CSeq 2^32-1 and Max-Forwards 255', () => {
    const text = request()
      .replace('CSeq: 7 OPTIONS', 'CSeq: 4294967295 OPTIONS')
      .replace('Max-Forwards: 70', 'Max-Forwards: 255');
    expect(parseAndValidate(Buffer.from(text)).ok).toBe(true);
  });

  it('never answers an ACK, whatever is wrong with it (RFC 3261 §17.2.1)', () => {
    const r = failure(request('', '', 'ACK').replace('CSeq: 7 ACK', 'CSeq: 7 INVITE'));
    expect(r.error.canRespond).toBe(false);
    expect(errorResponseFor(r)).toBe('drop');
  });

  it('drops input without a Via: nothing to copy, nowhere to answer', () => {
    const r = failure(request().replace(/Via: [^\r]*\r\n/, ''));
    expect(r.error).toMatchObject({ status: 400, reason: 'Missing Required Header: Via', canRespond: false });
    expect(errorResponseFor(r)).toBe('drop');
  });

  it('drops empty datagrams and garbage', () => {
    expect(parseMessage(Buffer.from('\r\n\r\n'))).toMatchObject({
      ok: false,
      error: { status: 0, canRespond: false },
    });
    const junk = parseMessage(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01]));
    expect(junk.ok).toBe(false);
    if (!junk.ok) expect(errorResponseFor(junk)).toBe('drop');
  });

  it('accepts bare-LF line ends', () => {
    const r = parseAndValidate(Buffer.from(request('', 'v=0\n').replaceAll('\r\n', '\n')));
    expect(r.ok && r.message.body.toString()).toBe('v=0\n');
  });
});

describe('response validation', () => {
  const response =
    'SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n' +
    'To: <sip:c@d>;tag=2\r\nCall-ID: r1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n';

  it('accepts a well-formed response', () => {
    const r = parseAndValidate(Buffer.from(response));
    expect(r.ok && [r.message.status, r.message.reason]).toEqual([180, 'Ringing']);
  });

  it.each([
    ['SIP/2.0 180 Ringing', 'SIP/2.0 099 Low'],
    ['SIP/2.0 180 Ringing', 'SIP/2.0 700 High'],
    ['SIP/2.0 180 Ringing', 'SIP/3.0 180 Ringing'],
    ['Call-ID: r1\r\n', ''],
    ['CSeq: 1 INVITE', 'CSeq: x INVITE'],
  ])('drops %s -> %s', (from, to) => {
    const r = failure(response.replace(from, to));
    expect(r.error.canRespond).toBe(false);
    expect(errorResponseFor(r)).toBe('drop');
  });
});
