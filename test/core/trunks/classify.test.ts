import { describe, expect, it } from 'vitest';
import { TrunkClassifier } from '../../../src/core/trunks/classify.ts';
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
