// The transaction tables: server transactions by their §17.2.3 key, client
// transactions by their §17.1.3 key. The state machines remove themselves
// when they terminate.

import type { SipMessage } from '../sip/index.ts';
import type { InviteClientOptions } from './invite-client.ts';
import { InviteClientTransaction } from './invite-client.ts';
import type { InviteServerOptions } from './invite-server.ts';
import { InviteServerTransaction } from './invite-server.ts';
import { responseKey } from './matching.ts';
import type { NonInviteClientOptions } from './non-invite-client.ts';
import { NonInviteClientTransaction } from './non-invite-client.ts';
import type { NonInviteServerOptions } from './non-invite-server.ts';
import { NonInviteServerTransaction } from './non-invite-server.ts';

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;

export class TransactionLayer {
  readonly server = new Map<string, ServerTransaction>();
  readonly client = new Map<string, ClientTransaction>();

  createServer(o: InviteServerOptions | NonInviteServerOptions): ServerTransaction {
    const onTerminated = o.user.onTerminated;
    const user = {
      ...o.user,
      onTerminated: () => {
        if (this.server.get(o.key) === txn) this.server.delete(o.key);
        onTerminated();
      },
    };
    const txn =
      o.request.method === 'INVITE'
        ? new InviteServerTransaction({ ...o, user })
        : new NonInviteServerTransaction({ ...o, user });
    this.server.set(o.key, txn);
    return txn;
  }

  createInviteClient(o: Omit<InviteClientOptions, 'onTerminate'>): InviteClientTransaction {
    const txn = new InviteClientTransaction({ ...o, onTerminate: () => this.#forgetClient(o.key, txn) });
    this.client.set(o.key, txn);
    return txn;
  }

  createNonInviteClient(o: Omit<NonInviteClientOptions, 'onTerminate'>): NonInviteClientTransaction {
    const txn = new NonInviteClientTransaction({ ...o, onTerminate: () => this.#forgetClient(o.key, txn) });
    this.client.set(o.key, txn);
    return txn;
  }

  #forgetClient(key: string, txn: ClientTransaction): void {
    if (this.client.get(key) === txn) this.client.delete(key);
  }

  /** The client transaction a response belongs to (§17.1.3), if any. */
  matchResponse(res: SipMessage): ClientTransaction | undefined {
    const key = responseKey(res);
    return key === null ? undefined : this.client.get(key);
  }

  get size(): { server: number; client: number } {
    return { server: this.server.size, client: this.client.size };
  }

  /** Stops every timer (edge shutdown). */
  clear(): void {
    for (const t of [...this.server.values()]) t.terminate();
    for (const t of [...this.client.values()]) t.terminate();
  }
}
