import { describe, expect, it } from 'vitest';
import { DEFAULT_FAILOVER } from '../../../src/core/routing/failover-policy.ts';
import { type PeerAddress, peerKey, RoutePlanner } from '../../../src/core/routing/route-plan.ts';
import { group, trunk } from './fixtures.ts';

const program = {
  trunks: [
    trunk('zoom_sj', ['10.0.0.1:5061', '10.0.0.2:5061'], { transport: 'tls' }),
    trunk('zoom_ny', ['10.0.1.1'], { transport: 'tls', failover: { retry: 0 } }),
    trunk('zoom_co', ['10.0.2.1:5061'], { transport: 'tls' }),
    trunk('core', ['192.0.2.10']),
  ],
  groups: [
    group('zoom_primary', ['zoom_sj', 'zoom_ny'], {
      backup: 'zoom_backup',
      failover: { on: [503, 'timeout'] },
    }),
    group('zoom_backup', ['zoom_co']),
    group('rr', ['zoom_sj', 'zoom_ny', 'zoom_co'], { policy: 'round_robin' }),
  ],
};

const where = (plan: { trunk: { name: string }; peer: PeerAddress }[]) =>
  plan.map((c) => `${c.trunk.name} ${peerKey(c.peer)}`);

describe('RoutePlanner (docs/language.md §6.4, §7.8)', () => {
  const allUp = new RoutePlanner(program, { peerState: () => 'unknown' });

  it('a trunk: its peers in order, default ports by transport', () => {
    expect(where(allUp.plan({ target: 'core', targetKind: 'trunk' }))).toEqual(['core udp:192.0.2.10:5060']);
    expect(where(allUp.plan({ target: 'zoom_ny', targetKind: 'trunk' }))).toEqual([
      'zoom_ny tls:10.0.1.1:5061',
    ]);
  });

  it('a group: members in order, each trunk’s peers in order, then the backup group (seeds/003 failover)', () => {
    expect(where(allUp.plan({ target: 'zoom_primary', targetKind: 'group' }))).toEqual([
      'zoom_sj tls:10.0.0.1:5061',
      'zoom_sj tls:10.0.0.2:5061',
      'zoom_ny tls:10.0.1.1:5061',
      'zoom_co tls:10.0.2.1:5061',
    ]);
  });

  it('skips peers OPTIONS marked down; unknown ones are still used', () => {
    const planner = new RoutePlanner(program, {
      peerState: (peer) => (peer.host === '10.0.0.1' || peer.host === '10.0.1.1' ? 'down' : 'unknown'),
    });
    expect(where(planner.plan({ target: 'zoom_primary', targetKind: 'group' }))).toEqual([
      'zoom_sj tls:10.0.0.2:5061',
      'zoom_co tls:10.0.2.1:5061',
    ]);
  });

  it('is empty when every peer is down (the caller hears a failure, as with Zoom)', () => {
    const planner = new RoutePlanner(program, { peerState: () => 'down' });
    expect(planner.plan({ target: 'zoom_primary', targetKind: 'group' })).toEqual([]);
  });

  it('failover policy: default ← trunk ← group ← route statement, key by key', () => {
    const plan = allUp.plan({ target: 'zoom_primary', targetKind: 'group', failover: { timeoutMs: 2000 } });
    expect(plan[0]?.policy).toEqual({ on: [503, 'timeout'], retry: 1, timeoutMs: 2000 });
    // zoom_ny says retry 0; the group keeps its `on`.
    expect(plan[2]?.policy).toEqual({ on: [503, 'timeout'], retry: 0, timeoutMs: 2000 });
    // The backup group has no policy of its own: the statement still applies.
    expect(plan[3]?.policy).toEqual({ ...DEFAULT_FAILOVER, timeoutMs: 2000 });
    expect(plan[3]?.group).toBe('zoom_backup');
  });

  it('round robin rotates the first member call by call', () => {
    const planner = new RoutePlanner(program, { peerState: () => 'up' });
    const firsts = [1, 2, 3, 4].map(() => planner.plan({ target: 'rr', targetKind: 'group' })[0]?.trunk.name);
    expect(firsts).toEqual(['zoom_sj', 'zoom_ny', 'zoom_co', 'zoom_sj']);
  });

  it('an unknown target plans nothing', () => {
    expect(allUp.plan({ target: 'nope', targetKind: 'group' })).toEqual([]);
    expect(allUp.plan({ target: 'nope', targetKind: 'trunk' })).toEqual([]);
  });

  it('a backup loop in hand-made IR does not loop', () => {
    const looped = new RoutePlanner(
      {
        trunks: program.trunks,
        groups: [group('a', ['core'], { backup: 'b' }), group('b', ['core'], { backup: 'a' })],
      },
      { peerState: () => 'up' },
    );
    expect(looped.plan({ target: 'a', targetKind: 'group' })).toHaveLength(2);
  });

  it('formats IPv6 peers in brackets', () => {
    expect(peerKey({ host: '2001:db8::1', port: 5060, transport: 'udp' })).toBe('udp:[2001:db8::1]:5060');
  });
});
