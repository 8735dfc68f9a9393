/**
 * The seam between a call and the media layer (src/media): anchoring is asked
 * for at offer and answer, and the session is deleted on every way a call
 * ends. A call whose trunks have no media policy and whose rules set none
 * keeps its SDP end to end.
 */
import type { IrMediaPolicy } from '../../../dsl/index.ts';

/** A party of the call: the caller (inbound leg) or the callee (outbound leg). */
export type OfferSide = 'caller' | 'callee';

export type DtmfMode = NonNullable<IrMediaPolicy['dtmf']>;

export interface CallMedia {
  /**
   * Rewrites one side's offer for the other side. An offer from the callee (a re-INVITE or UPDATE
   * it sent) goes to rtpengine as from the callee's tag, with the legs' policies swapped.
   */
  offer(sdp: string, from?: OfferSide): Promise<string>;
  /** Rewrites the answer to the latest offer for the side that offered; `toTag` is the answerer's tag. */
  answer(sdp: string, toTag: string): Promise<string>;
  /**
   * An offer on the caller's behalf for a caller that sent none (late offer) toward a trunk that
   * needs one (`early_offer`): a placeholder built from the legs' policies, anchored by rtpengine.
   */
  placeholderOffer(): Promise<string>;
  /**
   * The late-offer caller's answer arrived in its ACK, for a call whose far end already answered
   * the offer made on the caller's behalf: the caller's side in rtpengine gets its real address and
   * codecs, held to the codec the far end chose (transcoded when the caller lacks it and policy
   * allows, RFC 3264 §5 leaves no room to renegotiate in the ACK).
   */
  completeLateOffer(callerAnswer: string, farAnswer: string, farTag: string): Promise<void>;
  /** The caller's leg asks for a local ringback tone (`ringback: inject`) rather than the far end's. */
  readonly injectsRingback: boolean;
  /**
   * The callee rings without early media: answers the caller on its behalf and plays the ringback
   * tone toward the caller. Resolves to the SDP for the early-media provisional to the caller.
   */
  startRingback(calleeTag: string): Promise<string>;
  /** Stops an injected ringback tone (no-op when none plays). Never throws. */
  stopRingback(): Promise<void>;
  /** Each party's DTMF method as its leg's policy says (undefined: whatever the SDP carries). */
  readonly dtmf: Record<OfferSide, DtmfMode | undefined>;
  /** Injects a digit as an RFC 4733 event toward a party (a SIP INFO digit from the other party). */
  sendDigit(toward: OfferSide, digit: string, durationMs: number): Promise<void>;
  /** Digits rtpengine saw in the media, by the party that sent them. Returns an unsubscribe function. */
  onDigit(listener: (from: OfferSide, digit: string, durationMs: number) => void): () => void;
  delete(): Promise<void>;
}

export interface MediaOpen {
  inbound: IrMediaPolicy | undefined;
  outbound: IrMediaPolicy | undefined;
  inboundTrunk: string;
  outboundTrunk: string;
  /** The caller's From tag (rtpengine's from-tag). */
  fromTag: string;
  /** Open a session even without any policy (a late-offer caller toward an `early_offer` trunk). */
  force?: boolean;
}

export interface MediaBridge {
  /**
   * A media session for this call, or undefined when neither leg has a media policy.
   * Throws the media layer's typed errors (MediaUnavailable → 503).
   */
  open(callId: string, policies: MediaOpen): CallMedia | undefined;
}
