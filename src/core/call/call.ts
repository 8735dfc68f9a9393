/**
 * One call through the SBC, from the INVITE it arrived with to its end: the
 * pinned rule-set version, the call's variables, the two legs, and what must
 * be given back however the call ends (admission slots, the version pin, the
 * media session, timers). `end` runs once and writes the CDR.
 */
import type { IrTrunk, IrValue } from '../../../dsl/index.ts';
import type { SipMessage } from '../../edge/sip/index.ts';
import { type ArrivalHosts, arrivalHosts } from '../sip/topology.ts';
import type { PinnedVersion } from '../rule-versions.ts';
import type { LoadedVersion } from '../rules/loaded-version.ts';
import type { SrfDialog } from '../srf-types.ts';
import type { HookContext } from './hooks.ts';
import type { CallMedia } from './media-bridge.ts';

export type CallState = 'routing' | 'answered' | 'ended';

export interface CallSource {
  ip: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
}

export interface AttemptRecord {
  trunk: string;
  peer: string;
  outcome: number | string;
}

export interface CallEnd {
  /** Final status sent upstream (200 for an answered call). */
  status: number;
  cause: string;
}

export type CallEndListener = (call: Call, end: CallEnd) => void;

export class Call {
  readonly id: string;
  readonly pin: PinnedVersion;
  readonly inboundTrunk: IrTrunk | undefined;
  readonly trunkName: string;
  readonly source: CallSource;
  readonly vars: Record<string, IrValue>;
  /** The caller's INVITE; the `on request` hook's effects are applied to it. */
  readonly invite: SipMessage;
  /** Hosts of the INVITE before any rule edited it (topology hiding compares against them). */
  readonly arrival: ArrivalHosts;
  readonly startedAt = Date.now();
  readonly startedHr = performance.now();
  answeredAt: number | undefined;
  setupMs: number | undefined;
  state: CallState = 'routing';
  /** INVITEs sent so far (rules see it as call.attempt). */
  attempt = 0;
  readonly attempts: AttemptRecord[] = [];
  outboundTrunk: IrTrunk | undefined;
  uas: SrfDialog | undefined;
  uac: SrfDialog | undefined;
  /** The call's media session, when a leg has a media policy. */
  media: CallMedia | undefined;
  /** Set while the SBC's ringback tone stands in for the callee's early media (`ringback: inject`). */
  ringback: Promise<void> | undefined;
  /** A 422's Min-SE from the far end raises the far leg's session timer (RFC 4028 §7.4). */
  farMinSe: number | undefined;
  /** Set when the caller CANCELs while the call is being routed. */
  canceled = false;
  readonly #cleanups: (() => void)[] = [];
  readonly #onEnd: CallEndListener;
  #ended = false;

  constructor(init: {
    id: string;
    pin: PinnedVersion;
    inboundTrunk: IrTrunk | undefined;
    source: CallSource;
    invite: SipMessage;
    onEnd: CallEndListener;
  }) {
    this.id = init.id;
    this.pin = init.pin;
    this.inboundTrunk = init.inboundTrunk;
    this.trunkName = init.inboundTrunk?.name ?? '';
    this.source = init.source;
    this.invite = init.invite;
    this.arrival = arrivalHosts(init.invite);
    this.vars = { ...init.pin.version.runtime.rules.vars };
    this.#onEnd = init.onEnd;
  }

  get version(): LoadedVersion {
    return this.pin.version;
  }

  get ended(): boolean {
    return this.#ended;
  }

  hookContext(): HookContext {
    return {
      version: this.pin.version,
      callId: this.id,
      attempt: this.attempt,
      trunk: this.trunkName,
      source: { ...this.source, trunk: this.trunkName },
      vars: this.vars,
    };
  }

  /** Registers something to give back when the call ends (runs in reverse order). */
  onCleanup(fn: () => void): void {
    if (this.#ended) fn();
    else this.#cleanups.push(fn);
  }

  answered(): void {
    this.state = 'answered';
    this.answeredAt = Date.now();
    this.setupMs = performance.now() - this.startedHr;
  }

  /** Ends the call once: cleanups, version pin, CDR and metrics (through the listener). */
  end(end: CallEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.state = 'ended';
    for (const fn of this.#cleanups.reverse()) {
      try {
        fn();
      } catch {
        // one failing cleanup must not keep the others from running
      }
    }
    this.#onEnd(this, end);
    this.pin.release();
  }
}
