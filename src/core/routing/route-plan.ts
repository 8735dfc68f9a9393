/**
 * Expands a `route` decision into the ordered list of peers to try
 * (docs/language.md §6.3, §6.4, §7.8): a group's members in order (or round
 * robin), each trunk's peers in order, then the backup group, and so on down
 * the backup chain. Peers that OPTIONS keepalive has marked down are left out,
 * as Zoom does with its own route groups (seeds/003: "calls will cease routing
 * through this SBC" until it is up again).
 */
import type { IrFailover, IrGroup, IrProgram, IrTrunk } from '../../../dsl/index.ts';
import { type FailoverPolicy, mergeFailover } from './failover-policy.ts';

export interface PeerAddress {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
}

export interface RouteCandidate {
  trunk: IrTrunk;
  peer: PeerAddress;
  /** The group this candidate came from, if any (for logs and CDRs). */
  group?: string;
  policy: FailoverPolicy;
}

export type PeerState = 'up' | 'down' | 'unknown';

export interface RouteRequest {
  target: string;
  targetKind: 'trunk' | 'group';
  /** Keys given on the `route … failover { }` statement override the trunk's/group's. */
  failover?: IrFailover;
}

export interface RoutePlannerOptions {
  /** OPTIONS state of a peer; peers with no keepalive are 'unknown' and used. */
  peerState(peer: PeerAddress): PeerState;
}

const DEFAULT_PORT = { udp: 5060, tcp: 5060, tls: 5061 } as const;

export function peerKey(peer: PeerAddress): string {
  const host = peer.host.includes(':') ? `[${peer.host}]` : peer.host;
  return `${peer.transport}:${host}:${peer.port}`;
}

export function trunkPeers(trunk: IrTrunk): PeerAddress[] {
  return trunk.peers.map((peer) => ({
    host: peer.host,
    port: peer.port ?? DEFAULT_PORT[trunk.transport],
    transport: trunk.transport,
  }));
}

export class RoutePlanner {
  readonly #trunks: Map<string, IrTrunk>;
  readonly #groups: Map<string, IrGroup>;
  readonly #options: RoutePlannerOptions;
  /** Next starting member of each round-robin group. */
  readonly #rotation = new Map<string, number>();

  constructor(program: Pick<IrProgram, 'trunks' | 'groups'>, options: RoutePlannerOptions) {
    this.#trunks = new Map(program.trunks.map((trunk) => [trunk.name, trunk]));
    this.#groups = new Map(program.groups.map((group) => [group.name, group]));
    this.#options = options;
  }

  /** The peers to try, in order; empty when the target has no usable peer. */
  plan(request: RouteRequest): RouteCandidate[] {
    if (request.targetKind === 'trunk') {
      const trunk = this.#trunks.get(request.target);
      return trunk ? this.#trunkCandidates(trunk, undefined, [trunk.failover, request.failover]) : [];
    }
    const candidates: RouteCandidate[] = [];
    const visited = new Set<string>();
    let group = this.#groups.get(request.target);
    // The compiler rejects backup loops (E409); `visited` keeps a bad IR from looping anyway.
    while (group && !visited.has(group.name)) {
      visited.add(group.name);
      for (const trunk of this.#memberOrder(group)) {
        candidates.push(
          ...this.#trunkCandidates(trunk, group.name, [trunk.failover, group.failover, request.failover]),
        );
      }
      group = group.backup === undefined ? undefined : this.#groups.get(group.backup);
    }
    return candidates;
  }

  #memberOrder(group: IrGroup): IrTrunk[] {
    const members = group.members.flatMap((name) => this.#trunks.get(name) ?? []);
    if (group.policy !== 'round_robin' || members.length < 2) return members;
    const start = this.#rotation.get(group.name) ?? 0;
    this.#rotation.set(group.name, (start + 1) % members.length);
    return [...members.slice(start), ...members.slice(0, start)];
  }

  #trunkCandidates(
    trunk: IrTrunk,
    group: string | undefined,
    failoverLayers: ReadonlyArray<IrFailover | undefined>,
  ): RouteCandidate[] {
    const policy = mergeFailover(...failoverLayers);
    return trunkPeers(trunk)
      .filter((peer) => this.#options.peerState(peer) !== 'down')
      .map((peer) => (group === undefined ? { trunk, peer, policy } : { trunk, peer, group, policy }));
  }
}
