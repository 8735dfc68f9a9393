/**
 * Admission counters several SBC nodes share through Redis (DESIGN.md "Scale-out"; issue: limits
 * per trunk and tenant hold across nodes). Each node counts the calls it holds under its own
 * field of a per-limit hash; a Lua script sums the fields of live nodes and takes a slot
 * atomically (./redis-scripts.ts). Nodes beat every `heartbeatMs`; a node silent for `nodeTtlMs`
 * (killed, cut off) is dead and its calls stop counting, so nothing leaks.
 *
 * While Redis is unreachable each node admits its local share of every limit,
 * max(1, floor(limit / expectedNodes)), says so in its status and metrics, and keeps counting its
 * own calls. When Redis answers again the node writes its counts back (they may have been lost
 * with Redis, or removed while the node was taken for dead) before it uses Redis again.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type CallCounters, type CountersStatus, MemoryCounters } from '../core/admission/counters.ts';
import { ACQUIRE, HEARTBEAT, RATE, RELEASE } from './redis-scripts.ts';

export interface RedisCountersOptions {
  url: string;
  /** This node's name (`cluster.nodeId`); empty: the host name. */
  nodeName: string;
  expectedNodes: number;
  keyPrefix: string;
  commandTimeoutMs: number;
  heartbeatMs: number;
  nodeTtlMs: number;
  logger: Logger;
  registry: Registry;
}

interface Scripted {
  sbcAcquire(counts: string, nodes: string, node: string, limit: number): Promise<number>;
  sbcRelease(counts: string, node: string): Promise<number>;
  sbcRate(bucket: string, perSecond: number): Promise<number>;
  sbcHeartbeat(nodes: string, node: string, ttlMs: number): Promise<number>;
}

export class RedisCounters implements CallCounters {
  /** Unique per process: a restarted node must not inherit the counts of its previous life. */
  readonly node: string;
  readonly #options: RedisCountersOptions;
  readonly #redis: Redis & Scripted;
  readonly #ttlMs: number;
  #mode: 'shared' | 'local-share' = 'local-share';
  #lastError = 'not connected yet';
  /** Calls this node holds per limit key: the truth it writes back to Redis after an outage. */
  readonly #held = new Map<string, number>();
  /** Keys under which Redis may hold a count of this node's (cleared on write-back). */
  readonly #written = new Set<string>();
  /** Calls-per-second buckets on the local share. */
  readonly #local = new MemoryCounters();
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;
  readonly #sharedGauge: Gauge;
  readonly #localDecisions: Counter;

