// name-addr / addr-spec (RFC 3261 §20.10) and Via (§20.42, RFC 3581 rport).

import { describe, expect, it } from 'vitest';
import type { NameAddr, Via } from '../../../src/edge/sip/index.ts';
import {
  formatNameAddr,
  isRfc3261Branch,
  parseNameAddr,
  parseVia,
  unquote,
} from '../../../src/edge/sip/index.ts';

function na(text: string): NameAddr {
  const r = parseNameAddr(text, 'To');
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

function via(text: string): Via {
  const r = parseVia(text);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe('name-addr and addr-spec', () => {
  it('reads a quoted display name with escapes, URI and tag', () => {
    const a = na('"Alice \\"Al\\" O\'Neil" <sip:alice@atlanta.example.com>;tag=1928301774');
    expect(a.displayName).toBe('Alice "Al" O\'Neil');
    expect(a.angle).toBe(true);
    expect(a.uri.raw).toBe('sip:alice@atlanta.example.com');
    expect(a.tag).toBe('1928301774');
  });

  it('reads an unquoted multi-token display name, collapsing whitespace', () => {
    expect(na('Bob   Smith\t<sip:bob@b.example.com>').displayName).toBe('Bob Smith');
  });

  it('reads UTF-8 in a quoted display name', () => {
    expect(na('"Zoë Ålund" <sip:z@x.example.com>').displayName).toBe('Zoë Ålund');
  });

  it('keeps URI params inside <> and header params outside', () => {
    const a = na('<sip:c@example.com;transport=tcp>;expires=60;q=0.7');
    expect(a.uri.kind === 'sip' && a.uri.params.map((p) => p.key)).toEqual(['transport']);
    expect(a.params.map((p) => [p.key, p.value])).toEqual([
      ['expires', '60'],
      ['q', '0.7'],
    ]);
  });

  it('reads quoted parameter values, which unquote() resolves', () => {
    const a = na('<sip:c@example.com>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"');
    expect(a.params[0]!.value).toBe('"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"');
    expect(unquote(a.params[0]!.value!)).toBe('<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>');
  });

  it('reads tel and IPv6 addresses', () => {
    expect(na('<tel:+15551234567>').uri.kind).toBe('tel');
    const a = na('sip:[2001:db8::1]:5060;tag=x');
    expect(a.uri.kind === 'sip' && a.uri.host).toBe('[2001:db8::1]');
    expect(a.tag).toBe('x');
  });

  it.each([
    ['"unterminated <sip:a@b>', /unterminated/],
    ['"Name" sip:a@b', /expected "<"/],
    ['<sip:a@b', /missing ">"/],
    ['< sip:a@b>', /whitespace inside <>/],
    ['Doe, John <sip:a@b>', /display name must be quoted/],
    ['sip:a@b?Subject=x', /enclosed in <>/],
    ['<sip:a@b>;tag', /tag parameter without value/],
    ['<sip:a@b>;;tag=1', /empty parameter/],
    ['<sip:a@b> junk', /unexpected character/],
    ['', /empty/],
  ])('rejects %s', (text, reason) => {
    const r = parseNameAddr(text, 'To');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('formats a name-addr that parses back', () => {
    const text = formatNameAddr('A "quoted" \\ name', 'sip:a@b', [{ name: 'tag', key: 'tag', value: 'z' }]);
    expect(text).toBe('"A \\"quoted\\" \\\\ name" <sip:a@b>;tag=z');
    expect(na(text).displayName).toBe('A "quoted" \\ name');
  });
});

describe('Via', () => {
  it('reads transport, sent-by and the transaction parameters', () => {
    const v = via(
      'SIP/2.0/udp pc33.atlanta.example.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5067;maddr=10.0.0.1;ttl=16',
    );
    expect([v.protocol, v.transport, v.host, v.port]).toEqual([
      'SIP/2.0',
      'UDP',
      'pc33.atlanta.example.com',
      5066,
    ]);
    expect([v.branch, v.received, v.rport, v.maddr]).toEqual([
      'z9hG4bK776asdhds',
      '192.0.2.1',
      5067,
      '10.0.0.1',
    ]);
  });

  it('distinguishes rport absent, empty and set (RFC 3581)', () => {
    expect(via('SIP/2.0/UDP h;branch=z9hG4bK1').rport).toBeUndefined();
    expect(via('SIP/2.0/UDP h;rport;branch=z9hG4bK1').rport).toBeNull();
    expect(via('SIP/2.0/UDP h;rport=1;branch=z9hG4bK1').rport).toBe(1);
  });

  it('reads IPv6 sent-by and received (RFC 5118)', () => {
    const v = via('SIP/2.0/TCP [2001:db8::9:1]:5070;branch=z9hG4bKas3;received=[2001:db8::9:255]');
    expect([v.host, v.port, v.received]).toEqual(['[2001:db8::9:1]', 5070, '[2001:db8::9:255]']);
  });

  it('accepts LWS around slashes, colon, semicolons and equals', () => {
    const v = via('SIP / 2.0 / WSS  edge.example.com : 443 ; branch = z9hG4bKw');
    expect([v.transport, v.host, v.port, v.branch]).toEqual(['WSS', 'edge.example.com', 443, 'z9hG4bKw']);
  });

  it.each([
    'SIP/2.0 host',
    'SIP/2.0/UDP',
    'SIP/2.0/UDPhost',
    'SIP/2.0/UDP host:99999',
    'SIP/2.0/UDP ho$t',
    'SIP/2.0/UDP host;branch',
    'SIP/2.0/UDP host;received',
    'SIP/2.0/UDP host;rport=abc',
    'SIP/2.0/UDP host;;',
    'SIP/2.0/UDP host extra',
  ])('rejects %s', (text) => {
    expect(parseVia(text).ok).toBe(false);
  });

  it('tells RFC 3261 branches from RFC 2543 ones and from a bare cookie', () => {
    expect(isRfc3261Branch('z9hG4bK776asdhds')).toBe(true);
    expect(isRfc3261Branch('z9hG4bK')).toBe(false);
    expect(isRfc3261Branch('776asdhds')).toBe(false);
    expect(isRfc3261Branch(null)).toBe(false);
  });
});
