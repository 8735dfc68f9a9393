/**
 * The seam between a call and the media layer (src/media): anchoring is asked
 * for at offer and answer, and the session is deleted on every way a call
 * ends. A call whose trunks have no media policy and whose rules set none
 * keeps its SDP end to end.
 */
import type { IrMediaPolicy } from '../../../dsl/index.ts';

export interface CallMedia {
  /** Rewrites the caller's offer for the far leg (or makes an offer for a late-offer caller). */
  offer(sdp: string): Promise<string>;
  /** Rewrites the far end's answer for the caller. */
  answer(sdp: string, toTag: string): Promise<string>;
  delete(): Promise<void>;
}

export interface MediaOpen {
  inbound: IrMediaPolicy | undefined;
  outbound: IrMediaPolicy | undefined;
  inboundTrunk: string;
  outboundTrunk: string;
  /** The caller's From tag (rtpengine's from-tag). */
  fromTag: string;
}

export interface MediaBridge {
  /**
   * A media session for this call, or undefined when neither leg has a media policy.
   * Throws the media layer's typed errors (MediaUnavailable → 503).
   */
  open(callId: string, policies: MediaOpen): CallMedia | undefined;
}
