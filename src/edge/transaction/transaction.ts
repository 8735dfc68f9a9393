// What the four transaction state machines share: the timers they hold, the
// function that puts bytes on the network, and the transaction user (TU) they
// report to (RFC 3261 §17).

import type { SipMessage } from '../sip/index.ts';
import type { TimerValues } from './timers.ts';
import { after } from './timers.ts';

/** Sends bytes toward the peer of this transaction; transport errors come back through `transportError`. */
export type SendBytes = (data: Buffer) => void;

export interface ClientTransactionUser {
  /** Every response the TU must see (never a retransmission the transaction absorbs). */
  onResponse(res: SipMessage): void;
  /** Timer B or F fired: the TU answers itself with a local 408 (§8.1.3.1). */
  onTimeout(): void;
  /** The request could not be sent: the TU treats it as a 503 (§8.1.3.1). */
  onTransportError(err: Error): void;
  onTerminated?(): void;
}

export interface ServerTransactionUser {
  /** Timer H fired without an ACK for our non-2xx final (§17.2.1), or a reliable send failed. */
  onTimeout?(): void;
  onTerminated(): void;
}

export abstract class Transaction {
  /** Matching key (§17.1.3 / §17.2.3). */
  readonly key: string;
  readonly reliable: boolean;
  protected readonly timers: TimerValues;
  protected readonly sendBytes: SendBytes;
  #retransmit: NodeJS.Timeout | undefined;
  #timeout: NodeJS.Timeout | undefined;
  terminated = false;

  constructor(key: string, reliable: boolean, timers: TimerValues, send: SendBytes) {
    this.key = key;
    this.reliable = reliable;
    this.timers = timers;
    this.sendBytes = send;
  }

  /**
   * Retransmits `data` over unreliable transports at `first`, doubling up to
   * `cap` (Timers A, E, G; §17.1.1.2, §17.1.2.2, §17.2.1).
   */
  protected retransmit(data: Buffer, first: number, cap: number): void {
    this.stopRetransmit();
    if (this.reliable) return;
    let interval = first;
    const tick = (): void => {
      if (this.terminated) return;
      this.sendBytes(data);
      interval = Math.min(interval * 2, cap);
      this.#retransmit = after(interval, tick);
    };
    this.#retransmit = after(interval, tick);
  }

  protected stopRetransmit(): void {
    if (this.#retransmit !== undefined) clearTimeout(this.#retransmit);
    this.#retransmit = undefined;
  }

  /** One timeout at a time (B, D, F, H, I, J, K, L, M): arming one replaces the previous. */
  protected timeout(ms: number, fn: () => void): void {
    if (this.#timeout !== undefined) clearTimeout(this.#timeout);
    this.#timeout = ms <= 0 ? undefined : after(ms, fn);
    if (ms <= 0) fn();
  }

  protected clearTimers(): void {
    this.stopRetransmit();
    if (this.#timeout !== undefined) clearTimeout(this.#timeout);
    this.#timeout = undefined;
  }

  /** Ends the transaction: timers stop, the owner forgets it. */
  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.clearTimers();
    this.onTerminate();
  }

  protected abstract onTerminate(): void;
}
