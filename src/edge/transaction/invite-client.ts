// INVITE client transaction (RFC 3261 §17.1.1, with the Accepted state of
// RFC 6026 §7.2 so retransmitted 2xx reach the TU, which re-sends its ACK).
//
//   Calling --1xx--> Proceeding --2xx--> Accepted --Timer M--> Terminated
//      |                 |       --300-699 (ACK sent)--> Completed --Timer D--> Terminated
//      +--Timer B (timeout) / transport error--> Terminated

import type { SipMessage } from '../sip/index.ts';
import type { TimerValues } from './timers.ts';
import { timerD, transactionTimeout } from './timers.ts';
import type { ClientTransactionUser, SendBytes } from './transaction.ts';
import { Transaction } from './transaction.ts';

export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

/** A UA's guard for a peer that sends 1xx and never a final: give up after 3 minutes (Timer C's value, §16.6). */
const PROCEEDING_LIMIT_MS = 180_000;

export interface InviteClientOptions {
  key: string;
  reliable: boolean;
  timers: TimerValues;
  send: SendBytes;
  request: Buffer;
  user: ClientTransactionUser;
  /** Builds the ACK for a non-2xx final (§17.1.1.3). */
  buildAck: (res: SipMessage) => Buffer;
  onTerminate: () => void;
}

export class InviteClientTransaction extends Transaction {
  state: InviteClientState = 'calling';
  readonly request: Buffer;
  readonly #user: ClientTransactionUser;
  readonly #buildAck: (res: SipMessage) => Buffer;
  readonly #onTerminate: () => void;
  #ack: Buffer | undefined;

  constructor(o: InviteClientOptions) {
    super(o.key, o.reliable, o.timers, o.send);
    this.request = o.request;
    this.#user = o.user;
    this.#buildAck = o.buildAck;
    this.#onTerminate = o.onTerminate;
  }

  start(): void {
    this.sendBytes(this.request);
    // Timer A doubles without the T2 cap for INVITE (§17.1.1.2).
    this.retransmit(this.request, this.timers.t1, Number.POSITIVE_INFINITY);
    this.timeout(transactionTimeout(this.timers), () => this.#fail());
  }

  receive(res: SipMessage): void {
    const status = res.status;
    switch (this.state) {
      case 'calling':
      case 'proceeding':
        if (status < 200) {
          if (this.state === 'calling') {
            this.stopRetransmit();
            this.timeout(PROCEEDING_LIMIT_MS, () => this.#fail());
          }
          this.state = 'proceeding';
          this.#user.onResponse(res);
        } else if (status < 300) {
          this.state = 'accepted';
          this.stopRetransmit();
          this.timeout(transactionTimeout(this.timers), () => this.terminate());
          this.#user.onResponse(res);
        } else {
          this.state = 'completed';
          this.stopRetransmit();
          this.#ack = this.#buildAck(res);
          this.sendBytes(this.#ack);
          this.#user.onResponse(res);
          this.timeout(timerD(this.reliable), () => this.terminate());
        }
        return;
      case 'completed':
        // A retransmitted final: ACK it again, the TU has seen it (§17.1.1.2).
        if (status >= 300 && this.#ack !== undefined) this.sendBytes(this.#ack);
        return;
      case 'accepted':
        // Retransmitted or forked 2xx go to the TU, which ACKs them (RFC 6026 §7.2).
        if (status >= 200 && status < 300) this.#user.onResponse(res);
        return;
      case 'terminated':
        return;
    }
  }

  /** Timer B: no final in time; the TU reports a 408. */
  #fail(): void {
    if (this.state !== 'calling' && this.state !== 'proceeding') return;
    this.terminate();
    this.#user.onTimeout();
  }

  transportError(err: Error): void {
    if (this.state !== 'calling' && this.state !== 'proceeding') return;
    this.terminate();
    this.#user.onTransportError(err);
  }

  protected onTerminate(): void {
    this.state = 'terminated';
    this.#onTerminate();
    this.#user.onTerminated?.();
  }
}
