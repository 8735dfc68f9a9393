// Non-INVITE server transaction (RFC 3261 §17.2.2).
//
//   Trying --1xx--> Proceeding --200-699--> Completed --Timer J--> Terminated

import type { SipMessage } from '../sip/index.ts';
import type { TimerValues } from './timers.ts';
import { transactionTimeout } from './timers.ts';
import type { SendBytes, ServerTransactionUser } from './transaction.ts';
import { Transaction } from './transaction.ts';

export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export interface NonInviteServerOptions {
  key: string;
  reliable: boolean;
  timers: TimerValues;
  send: SendBytes;
  request: SipMessage;
  user: ServerTransactionUser;
}

export class NonInviteServerTransaction extends Transaction {
  state: NonInviteServerState = 'trying';
  lastStatus = 0;
  #last: Buffer | undefined;
  readonly #user: ServerTransactionUser;

  constructor(o: NonInviteServerOptions) {
    super(o.key, o.reliable, o.timers, o.send);
    this.#user = o.user;
  }

  get answered(): boolean {
    return this.lastStatus >= 200;
  }

  /** A retransmission of the request: answered with the last response, if any (§17.2.2). */
  receiveRequest(_msg: SipMessage): boolean {
    if (this.state !== 'trying' && this.#last !== undefined) this.sendBytes(this.#last);
    return true;
  }

  respond(data: Buffer, status: number): void {
    if (this.state === 'completed' || this.state === 'terminated') return;
    this.lastStatus = status;
    this.#last = data;
    this.sendBytes(data);
    if (status < 200) {
      this.state = 'proceeding';
      return;
    }
    this.state = 'completed';
    // Timer J: 64·T1 over unreliable transports to answer retransmissions, 0 otherwise.
    this.timeout(this.reliable ? 0 : transactionTimeout(this.timers), () => this.terminate());
  }

  protected onTerminate(): void {
    this.state = 'terminated';
    this.#user.onTerminated();
  }
}
