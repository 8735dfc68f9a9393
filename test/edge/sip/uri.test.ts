// URI parsing: SIP/SIPS (RFC 3261 §19.1), IPv6 references (RFC 5118), tel
// (RFC 3966) and opaque absolute URIs.

import { describe, expect, it } from 'vitest';
import type { SipUri, Uri } from '../../../src/edge/sip/index.ts';
import { formatSipUri, getParam, parseUri } from '../../../src/edge/sip/index.ts';

function uri(text: string): Uri {
  const r = parseUri(text);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

function sip(text: string): SipUri {
  const u = uri(text);
  if (u.kind !== 'sip') throw new Error('not sip');
  return u;
}

describe('SIP URIs', () => {
  it('reads user, password, host, port, params and headers', () => {
    const u = sip(
      'sips:alice:secret@Atlanta.example.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=hi&priority=urgent',
    );
    expect(u.scheme).toBe('sips');
    expect([u.user, u.password, u.host, u.hostKind, u.port]).toEqual([
      'alice',
      'secret',
      'Atlanta.example.com',
      'name',
      5061,
    ]);
    expect(u.params.map((p) => [p.key, p.value])).toEqual([
      ['transport', 'tcp'],
      ['lr', null],
      ['maddr', '239.255.255.1'],
    ]);
    expect(u.headers).toEqual([
      { name: 'subject', value: 'hi' },
      { name: 'priority', value: 'urgent' },
    ]);
  });

  it('reads a URI without user part, and scheme case-insensitively', () => {
    const u = sip('SIP:127.0.0.1');
    expect([u.scheme, u.user, u.host, u.hostKind, u.port]).toEqual(['sip', null, '127.0.0.1', 'ipv4', null]);
  });

  it('reads IPv6 references with and without port (RFC 5118)', () => {
    const a = sip('sip:[2001:db8::10]:5070;transport=udp');
    expect([a.host, a.hostKind, a.port, getParam(a.params, 'transport')]).toEqual([
      '[2001:db8::10]',
      'ipv6',
      5070,
      'udp',
    ]);
    const b = sip('sip:user@[::ffff:192.0.2.1]');
    expect([b.user, b.host, b.hostKind, b.port]).toEqual(['user', '[::ffff:192.0.2.1]', 'ipv6', null]);
  });

  it('decodes escapes in user, params and headers', () => {
    const u = sip('sip:%61lice@example.com;na%6De=v%20x?Route=%3Csip:p.example.com%3Blr%3E');
    expect(u.user).toBe('alice');
    expect(u.userRaw).toBe('%61lice');
    expect(getParam(u.params, 'name')).toBe('v x');
    expect(u.headers[0]).toEqual({ name: 'Route', value: '<sip:p.example.com;lr>' });
  });

  it('decodes escaped UTF-8 in the user part', () => {
    expect(sip('sip:%C3%A9t%C3%A9@example.com').user).toBe('été');
  });

  it.each([
    ['sip:', 'empty host'],
    ['sip:user@', 'empty host after @'],
    ['sip:@example.com', 'empty user'],
    ['sip:user@example.com:70000', 'port out of range'],
    ['sip:user@example.com:', 'empty port'],
    ['sip:user@exa mple.com', 'space in host'],
    ['sip:us%G0er@example.com', 'bad escape'],
    ['sip:user@[2001:db8::1', 'unterminated IPv6'],
    ['sip:user@example.com;=x', 'empty param name'],
    ['sip:user@example.com;p=', 'empty param value'],
    ['sip:user@example.com?x', 'header without ='],
    ['sip:us"er@example.com', 'quote in user'],
    ['<sip:user@example.com>', 'angle brackets'],
    ['user@example.com', 'no scheme'],
    ['1sip:a@b', 'scheme starting with a digit'],
  ])('rejects %s (%s)', (text) => {
    expect(parseUri(text).ok).toBe(false);
  });

  it('formats a URI that parses back to the same parts', () => {
    const text = formatSipUri({
      scheme: 'sip',
      user: 'bob',
      password: null,
      host: '[2001:db8::1]',
      port: 5080,
      params: [
        { name: 'transport', key: 'transport', value: 'tcp' },
        { name: 'lr', key: 'lr', value: null },
      ],
      headers: [],
    });
    expect(text).toBe('sip:bob@[2001:db8::1]:5080;transport=tcp;lr');
    const u = sip(text);
    expect([u.user, u.host, u.port, u.params.length]).toEqual(['bob', '[2001:db8::1]', 5080, 2]);
  });
});

describe('tel URIs (RFC 3966)', () => {
  it('reads a global number with visual separators and params', () => {
    const u = uri('tel:+1-201-555-0123;ext=1234;isub=99');
    expect(u).toMatchObject({ kind: 'tel', number: '+1-201-555-0123', global: true });
    expect(u.kind === 'tel' && getParam(u.params, 'ext')).toBe('1234');
  });

  it('reads a local number with phone-context', () => {
    const u = uri('tel:7042;phone-context=example.com');
    expect(u).toMatchObject({ kind: 'tel', number: '7042', global: false });
    expect(u.kind === 'tel' && getParam(u.params, 'phone-context')).toBe('example.com');
  });

  it('rejects letters and spaces in the number', () => {
    expect(parseUri('tel:+1 555').ok).toBe(false);
    expect(parseUri('tel:+1555xyz').ok).toBe(false);
    expect(parseUri('tel:').ok).toBe(false);
  });
});

describe('other schemes', () => {
  it('keeps an unknown scheme opaque, lower-casing only the scheme', () => {
    expect(uri('URN:service:sos')).toMatchObject({ kind: 'other', scheme: 'urn', opaque: 'service:sos' });
  });

  it('rejects characters no URI may hold', () => {
    expect(parseUri('foo:bar baz').ok).toBe(false);
    expect(parseUri('foo:<x>').ok).toBe(false);
    expect(parseUri('foo:').ok).toBe(false);
  });
});
