/**
 * OPTIONS keepalive toward every peer of every trunk that has `options`
 * (docs/language.md §6.6). A peer goes down after `down_after` consecutive
 * failures and up again after `up_after` consecutive successes, the rule Zoom
 * applies to its own peers (seeds/003: 30 s interval, down after 4, up after 3).
 * A peer not yet judged is 'unknown' and still used for routing, as Zoom does.
 */
import type { IrTrunk } from '../../../dsl/index.ts';
import { type PeerAddress, type PeerState, peerKey, trunkPeers } from '../routing/route-plan.ts';

export interface ProbeResult {
  /** Final status of the OPTIONS, or why there was none. */
  outcome: number | 'timeout' | 'unreachable';
}

/** Sends one OPTIONS to a peer and reports how it ended. */
export type Probe = (peer: PeerAddress, trunk: string, timeoutMs: number) => Promise<ProbeResult>;

export interface PeerStatus {
  trunk: string;
  peer: PeerAddress;
  state: PeerState;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  lastOutcome?: ProbeResult['outcome'];
  lastProbeAt?: number;
}

export interface StateChange {
  trunk: string;
  peer: PeerAddress;
  from: PeerState;
  to: PeerState;
  lastOutcome: ProbeResult['outcome'];
}

export const OPTIONS_DEFAULTS = { intervalMs: 30_000, timeoutMs: 5_000, downAfter: 4, upAfter: 3 } as const;

/**
 * Any answer below 500 other than 408 proves the peer's SIP stack is there to
 * take calls (carriers often answer OPTIONS with 404 or 405); 408, 5xx, 6xx and
 * silence count as failures.
 */
export function isSuccess(outcome: ProbeResult['outcome']): boolean {
  return typeof outcome === 'number' && outcome < 500 && outcome !== 408;
}

interface Watched {
  status: PeerStatus;
  intervalMs: number;
  timeoutMs: number;
  downAfter: number;
  upAfter: number;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

export class OptionsMonitor {
  readonly #probe: Probe;
  readonly #onChange: (change: StateChange) => void;
  readonly #watched = new Map<string, Watched>();

  constructor(probe: Probe, onChange: (change: StateChange) => void = () => {}) {
    this.#probe = probe;
    this.#onChange = onChange;
  }

  /**
   * Watches the peers of these trunks, e.g. after a rule set is activated.
   * Peers that stay keep their state and counters; peers that went away stop.
   */
  watch(trunks: readonly IrTrunk[]): void {
    const wanted = new Map<string, { trunk: IrTrunk; peer: PeerAddress }>();
    for (const trunk of trunks) {
      if (!trunk.options || trunk.options.enabled === false) continue;
      for (const peer of trunkPeers(trunk)) wanted.set(peerKey(peer), { trunk, peer });
    }
    for (const [key, watched] of this.#watched) {
      if (!wanted.has(key)) {
        this.#stopOne(watched);
        this.#watched.delete(key);
      }
    }
    for (const [key, { trunk, peer }] of wanted) {
      const options = trunk.options!;
      const existing = this.#watched.get(key);
      const settings = {
        intervalMs: options.intervalMs ?? OPTIONS_DEFAULTS.intervalMs,
        timeoutMs: options.timeoutMs ?? OPTIONS_DEFAULTS.timeoutMs,
        downAfter: options.downAfter ?? OPTIONS_DEFAULTS.downAfter,
        upAfter: options.upAfter ?? OPTIONS_DEFAULTS.upAfter,
      };
      if (existing) {
        Object.assign(existing, settings);
        existing.status.trunk = trunk.name;
        continue;
      }
      const watched: Watched = {
        status: {
          trunk: trunk.name,
          peer,
          state: 'unknown',
          consecutiveFailures: 0,
          consecutiveSuccesses: 0,
        },
        ...settings,
        stopped: false,
      };
      this.#watched.set(key, watched);
      // Spread the first probes over one interval so a restart does not burst.
      this.#schedule(watched, Math.floor(Math.random() * Math.min(settings.intervalMs, 1_000)));
    }
  }

  state(peer: PeerAddress): PeerState {
    return this.#watched.get(peerKey(peer))?.status.state ?? 'unknown';
  }

  statuses(): PeerStatus[] {
    return [...this.#watched.values()].map((watched) => ({ ...watched.status }));
  }

  stop(): void {
    for (const watched of this.#watched.values()) this.#stopOne(watched);
    this.#watched.clear();
  }

  #stopOne(watched: Watched): void {
    watched.stopped = true;
    clearTimeout(watched.timer);
  }

  #schedule(watched: Watched, delayMs: number): void {
    watched.timer = setTimeout(() => void this.#probeOnce(watched), delayMs);
    // Keepalive alone must never hold the process open at shutdown.
    watched.timer.unref();
  }

  async #probeOnce(watched: Watched): Promise<void> {
    let result: ProbeResult;
    try {
      result = await this.#probe(watched.status.peer, watched.status.trunk, watched.timeoutMs);
    } catch {
      result = { outcome: 'unreachable' };
    }
    if (watched.stopped) return;
    this.#record(watched, result.outcome);
    this.#schedule(watched, watched.intervalMs);
  }

  #record(watched: Watched, outcome: ProbeResult['outcome']): void {
    const status = watched.status;
    status.lastOutcome = outcome;
    status.lastProbeAt = Date.now();
    if (isSuccess(outcome)) {
      status.consecutiveSuccesses++;
      status.consecutiveFailures = 0;
    } else {
      status.consecutiveFailures++;
      status.consecutiveSuccesses = 0;
    }
    const next =
      status.state !== 'down' && status.consecutiveFailures >= watched.downAfter
        ? 'down'
        : status.state !== 'up' && status.consecutiveSuccesses >= watched.upAfter
          ? 'up'
          : status.state;
    if (next !== status.state) {
      const change = {
        trunk: status.trunk,
        peer: status.peer,
        from: status.state,
        to: next,
        lastOutcome: outcome,
      };
      status.state = next;
      this.#onChange(change);
    }
  }
}
