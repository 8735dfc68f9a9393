// Protection against hostile or broken peers: a per-source token bucket for
// requests that start something new (unauthenticated: anyone can send them),
// and a log that reports each rejection once per source and message, not per
// retransmission.

import type { Logger } from 'pino';

export interface RateLimit {
  /** Sustained new requests per second per source IP. */
  perSecond: number;
  /** Requests a source may send in a burst above the sustained rate. */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<RateLimit> = Object.freeze({ perSecond: 200, burst: 400 });

interface Bucket {
  tokens: number;
  at: number;
}

/** Token bucket per source address; the table is bounded and forgets idle sources. */
export class SourceRateLimiter {
  readonly #limit: RateLimit;
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxSources: number;

  constructor(limit: RateLimit, maxSources = 50_000) {
    this.#limit = limit;
    this.#maxSources = maxSources;
  }

  /** Takes one token for `source`; false when the source is over its rate. */
  allow(source: string, now = Date.now()): boolean {
    let b = this.#buckets.get(source);
    if (b === undefined) {
      if (this.#buckets.size >= this.#maxSources) this.#prune(now);
      b = { tokens: this.#limit.burst, at: now };
      this.#buckets.set(source, b);
    } else {
      b.tokens = Math.min(this.#limit.burst, b.tokens + ((now - b.at) / 1000) * this.#limit.perSecond);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  #prune(now: number): void {
    for (const [k, b] of this.#buckets) {
      const full = b.tokens + ((now - b.at) / 1000) * this.#limit.perSecond >= this.#limit.burst;
      if (full) this.#buckets.delete(k);
    }
    // Everyone is busy: forget the oldest half rather than grow without bound.
    if (this.#buckets.size >= this.#maxSources) {
      let n = this.#buckets.size / 2;
      for (const k of this.#buckets.keys()) {
        if (n-- <= 0) break;
        this.#buckets.delete(k);
      }
    }
  }
}

/**
 * Logs a rejection once per key for `windowMs` (32 s covers a peer's whole
 * retransmission schedule, 64·T1). Bounded: past `max` keys the oldest go.
 */
export class RejectLog {
  readonly #log: Logger;
  readonly #seen = new Map<string, number>();
  readonly #windowMs: number;
  readonly #max: number;
  /** Rejections counted, logged or not (for stats and tests). */
  count = 0;

  constructor(log: Logger, windowMs = 32_000, max = 10_000) {
    this.#log = log;
    this.#windowMs = windowMs;
    this.#max = max;
  }

  /** Logs `msg` unless the same key was logged within the window; returns whether it logged. */
  report(key: string, fields: Record<string, unknown>, msg: string, now = Date.now()): boolean {
    this.count++;
    const last = this.#seen.get(key);
    if (last !== undefined && now - last < this.#windowMs) return false;
    if (last !== undefined) this.#seen.delete(key);
    this.#seen.set(key, now);
    if (this.#seen.size > this.#max) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    this.#log.warn(fields, msg);
    return true;
  }
}
