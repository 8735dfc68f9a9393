/**
 * Admission control for new calls (issue: signaling core, item 9): at most
 * `max_calls` concurrent calls and `cps` new calls per second per trunk and
 * per tenant, answered 503 with Retry-After when over; and a per-source
 * INVITE flood limit so one noisy source cannot starve the others.
 */
import type { AdmissionCounters, CallCounters, CountersStatus } from './counters.ts';

export interface Limit {
  /** e.g. `trunk:zoom`, `tenant:contoso`. */
  key: string;
  maxCalls?: number;
  cps?: number;
}

export type Admission =
  | { admitted: true; release: () => void }
  | { admitted: false; status: 503; reason: string; retryAfterSeconds: number; limit: string };

export class AdmissionControl {
  readonly #counters: CallCounters;

  constructor(counters: CallCounters) {
    this.#counters = counters;
  }

  /**
   * Admits a call against every limit, or none: a call refused by its tenant's
   * limit must not hold a slot of its trunk's. Asynchronous because shared
   * counters (several nodes) are asked over the network.
   */
  async admit(limits: readonly Limit[]): Promise<Admission> {
    for (const limit of limits) {
      if (limit.cps !== undefined && !(await this.#counters.rate(`cps:${limit.key}`, limit.cps))) {
        return refuse(limit.key, `call rate limit of ${limit.cps}/s reached for ${limit.key}`, 1);
      }
    }
    const taken: string[] = [];
    for (const limit of limits) {
      if (limit.maxCalls === undefined) continue;
      const key = `calls:${limit.key}`;
      if (!(await this.#counters.acquire(key, limit.maxCalls))) {
        for (const held of taken) this.#counters.release(held);
        return refuse(limit.key, `concurrent call limit of ${limit.maxCalls} reached for ${limit.key}`, 5);
      }
      taken.push(key);
    }
    let released = false;
    return {
      admitted: true,
      release: () => {
        // A call can end along several paths at once (BYE racing a timer): release once.
        if (released) return;
        released = true;
        for (const key of taken) this.#counters.release(key);
      },
    };
  }

  /** Calls this node holds under a limit key. */
  active(key: string): number {
    return this.#counters.active(`calls:${key}`);
  }

  status(): CountersStatus {
    return this.#counters.status?.() ?? { mode: 'memory', detail: 'counted in this node' };
  }
}

function refuse(limit: string, reason: string, retryAfterSeconds: number): Admission {
  return { admitted: false, status: 503, reason, retryAfterSeconds, limit };
}

/**
 * Per-source request flood limiting, checked before any other work on a new call. Always on this
 * node's own memory counters: a flood is a node's own load to shed, and the check must cost nothing.
 */
export class FloodGuard {
  readonly #counters: AdmissionCounters;
  readonly #perSecond: number;

  constructor(counters: AdmissionCounters, perSecond: number) {
    this.#counters = counters;
    this.#perSecond = perSecond;
  }

  allows(sourceAddress: string): boolean {
    return this.#counters.rate(`source:${sourceAddress}`, this.#perSecond);
  }
}
