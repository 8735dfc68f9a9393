// Dialog state (RFC 3261 §12): identity, sequence numbers, remote target and
// route set, for dialogs where the edge is UAS (§12.1.1) or UAC (§12.1.2).
// The id is drachtio's `<Call-ID>;from-tag=<From tag of the dialog-creating
// request>`, which drachtio-srf hard-codes.

import type { InviteServerTransaction } from '../transaction/index.ts';
import type { Flow, Target } from '../transport/types.ts';
import type { ReliableProvisionals } from './prack.ts';

export type DialogRole = 'uas' | 'uac';
export type DialogState = 'early' | 'confirmed' | 'terminated';

export function dialogId(callId: string, fromTag: string): string {
  return `${callId};from-tag=${fromTag}`;
}

/** An INVITE we answered with 2xx and whose ACK we wait for (UAS side, §13.3.1.4). */
export interface AwaitingAck {
  txn: InviteServerTransaction;
  /** Wire txnId the ACK is delivered under (the INVITE's for the initial INVITE, else fresh). */
  txnId: string | undefined;
}

export interface DialogInit {
  role: DialogRole;
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Full From (UAC) or To (UAS) header value of our side, tag included. */
  localHeader: string;
  /** Full header value of the peer's side, tag included once known. */
  remoteHeader: string;
  localSeq: number;
  remoteSeq: number;
  remoteTarget: string;
  routeSet: string[];
  localContact: string;
  flow: Flow;
  state: DialogState;
}

export class Dialog {
  readonly id: string;
  readonly role: DialogRole;
  readonly callId: string;
  readonly localTag: string;
  remoteTag: string;
  localHeader: string;
  remoteHeader: string;
  localSeq: number;
  /** -1 until the peer sends a request in the dialog (§12.1.2). */
  remoteSeq: number;
  remoteTarget: string;
  routeSet: string[];
  localContact: string;
  /** Where the dialog-creating message came from or went: in-dialog requests reuse it (NAT, connections). */
  flow: Flow;
  state: DialogState;
  /** The wire txnId of the dialog-creating INVITE (ACK to its 2xx and early UPDATEs carry it). */
  inviteTxnId = '';
  /** CSeq number of our latest INVITE in this dialog (UAC: the ACK reuses it, §13.2.2.4). */
  inviteSeq = 0;
  /** UAC: the ACK we sent for the latest 2xx, re-sent when the 2xx is retransmitted. */
  lastAck: { seq: number; bytes: Buffer; target: Target } | undefined;
  /** UAS: INVITEs answered 2xx and not yet ACKed, by CSeq number. */
  readonly awaitingAck = new Map<number, AwaitingAck>();
  /** UAS: an INVITE in this dialog is still being answered (a second one gets 491/500, §14.2). */
  inviteInProgress = false;
  /** UAS reliable provisionals (RFC 3262 §3) and, as UAC, the last RSeq seen per §4. */
  reliable: ReliableProvisionals | undefined;
  lastRSeq = -1;
  /** True once a BYE went out or came in: the dialog ends when it completes. */
  ending = false;

  constructor(init: DialogInit) {
    this.role = init.role;
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.id = dialogId(init.callId, init.role === 'uas' ? init.remoteTag : init.localTag);
    this.localHeader = init.localHeader;
    this.remoteHeader = init.remoteHeader;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.localContact = init.localContact;
    this.flow = init.flow;
    this.state = init.state;
  }

  /** The From and To header values of a request we send in this dialog (§12.2.1.1). */
  get fromHeader(): string {
    return this.localHeader;
  }

  get toHeader(): string {
    return this.remoteHeader;
  }
}

/** Dialogs by id, plus the lookup of an incoming in-dialog request by its tags. */
export class DialogTable {
  readonly #byId = new Map<string, Dialog>();
  readonly #byCallId = new Map<string, Dialog>();

  get(id: string): Dialog | undefined {
    return this.#byId.get(id);
  }

  add(d: Dialog): void {
    this.#byId.set(d.id, d);
    this.#byCallId.set(d.callId, d);
  }

  delete(d: Dialog): void {
    if (this.#byId.get(d.id) === d) this.#byId.delete(d.id);
    if (this.#byCallId.get(d.callId) === d) this.#byCallId.delete(d.callId);
  }

  /** A live dialog with this Call-ID (drachtio sends an app's new request carrying it inside that dialog). */
  byCallId(callId: string): Dialog | undefined {
    const d = this.#byCallId.get(callId);
    return d !== undefined && d.state !== 'terminated' ? d : undefined;
  }

  /**
   * The dialog of a request received with this Call-ID, From tag and To tag:
   * as UAS the peer's From tag names it, as UAC our own tag (the request's To tag).
   */
  matchRequest(callId: string, fromTag: string, toTag: string): Dialog | undefined {
    const asUas = this.#byId.get(dialogId(callId, fromTag));
    if (asUas !== undefined && asUas.role === 'uas' && asUas.localTag === toTag) return asUas;
    const asUac = this.#byId.get(dialogId(callId, toTag));
    if (asUac !== undefined && asUac.role === 'uac' && asUac.remoteTag === fromTag) return asUac;
    return undefined;
  }

  get size(): number {
    return this.#byId.size;
  }

  all(): IterableIterator<Dialog> {
    return this.#byId.values();
  }
}
