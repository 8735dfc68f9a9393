/**
 * The counters admission control needs, behind a narrow interface so a
 * cluster can keep them in a shared store (DESIGN.md, "Scale-out"; Redis:
 * src/cluster/redis-counters.ts) while a single node keeps them in memory.
 * Shared counters answer over the network, so `acquire` and `rate` may return
 * a promise; `release` never waits.
 */
export interface CallCounters {
  acquire(key: string, limit: number): boolean | Promise<boolean>;
  release(key: string): void;
  rate(key: string, perSecond: number): boolean | Promise<boolean>;
  /** Calls this node holds under a key (for status and metrics). */
  active(key: string): number;
  /** Where the counts are kept now; absent: in this node's memory. */
  status?(): CountersStatus;
}

export interface CountersStatus {
  /** `memory`: one node counting alone. `shared`: counted across nodes. `local-share`: shared counters unreachable, this node admits its share. */
  mode: 'memory' | 'shared' | 'local-share';
  detail: string;
}

/** Counters answered at once, from this node's memory (the flood guard always uses these). */
export interface AdmissionCounters extends CallCounters {
  /** Takes one of `limit` concurrent slots under `key`; false when all are taken. */
  acquire(key: string, limit: number): boolean;
  /** Gives back a slot taken with acquire. */
  release(key: string): void;
  /** Takes one token from a bucket refilled at `perSecond`; false when it is empty. */
  rate(key: string, perSecond: number): boolean;
  /** Current concurrent count under a key (for status and metrics). */
  active(key: string): number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class MemoryCounters implements AdmissionCounters {
  readonly #active = new Map<string, number>();
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  /** Buckets are bounded so a flood of spoofed sources cannot grow memory without limit. */
  readonly #maxBuckets: number;

  constructor(options: { now?: () => number; maxBuckets?: number } = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#maxBuckets = options.maxBuckets ?? 100_000;
  }

  acquire(key: string, limit: number): boolean {
    const current = this.#active.get(key) ?? 0;
    if (current >= limit) return false;
    this.#active.set(key, current + 1);
    return true;
  }

  release(key: string): void {
    const current = this.#active.get(key) ?? 0;
    if (current <= 1) this.#active.delete(key);
    else this.#active.set(key, current - 1);
  }

  active(key: string): number {
    return this.#active.get(key) ?? 0;
  }

  rate(key: string, perSecond: number): boolean {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
      bucket.updatedAt = now;
      // Re-insert so the Map's order is least-recently-used first.
      this.#buckets.delete(key);
    } else {
      // A full bucket: a burst of up to one second's worth is allowed.
      bucket = { tokens: perSecond, updatedAt: now };
      if (this.#buckets.size >= this.#maxBuckets) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
    }
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
