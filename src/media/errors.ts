/**
 * Typed failures of the media layer. The signaling core maps them to SIP:
 * `BadSdp` and `MediaPolicyError` → 488 Not Acceptable Here (with `reason`),
 * `MediaUnavailable` → 503 Service Unavailable, `RtpengineError` → the call
 * fails cleanly (500/503 by the core's choice) with the logged cause.
 */

/** The SDP could not be parsed or is not a usable offer/answer (RFC 4566 / RFC 3264). */
export class BadSdp extends Error {
  readonly sipStatus = 488;
  readonly reason: string;
  constructor(reason: string) {
    super(`bad SDP: ${reason}`);
    this.name = 'BadSdp';
    this.reason = reason;
  }
}

/** The SDP is well formed but the leg's media policy cannot accept it (no common codec, SRTP required…). */
export class MediaPolicyError extends Error {
  readonly sipStatus = 488;
  readonly reason: string;
  constructor(reason: string) {
    super(`media policy: ${reason}`);
    this.name = 'MediaPolicyError';
    this.reason = reason;
  }
}

/** No rtpengine can take the call right now (not started, dead, all endpoints down). */
export class MediaUnavailable extends Error {
  readonly sipStatus = 503;
  readonly reason: string;
  constructor(reason: string) {
    super(`media unavailable: ${reason}`);
    this.name = 'MediaUnavailable';
    this.reason = reason;
  }
}

/** rtpengine's error reasons that mean the SDP it was given is at fault, not rtpengine. */
const SDP_FAULT = /parse|sdp|invalid|incomplete|unsupported|unknown (?:protocol|transport)/i;

/**
 * rtpengine answered a command with an error, or did not answer in time. An offer or answer that
 * rtpengine refuses for its SDP is the peer's fault (488, RFC 3261 §21.4.26); anything else is
 * the SBC's media side failing (503).
 */
export class RtpengineError extends Error {
  readonly command: string;
  readonly reason: string;
  readonly sipStatus: 488 | 503;
  constructor(command: string, reason: string) {
    super(`rtpengine ${command} failed: ${reason}`);
    this.name = 'RtpengineError';
    this.command = command;
    this.reason = reason;
    this.sipStatus = (command === 'offer' || command === 'answer') && SDP_FAULT.test(reason) ? 488 : 503;
  }
}

/** The SIP status the core should answer with for a media-layer failure. */
export function sipStatusFor(error: unknown): { status: number; reason: string } {
  if (error instanceof BadSdp || error instanceof MediaPolicyError)
    return { status: 488, reason: error.reason };
  if (error instanceof MediaUnavailable) return { status: 503, reason: error.reason };
  if (error instanceof RtpengineError)
    return { status: error.sipStatus, reason: `media error: ${error.reason}` };
  return { status: 500, reason: 'internal media error' };
}
