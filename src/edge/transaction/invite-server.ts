// INVITE server transaction (RFC 3261 §17.2.1, with RFC 6026 §7.1's Accepted
// state). The UAS core's 2xx retransmission until the ACK (§13.3.1.4) lives
// here too, because it ends with the same Timer L.
//
//   Proceeding --2xx--> Accepted --ACK / Timer L--> Terminated
//       +--300-699--> Completed --ACK--> Confirmed --Timer I--> Terminated
//                         +--Timer H (no ACK)--> Terminated

import type { SipMessage } from '../sip/index.ts';
import type { TimerValues } from './timers.ts';
import { transactionTimeout } from './timers.ts';
import type { SendBytes, ServerTransactionUser } from './transaction.ts';
import { Transaction } from './transaction.ts';

export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

export interface InviteServerOptions {
  key: string;
  reliable: boolean;
  timers: TimerValues;
  send: SendBytes;
  request: SipMessage;
  user: ServerTransactionUser;
}

export class InviteServerTransaction extends Transaction {
  state: InviteServerState = 'proceeding';
  /** Status of the last response sent (0 before any). */
  lastStatus = 0;
  #last: Buffer | undefined;
  #acked = false;
  readonly #user: ServerTransactionUser;

  constructor(o: InviteServerOptions) {
    super(o.key, o.reliable, o.timers, o.send);
    this.#user = o.user;
  }

  /** True once a final response went out. */
  get answered(): boolean {
    return this.lastStatus >= 200;
  }

  /** A retransmitted INVITE or the ACK of a non-2xx final; returns true when absorbed here. */
  receiveRequest(msg: SipMessage): boolean {
    if (msg.method === 'ACK') {
      if (this.state === 'completed') {
        this.state = 'confirmed';
        this.stopRetransmit();
        // Timer I: T4 over unreliable transports to absorb ACK retransmissions.
        this.timeout(this.reliable ? 0 : this.timers.t4, () => this.terminate());
      }
      return true;
    }
    if ((this.state === 'proceeding' || this.state === 'completed') && this.#last !== undefined) {
      this.sendBytes(this.#last);
    }
    return true;
  }

  respond(data: Buffer, status: number): void {
    if (this.state !== 'proceeding') return;
    this.lastStatus = status;
    this.#last = data;
    this.sendBytes(data);
    if (status < 200) return;
    const t = this.timers;
    if (status < 300) {
      this.state = 'accepted';
      // §13.3.1.4: the 2xx is retransmitted (T1 doubling to T2) until its ACK.
      this.retransmit(data, t.t1, t.t2);
      this.timeout(transactionTimeout(t), () => {
        if (!this.#acked) this.#user.onTimeout?.();
        this.terminate();
      });
      return;
    }
    this.state = 'completed';
    this.retransmit(data, t.t1, t.t2);
    this.timeout(transactionTimeout(t), () => {
      this.#user.onTimeout?.();
      this.terminate();
    });
  }

  /**
   * A proxy passing a downstream 2xx upstream (RFC 6026 §7.1, RFC 3261 §16.7
   * step 10): sent once, never retransmitted here (the UAS retransmits and the
   * proxy forwards each copy), and no ACK is awaited. The transaction stays in
   * Accepted for 64·T1 (Timer L) to absorb retransmitted INVITEs.
   */
  forwardSuccess(data: Buffer, status: number): void {
    if (this.state !== 'proceeding') return;
    this.lastStatus = status;
    this.#acked = true;
    this.sendBytes(data);
    this.state = 'accepted';
    this.timeout(transactionTimeout(this.timers), () => this.terminate());
  }

  /** The ACK of our 2xx arrived (matched by the dialog): stop retransmitting. */
  ackFor2xx(): void {
    this.#acked = true;
    this.stopRetransmit();
  }

  get acked(): boolean {
    return this.#acked;
  }

  protected onTerminate(): void {
    this.state = 'terminated';
    this.#user.onTerminated();
  }
}
