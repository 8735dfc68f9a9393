// Header names, compact forms, folding and multi-value splitting
// (RFC 3261 §7.3).

import { describe, expect, it } from 'vitest';
import type { SipMessage } from '../../../src/edge/sip/index.ts';
import { canonicalName, headerKey, parseMessage, splitList, values } from '../../../src/edge/sip/index.ts';

function parse(text: string): SipMessage {
  const r = parseMessage(Buffer.from(text));
  if (!r.ok) throw new Error(`${r.error.status} ${r.error.reason}`);
  return r.message;
}

const START = 'OPTIONS sip:a@127.0.0.1 SIP/2.0\r\n';

describe('compact header forms', () => {
  const compact: Array<[string, string]> = [
    ['i', 'Call-ID'],
    ['m', 'Contact'],
    ['e', 'Content-Encoding'],
    ['l', 'Content-Length'],
    ['c', 'Content-Type'],
    ['f', 'From'],
    ['s', 'Subject'],
    ['k', 'Supported'],
    ['t', 'To'],
    ['v', 'Via'],
    ['o', 'Event'],
    ['u', 'Allow-Events'],
    ['r', 'Refer-To'],
    ['b', 'Referred-By'],
    ['x', 'Session-Expires'],
    ['y', 'Identity'],
    ['n', 'Identity-Info'],
    ['a', 'Accept-Contact'],
    ['j', 'Reject-Contact'],
    ['d', 'Request-Disposition'],
  ];

  it.each(compact)('"%s" is read as %s, in either case', (short, long) => {
    expect(headerKey(short)).toBe(long.toLowerCase());
    expect(headerKey(short.toUpperCase())).toBe(long.toLowerCase());
    expect(canonicalName(short)).toBe(long);
  });

  it('finds a header by long name when it was sent compact, and the reverse', () => {
    const m = parse(`${START}v: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\nCall-ID: x1\r\nL: 0\r\n\r\n`);
    expect(m.get('Via')).toBe('SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1');
    expect(m.get('i')).toBe('x1');
    expect(m.get('content-length')).toBe('0');
    expect(m.entries('via')[0]!.name).toBe('v');
  });

  it('writes irregular names the RFC way and others Capitalised', () => {
    expect(canonicalName('call-id')).toBe('Call-ID');
    expect(canonicalName('CSEQ')).toBe('CSeq');
    expect(canonicalName('www-authenticate')).toBe('WWW-Authenticate');
    expect(canonicalName('x-acme-trunk-id')).toBe('X-Acme-Trunk-Id');
    // RFC 4028's Min-SE, and Microsoft's spelling of the Teams headers (seeds/004).
    expect(canonicalName('min-se')).toBe('Min-SE');
    expect(canonicalName('x-ms-sbc')).toBe('X-MS-SBC');
  });
});

describe('header folding (LWS, RFC 3261 §7.3.1)', () => {
  it('unfolds CRLF + space and CRLF + tab into one space', () => {
    const m = parse(`${START}Subject: first\r\n  second\r\n\tthird\r\nX-Empty:\r\n\r\n`);
    expect(m.get('subject')).toBe('first second third');
    expect(m.get('x-empty')).toBe('');
  });

  it('keeps UTF-8 values whole, even when a character ends in the byte 0xA0', () => {
    const m = parse(`${START}X-Name: voilà\r\nContact: "José à" <sip:j@x>, <sip:k@y>\r\n\r\n`);
    expect(m.get('x-name')).toBe('voilà');
    expect(m.values('contact')[0]).toBe('"José à" <sip:j@x>');
  });

  it('accepts whitespace before the colon and none after it', () => {
    const m = parse(`${START}Max-Forwards   :70\r\nCSeq\t: 1 OPTIONS\r\n\r\n`);
    expect(m.get('max-forwards')).toBe('70');
    expect(m.get('cseq')).toBe('1 OPTIONS');
  });

  it('parses a folded Via inside its sent-protocol', () => {
    const m = parse(`${START}Via: SIP /\r\n 2.0\r\n /TCP\r\n  127.0.0.1 ;\r\n branch = z9hG4bKf\r\n\r\n`);
    const v = values.topVia(m);
    expect(v.ok && [v.value.transport, v.value.host, v.value.branch]).toEqual([
      'TCP',
      '127.0.0.1',
      'z9hG4bKf',
    ]);
  });

  it('rejects a continuation line before any header', () => {
    const r = parseMessage(Buffer.from(`${START} folded: nothing\r\n\r\n`));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toBe('Continuation Line Before First Header');
  });

  it('rejects a header line without a colon, or with a space inside the name', () => {
    for (const bad of ['NoColonHere', 'Bad Name: x']) {
      const r = parseMessage(Buffer.from(`${START}${bad}\r\n\r\n`));
      expect(r.ok).toBe(false);
    }
  });
});

describe('multi-value headers', () => {
  it('splits at commas outside quotes and angle brackets', () => {
    expect(splitList('"Doe, John" <sip:j@x;a=1,2>, <sip:k@y>;q=0.5 ,sip:z@w')).toEqual([
      '"Doe, John" <sip:j@x;a=1,2>',
      '<sip:k@y>;q=0.5',
      'sip:z@w',
    ]);
    expect(splitList('"a \\" , b" <sip:q@r>, x')).toEqual(['"a \\" , b" <sip:q@r>', 'x']);
    expect(splitList('a,,b')).toEqual(['a', '', 'b']);
  });

  it('joins list elements across lines, in order', () => {
    const m = parse(
      `${START}Contact: <sip:a@1>, "B, Jr" <sip:b@2>\r\nm: <sip:c@3>\r\nRoute: <sip:r1;lr>,<sip:r2;lr>\r\n\r\n`,
    );
    expect(m.values('contact')).toEqual(['<sip:a@1>', '"B, Jr" <sip:b@2>', '<sip:c@3>']);
    const c = values.contact(m);
    expect(c.ok && c.value !== null && !c.value.star && c.value.addresses.map((a) => a.displayName)).toEqual([
      null,
      'B, Jr',
      null,
    ]);
    const r = values.routes(m);
    expect(r.ok && r.value.length).toBe(2);
  });

  it('does not split headers whose single value holds commas', () => {
    const m = parse(
      `${START}Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n` +
        'Authorization: Digest username="a", realm="b", nonce="c"\r\nSubject: hi, there\r\n\r\n',
    );
    expect(m.values('date')).toEqual(['Sat, 13 Nov 2010 23:29:00 GMT']);
    expect(m.values('authorization')).toHaveLength(1);
    expect(m.values('subject')).toEqual(['hi, there']);
  });

  it('reads a Contact of "*" as the wildcard (RFC 3261 §10.2.2)', () => {
    const c = values.contact(parse(`${START}Contact: *\r\n\r\n`));
    expect(c.ok && c.value).toEqual({ star: true });
  });

  it('rejects an empty element in Via and Contact lists', () => {
    expect(values.vias(parse(`${START}Via: SIP/2.0/UDP a;branch=z9hG4bK1,,SIP/2.0/UDP b\r\n\r\n`)).ok).toBe(
      false,
    );
    expect(values.contact(parse(`${START}Contact: <sip:a@b>,\r\n\r\n`)).ok).toBe(false);
  });
});
