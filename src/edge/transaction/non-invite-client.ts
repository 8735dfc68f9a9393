// Non-INVITE client transaction (RFC 3261 §17.1.2).
//
//   Trying --1xx--> Proceeding --200-699--> Completed --Timer K--> Terminated
//     +--Timer F (timeout) / transport error--> Terminated

import type { SipMessage } from '../sip/index.ts';
import type { TimerValues } from './timers.ts';
import { transactionTimeout } from './timers.ts';
import type { ClientTransactionUser, SendBytes } from './transaction.ts';
import { Transaction } from './transaction.ts';

export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export interface NonInviteClientOptions {
  key: string;
  reliable: boolean;
  timers: TimerValues;
  send: SendBytes;
  request: Buffer;
  user: ClientTransactionUser;
  onTerminate: () => void;
}

export class NonInviteClientTransaction extends Transaction {
  state: NonInviteClientState = 'trying';
  readonly request: Buffer;
  readonly #user: ClientTransactionUser;
  readonly #onTerminate: () => void;

  constructor(o: NonInviteClientOptions) {
    super(o.key, o.reliable, o.timers, o.send);
    this.request = o.request;
    this.#user = o.user;
    this.#onTerminate = o.onTerminate;
  }

  start(): void {
    this.sendBytes(this.request);
    // Timer E: T1 doubling up to T2 (§17.1.2.2).
    this.retransmit(this.request, this.timers.t1, this.timers.t2);
    this.timeout(transactionTimeout(this.timers), () => this.#fail());
  }

  receive(res: SipMessage): void {
    if (this.state === 'completed' || this.state === 'terminated') return;
    if (res.status < 200) {
      if (this.state === 'trying') {
        // In Proceeding, Timer E fires every T2.
        this.retransmit(this.request, this.timers.t2, this.timers.t2);
        this.state = 'proceeding';
      }
      this.#user.onResponse(res);
      return;
    }
    this.state = 'completed';
    this.stopRetransmit();
    this.#user.onResponse(res);
    // Timer K: T4 over unreliable transports, 0 over reliable ones.
    this.timeout(this.reliable ? 0 : this.timers.t4, () => this.terminate());
  }

  #fail(): void {
    if (this.state === 'completed' || this.state === 'terminated') return;
    this.terminate();
    this.#user.onTimeout();
  }

  transportError(err: Error): void {
    if (this.state === 'completed' || this.state === 'terminated') return;
    this.terminate();
    this.#user.onTransportError(err);
  }

  protected onTerminate(): void {
    this.state = 'terminated';
    this.#onTerminate();
    this.#user.onTerminated?.();
  }
}
