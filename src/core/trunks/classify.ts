/**
 * Which trunk did a request come from? (issue: signaling core, item 1.) By
 * source address against each trunk's `sources` (IP or CIDR; by default the
 * addresses of its peers, docs/language.md §6.3), then by port and transport
 * when several trunks share an address. node:net's BlockList does the
 * IPv4/IPv6 prefix matching.
 */
import { BlockList, isIP } from 'node:net';
import type { IrTrunk } from '../../../dsl/index.ts';
import { trunkPeers } from '../routing/route-plan.ts';

export interface RequestSource {
  address: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';
  /**
   * Over TLS, the DNS names the peer's certificate vouches for (subjectAltName dNSName and
   * `sip:` URIs, else the subject CN; RFC 5922 §7.1), when the edge reports them.
   */
  tlsNames?: readonly string[];
}

interface TrunkMatcher {
  trunk: IrTrunk;
  addresses: BlockList;
  /** host:port of its peers, for telling apart trunks that share an address. */
  peerPorts: Set<string>;
  /** Its peers given by DNS name (lower case): a TLS peer whose certificate names one is this trunk. */
  peerNames: string[];
}

export class TrunkClassifier {
  readonly #matchers: TrunkMatcher[];

  /**
   * @param resolve addresses of peers given by DNS name (resolved by the
   *   caller when the rule set is activated, so classification never waits on DNS).
   */
  constructor(trunks: readonly IrTrunk[], resolve: (host: string) => readonly string[] = () => []) {
    this.#matchers = trunks.map((trunk) => {
      const addresses = new BlockList();
      const peerPorts = new Set<string>();
      const peers = trunkPeers(trunk);
      const sources =
        trunk.sources.length > 0 ? trunk.sources : peers.flatMap((peer) => addressesOf(peer.host, resolve));
      for (const source of sources) addSource(addresses, source);
      for (const peer of peers) {
        for (const address of addressesOf(peer.host, resolve)) peerPorts.add(`${address}|${peer.port}`);
      }
      const peerNames = peers.filter((p) => isIP(p.host) === 0).map((p) => p.host.toLowerCase());
      return { trunk, addresses, peerPorts, peerNames };
    });
  }

  /** The trunk a request belongs to, or undefined for an unknown source. */
  classify(source: RequestSource): IrTrunk | undefined {
    const family = isIP(source.address) === 6 ? 'ipv6' : 'ipv4';
    const candidates = this.#matchers.filter((m) => m.addresses.check(source.address, family));
    const named = this.#byTlsName(source);
    // A verified certificate naming a trunk peer's host identifies that trunk (RFC 5922 §7.2),
    // more surely than an address: it wins over address matches, and among several trunks it
    // names, the one whose sources also hold the address.
    if (named.length > 0) return (named.find((m) => candidates.includes(m)) ?? named[0])?.trunk;
    if (candidates.length === 0) return undefined;
    if (candidates.length === 1) return candidates[0]?.trunk;
    // Several trunks on one address (e.g. two services behind one carrier SBC):
    // the one whose peer is that exact address and port, then the one on that transport.
    return (
      candidates.find((m) => m.peerPorts.has(`${source.address}|${source.port}`))?.trunk ??
      candidates.find((m) => m.trunk.transport === source.transport)?.trunk ??
      candidates[0]?.trunk
    );
  }

  #byTlsName(source: RequestSource): TrunkMatcher[] {
    if (source.transport !== 'tls' && source.transport !== 'wss') return [];
    const names = (source.tlsNames ?? []).map((n) => n.toLowerCase());
    if (names.length === 0) return [];
    return this.#matchers.filter((m) =>
      m.peerNames.some((host) => names.some((n) => certNameMatches(n, host))),
    );
  }
}

/**
 * A certificate name against a host (RFC 6125 §6.4.3): exact, or a wildcard in the left-most label
 * only, standing for exactly one label (`*.example.com` matches `a.example.com`, not `example.com`).
 */
export function certNameMatches(certName: string, host: string): boolean {
  const name = certName.replace(/^sip:/, '').replace(/\.$/, '');
  const target = host.replace(/\.$/, '');
  if (name === target) return true;
  if (!name.startsWith('*.')) return false;
  const dot = target.indexOf('.');
  return dot > 0 && target.slice(dot + 1) === name.slice(2);
}

function addressesOf(host: string, resolve: (host: string) => readonly string[]): readonly string[] {
  return isIP(host) ? [host] : resolve(host);
}

function addSource(list: BlockList, source: string): void {
  const [address = '', prefix] = source.split('/');
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (isIP(address) === 0) return; // the compiler only lets IPs and CIDRs through
  if (prefix === undefined) list.addAddress(address, family);
  else list.addSubnet(address, Number(prefix), family);
}
