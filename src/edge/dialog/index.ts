// Dialog layer of the embedded edge (RFC 3261 §12, RFC 3262).

export type { AwaitingAck, DialogInit, DialogRole, DialogState } from './dialog.ts';
export { Dialog, DialogTable, dialogId } from './dialog.ts';
export type { RAck } from './prack.ts';
export { parseRAck, ReliableProvisionals } from './prack.ts';
export type { InDialogRouting } from './route-set.ts';
export { inDialogRouting, routeSetFrom } from './route-set.ts';
