import { describe, expect, it } from 'vitest';
import { bestResponse } from '../../../src/core/routing/best-response.ts';
import {
  DEFAULT_FAILOVER,
  mergeFailover,
  triggersFailover,
} from '../../../src/core/routing/failover-policy.ts';

describe('triggersFailover (docs/language.md §6.7)', () => {
  it('the default fails over on 408, 5xx, timeout and unreachable, not on a callee’s own answers', () => {
    for (const outcome of [408, 500, 503, 504, 'timeout', 'unreachable'] as const) {
      expect(triggersFailover(outcome, DEFAULT_FAILOVER)).toBe(true);
    }
    for (const outcome of [404, 486, 487, 603])
      expect(triggersFailover(outcome, DEFAULT_FAILOVER)).toBe(false);
  });

  it('the default re-sends the INVITE once before moving on (seeds/003)', () => {
    expect(DEFAULT_FAILOVER.retry).toBe(1);
  });

  it('matches codes, classes and decades', () => {
    const policy = mergeFailover({ on: [486, '6xx', '50x'] });
    expect(triggersFailover(486, policy)).toBe(true);
    expect(triggersFailover(603, policy)).toBe(true);
    expect(triggersFailover(503, policy)).toBe(true);
    expect(triggersFailover(513, policy)).toBe(false);
    expect(triggersFailover('timeout', policy)).toBe(false);
  });
});

describe('bestResponse (RFC 3261 §16.7 step 6)', () => {
  it('a 6xx wins over everything', () => {
    expect(bestResponse([{ outcome: 503 }, { outcome: 603, reason: 'Decline' }, { outcome: 486 }])).toEqual({
      status: 603,
      reason: 'Decline',
    });
  });

  it('otherwise the lowest class, preferring responses the caller can act on', () => {
    expect(bestResponse([{ outcome: 503 }, { outcome: 486, reason: 'Busy' }]).status).toBe(486);
    expect(bestResponse([{ outcome: 404 }, { outcome: 407 }]).status).toBe(407);
  });

  it('passes 503 on, so an upstream peer tries another SBC', () => {
    expect(bestResponse([{ outcome: 503, reason: 'Overloaded' }, { outcome: 'timeout' }])).toEqual({
      status: 503,
      reason: 'Overloaded',
    });
  });

  it('no final response: 408 if a peer was silent, 503 if none could be reached or none existed', () => {
    expect(bestResponse([{ outcome: 'unreachable' }, { outcome: 'timeout' }])).toEqual({
      status: 408,
      reason: 'Request Timeout',
    });
    expect(bestResponse([{ outcome: 'unreachable' }]).status).toBe(503);
    expect(bestResponse([]).status).toBe(503);
  });
});
