import { describe, expect, it } from 'vitest';
import { certNameMatches, TrunkClassifier } from '../../../src/core/trunks/classify.ts';
import { trunk } from '../routing/fixtures.ts';

const trunks = [
  trunk('teams', ['sip.pstnhub.microsoft.com:5061'], {
    transport: 'tls',
    sources: ['52.112.0.0/14', '52.120.0.0/14'],
  }),
  trunk('zoom', ['162.12.233.59:5061', '162.12.232.59:5061'], { transport: 'tls' }),
  trunk('core_a', ['192.0.2.10:5060']),
  trunk('core_b', ['192.0.2.10:5070']),
  trunk('v6', ['2001:db8::10'], { sources: ['2001:db8::/64'] }),
  trunk('by_name', ['carrier.example.net:5060']),
];

const classifier = new TrunkClassifier(trunks, (host) =>
  host === 'carrier.example.net' ? ['203.0.113.5'] : [],
);
const name = (address: string, port = 5060, transport: 'udp' | 'tls' = 'udp') =>
  classifier.classify({ address, port, transport })?.name;

describe('TrunkClassifier', () => {
  it('matches declared CIDR sources', () => {
    expect(name('52.113.7.9', 5061, 'tls')).toBe('teams');
    expect(name('52.123.255.1', 5061, 'tls')).toBe('teams');
    expect(name('52.116.0.1', 5061, 'tls')).toBeUndefined();
  });

  it('defaults the sources to the peers’ addresses', () => {
    expect(name('162.12.232.59', 40000, 'tls')).toBe('zoom');
  });

  it('tells apart trunks on one address by the peer port', () => {
    expect(name('192.0.2.10', 5070)).toBe('core_b');
    expect(name('192.0.2.10', 5060)).toBe('core_a');
  });

  it('matches IPv6 prefixes', () => {
    expect(name('2001:db8::99')).toBe('v6');
    expect(name('2001:db8:1::99')).toBeUndefined();
  });

  it('uses addresses resolved for peers named by DNS', () => {
    expect(name('203.0.113.5')).toBe('by_name');
  });

  it('an unknown source belongs to no trunk', () => {
    expect(name('198.51.100.1')).toBeUndefined();
  });
});

describe('TrunkClassifier with TLS certificate names (RFC 5922 §7.2)', () => {
  const tlsTrunks = [
    trunk('zoom_dns', ['sip.zoom.example:5061'], { transport: 'tls' }),
    trunk('other_dns', ['sbc.other.example:5061'], { transport: 'tls' }),
    trunk('shared_a', ['198.51.100.7:5061'], { transport: 'tls' }),
    trunk('shared_b', ['edge.shared.example:5061'], { transport: 'tls', sources: ['198.51.100.7'] }),
  ];
  const c = new TrunkClassifier(tlsTrunks);
  const classify = (address: string, tlsNames: string[], transport: 'tls' | 'udp' = 'tls') =>
    c.classify({ address, port: 40000, transport, tlsNames })?.name;

  it('a TLS source whose certificate names a trunk peer’s host belongs to that trunk', () => {
    expect(classify('192.0.2.44', ['sip.zoom.example'])).toBe('zoom_dns');
    expect(classify('192.0.2.44', ['SBC.Other.Example'])).toBe('other_dns');
    expect(classify('192.0.2.44', ['sip:sip.zoom.example'])).toBe('zoom_dns');
  });

  it('names count only over TLS, and a certificate naming no peer matches nothing', () => {
    expect(classify('192.0.2.44', ['sip.zoom.example'], 'udp')).toBeUndefined();
    expect(classify('192.0.2.44', ['unrelated.example'])).toBeUndefined();
    expect(classify('192.0.2.44', [])).toBeUndefined();
  });

  it('the certificate’s name wins over another trunk’s address', () => {
    expect(classify('198.51.100.7', ['sip.zoom.example'])).toBe('zoom_dns');
  });

  it('among trunks sharing an address, the one the certificate names wins', () => {
    expect(classify('198.51.100.7', ['edge.shared.example'])).toBe('shared_b');
    expect(classify('198.51.100.7', ['nobody.example'])).toBe('shared_a');
  });

  it('accepts a wildcard for exactly one left-most label (RFC 6125 §6.4.3)', () => {
    expect(classify('192.0.2.44', ['*.zoom.example'])).toBe('zoom_dns');
    expect(certNameMatches('*.zoom.example', 'zoom.example')).toBe(false);
    expect(certNameMatches('*.zoom.example', 'a.b.zoom.example')).toBe(false);
    expect(certNameMatches('sip.*.example', 'sip.zoom.example')).toBe(false);
  });
});