  constructor(options: RedisCountersOptions) {
    this.#options = options;
    this.node = `${options.nodeName || hostname()}#${process.pid}-${randomBytes(3).toString('hex')}`;
    // A node must beat at least twice within its time to live, or it would be taken for dead.
    this.#ttlMs = Math.max(options.nodeTtlMs, 2 * options.heartbeatMs);
    const redis = new Redis(options.url, {
      lazyConnect: true,
      // Fail at once while disconnected instead of queueing: the call is decided on the local share.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(1000, options.commandTimeoutMs),
      retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    });
    redis.on('error', (error: Error) => {
      this.#unreachable(error);
    });
    redis.defineCommand('sbcAcquire', { numberOfKeys: 2, lua: ACQUIRE });
    redis.defineCommand('sbcRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('sbcRate', { numberOfKeys: 1, lua: RATE });
    redis.defineCommand('sbcHeartbeat', { numberOfKeys: 1, lua: HEARTBEAT });
    this.#redis = redis as Redis & Scripted;
    this.#sharedGauge = new Gauge({
      name: 'sbc_admission_shared',
      help: 'Admission counters: 1 when shared across nodes through Redis, 0 when Redis is unreachable and this node admits its local share',
      registers: [options.registry],
    });
    this.#localDecisions = new Counter({
      name: 'sbc_admission_local_share_decisions_total',
      help: 'Admission decisions taken on the local share of a limit because Redis was unreachable',
      registers: [options.registry],
    });
  }

  /** Connects and beats; never fails: without Redis the node starts on its local share. */
  async start(): Promise<void> {
    await this.#redis.connect().catch((error: unknown) => this.#unreachable(error));
    await this.heartbeat();
    this.#timer = setInterval(() => void this.heartbeat(), this.#options.heartbeatMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#beating;
    if (this.#mode === 'shared') {
      // Leave at once rather than after nodeTtlMs: the calls this node held are over.
      await this.#redis.zrem(this.#key('nodes'), this.node).catch(() => undefined);
    }
    this.#redis.disconnect();
  }

  acquire(key: string, limit: number): boolean | Promise<boolean> {
    if (this.#mode !== 'shared') return this.#acquireLocally(key, limit);
    return this.#redis.sbcAcquire(this.#key(`calls:${key}`), this.#key('nodes'), this.node, limit).then(
      (taken) => {
        if (taken !== 1) return false;
        this.#add(key, 1);
        return true;
      },
      (error: unknown) => {
        this.#unreachable(error);
        return this.#acquireLocally(key, limit);
      },
    );
  }

  release(key: string): void {
    if ((this.#held.get(key) ?? 0) <= 0) return;
    this.#add(key, -1);
    if (this.#mode !== 'shared') return;
    this.#redis
      .sbcRelease(this.#key(`calls:${key}`), this.node)
      .catch((error: unknown) => this.#unreachable(error));
  }

  rate(key: string, perSecond: number): boolean | Promise<boolean> {
    if (this.#mode !== 'shared') return this.#rateLocally(key, perSecond);
    return this.#redis.sbcRate(this.#key(`cps:${key}`), perSecond).then(
      (taken) => taken === 1,
      (error: unknown) => {
        this.#unreachable(error);
        return this.#rateLocally(key, perSecond);
      },
    );
  }

  active(key: string): number {
    return this.#held.get(key) ?? 0;
  }

  status(): CountersStatus {
    if (this.#mode === 'shared') return { mode: 'shared', detail: `shared through Redis as ${this.node}` };
    return {
      mode: 'local-share',
      detail: `Redis unreachable (${this.#lastError}): admitting 1/${this.#options.expectedNodes} of each limit`,
    };
  }

  /** One beat (also run by the timer): tells Redis this node lives, and writes its counts back when needed. */
  heartbeat(): Promise<void> {
    this.#beating ??= this.#beat().finally(() => (this.#beating = undefined));
    return this.#beating;
  }

  async #beat(): Promise<void> {
    try {
      const known = await this.#redis.sbcHeartbeat(this.#key('nodes'), this.node, this.#ttlMs);
      if (this.#mode !== 'shared' || known !== 1) await this.#writeBack();
    } catch (error) {
      this.#unreachable(error);
    }
  }

  /**
   * Replaces this node's counts in Redis with the ones it holds. Decisions stay local meanwhile;
   * changes made while the write was in flight follow as increments, in order on the same
   * connection, before the node uses Redis again.
   */
  async #writeBack(): Promise<void> {
    const wasShared = this.#mode === 'shared';
    this.#mode = 'local-share';
    const written = new Map(this.#held);
    const keys = [...this.#written];
    const batch = this.#redis.multi();
    for (const key of keys) {
      const count = written.get(key) ?? 0;
      if (count > 0) batch.hset(this.#key(`calls:${key}`), this.node, count);
      else batch.hdel(this.#key(`calls:${key}`), this.node);
    }
    const results = await batch.exec();
    const failed = results?.find(([error]) => error)?.[0];
    if (failed) throw failed;
    for (const key of new Set([...keys, ...this.#held.keys()])) {
      const delta = (this.#held.get(key) ?? 0) - (written.get(key) ?? 0);
      if (delta !== 0)
        this.#redis
          .hincrby(this.#key(`calls:${key}`), this.node, delta)
          .catch((error: unknown) => this.#unreachable(error));
      else if ((this.#held.get(key) ?? 0) === 0) this.#written.delete(key);
    }
    this.#mode = 'shared';
    this.#sharedGauge.set(1);
    if (!wasShared) this.#options.logger.info({ node: this.node }, 'admission counters shared through Redis');
  }

  #acquireLocally(key: string, limit: number): boolean {
    this.#localDecisions.inc();
    if ((this.#held.get(key) ?? 0) >= this.#share(limit)) return false;
    this.#add(key, 1);
    return true;
  }

  #rateLocally(key: string, perSecond: number): boolean {
    this.#localDecisions.inc();
    return this.#local.rate(key, this.#share(perSecond));
  }

  #share(limit: number): number {
    return Math.max(1, Math.floor(limit / this.#options.expectedNodes));
  }

  #add(key: string, delta: number): void {
    const count = (this.#held.get(key) ?? 0) + delta;
    if (count > 0) this.#held.set(key, count);
    else this.#held.delete(key);
    this.#written.add(key);
  }

  #unreachable(error: unknown): void {
    this.#lastError = error instanceof Error ? error.message : String(error);
    this.#sharedGauge.set(0);
    if (this.#mode !== 'shared') return;
    this.#mode = 'local-share';
    this.#options.logger.warn(
      { node: this.node, err: error, expectedNodes: this.#options.expectedNodes },
      "Redis unreachable: admission falls back to this node's share of each limit",
    );
  }

  #key(name: string): string {
    return `${this.#options.keyPrefix}${name}`;
  }
}
