// Reliable provisional responses, UAS side (RFC 3262 §3): each carries an
// RSeq, is retransmitted (T1 doubling) until a PRACK with a matching RAck
// arrives, and only one is outstanding at a time; later ones wait their turn.
// After 64·T1 without PRACK retransmission stops and `onGiveUp` runs.

import type { TimerValues } from '../transaction/index.ts';

interface Pending {
  rseq: number;
  cseq: number;
  bytes: Buffer;
}

export interface RAck {
  rseq: number;
  cseq: number;
  method: string;
}

/** RAck = response-num LWS CSeq-num LWS Method (RFC 3262 §7.2). */
export function parseRAck(value: string | undefined): RAck | null {
  if (value === undefined) return null;
  const m = /^\s*(\d{1,10})\s+(\d{1,10})\s+([A-Za-z]+)\s*$/.exec(value);
  if (m === null) return null;
  return { rseq: Number(m[1]), cseq: Number(m[2]), method: m[3]!.toUpperCase() };
}

export class ReliableProvisionals {
  readonly #timers: TimerValues;
  readonly #send: (bytes: Buffer) => void;
  readonly #reliableTransport: boolean;
  readonly #onGiveUp: () => void;
  #next: number;
  #current: Pending | undefined;
  readonly #queue: Pending[] = [];
  #retransmit: NodeJS.Timeout | undefined;
  #giveUp: NodeJS.Timeout | undefined;

  constructor(
    timers: TimerValues,
    reliableTransport: boolean,
    send: (b: Buffer) => void,
    onGiveUp: () => void,
  ) {
    this.#timers = timers;
    this.#reliableTransport = reliableTransport;
    this.#send = send;
    this.#onGiveUp = onGiveUp;
    // The first RSeq is random in 1..2^31-1 (RFC 3262 §3).
    this.#next = 1 + Math.floor(Math.random() * 0x7ffffff0);
  }

  nextRSeq(): number {
    return this.#next++;
  }

  get outstanding(): boolean {
    return this.#current !== undefined;
  }

  /** Sends now, or after the outstanding one is acknowledged. */
  send(bytes: Buffer, rseq: number, cseq: number): void {
    const p = { rseq, cseq, bytes };
    if (this.#current !== undefined) this.#queue.push(p);
    else this.#start(p);
  }

  #start(p: Pending): void {
    this.#current = p;
    this.#send(p.bytes);
    let interval = this.#timers.t1;
    const tick = (): void => {
      if (this.#current !== p) return;
      this.#send(p.bytes);
      interval *= 2;
      this.#retransmit = setTimeout(tick, interval);
      this.#retransmit.unref();
    };
    if (!this.#reliableTransport) {
      this.#retransmit = setTimeout(tick, interval);
      this.#retransmit.unref();
    }
    this.#giveUp = setTimeout(() => {
      this.stop();
      this.#onGiveUp();
    }, 64 * this.#timers.t1);
    this.#giveUp.unref();
  }

  /** A PRACK arrived: true when it acknowledges the outstanding provisional (RFC 3262 §3). */
  prack(rack: RAck): boolean {
    const c = this.#current;
    if (c === undefined || rack.method !== 'INVITE' || rack.rseq !== c.rseq || rack.cseq !== c.cseq)
      return false;
    this.#clear();
    const next = this.#queue.shift();
    if (next !== undefined) this.#start(next);
    return true;
  }

  #clear(): void {
    if (this.#retransmit !== undefined) clearTimeout(this.#retransmit);
    if (this.#giveUp !== undefined) clearTimeout(this.#giveUp);
    this.#retransmit = undefined;
    this.#giveUp = undefined;
    this.#current = undefined;
  }

  /** Stops everything (final response sent, dialog ended). */
  stop(): void {
    this.#clear();
    this.#queue.length = 0;
  }
}
