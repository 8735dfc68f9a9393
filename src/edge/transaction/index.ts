// Transaction layer of the embedded edge (RFC 3261 §17, RFC 6026).

export type { InviteClientState } from './invite-client.ts';
export { InviteClientTransaction } from './invite-client.ts';
export type { InviteServerState } from './invite-server.ts';
export { InviteServerTransaction } from './invite-server.ts';
export type { ClientTransaction, ServerTransaction } from './layer.ts';
export { TransactionLayer } from './layer.ts';
export { clientKey, newBranch, newCallId, newTag, responseKey, serverKey } from './matching.ts';
export { NonInviteClientTransaction } from './non-invite-client.ts';
export { NonInviteServerTransaction } from './non-invite-server.ts';
export type { TimerValues } from './timers.ts';
export { DEFAULT_TIMERS, timerValues } from './timers.ts';
export type { ClientTransactionUser, SendBytes, ServerTransactionUser } from './transaction.ts';
