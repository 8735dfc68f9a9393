/**
 * When a routing attempt fails, does the SBC try again (same peer, then the
 * next one) or give the failure upstream? docs/language.md §6.7.
 */
import type { IrFailover } from '../../../dsl/index.ts';

/** What ended an attempt without a 2xx: a final status, or no final answer at all. */
export type AttemptOutcome = number | 'timeout' | 'unreachable';

export interface FailoverPolicy {
  /** Status codes (503), classes ('5xx') and causes ('timeout', 'unreachable'). */
  on: ReadonlyArray<number | string>;
  /** How many more times the same peer gets the INVITE before the next peer. */
  retry: number;
  /** How long to wait for a provisional response before counting a timeout. */
  timeoutMs: number;
}

/**
 * Without a policy of its own a route fails over on no answer, 408 and 5xx,
 * re-sending the INVITE once first: the behaviour Zoom expects of its peers
 * ("Zoom will make one additional attempt to resend any outgoing INVITE"
 * before the alternative path, seeds/003).
 */
export const DEFAULT_FAILOVER: FailoverPolicy = {
  on: [408, '5xx', 'timeout', 'unreachable'],
  retry: 1,
  timeoutMs: 5_000,
};

/** Later layers override earlier ones key by key: default ← trunk/group ← route statement. */
export function mergeFailover(...layers: ReadonlyArray<IrFailover | undefined>): FailoverPolicy {
  let policy = DEFAULT_FAILOVER;
  for (const layer of layers) {
    if (!layer) continue;
    policy = {
      on: layer.on ?? policy.on,
      retry: layer.retry ?? policy.retry,
      timeoutMs: layer.timeoutMs ?? policy.timeoutMs,
    };
  }
  return policy;
}

export function triggersFailover(outcome: AttemptOutcome, policy: FailoverPolicy): boolean {
  return policy.on.some((cause) => {
    if (typeof outcome !== 'number') return cause === outcome;
    if (typeof cause === 'number') return cause === outcome;
    // A class such as '5xx' or a decade such as '50x'.
    return /^[1-6][0-9x]x$/.test(cause) && matchesPattern(outcome, cause);
  });
}

function matchesPattern(status: number, pattern: string): boolean {
  const digits = String(status);
  return [...pattern].every((char, index) => char === 'x' || char === digits[index]);
}
