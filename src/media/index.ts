/** The media layer's public API for the signaling core (see docs/media.md). */
export {
  callPolicy,
  isBypass,
  legPolicy,
  type LegSource,
  type MediaPolicyConfig,
  reversed,
} from './call-policy.ts';
export { type DtmfDigit, digitToEvent, eventToDigit } from './dtmf-events.ts';
export { DTMF_RELAY, formatDtmfRelay, parseDtmfInfo } from './dtmf-relay.ts';
export { BadSdp, MediaPolicyError, MediaUnavailable, RtpengineError, sipStatusFor } from './errors.ts';
export { type MediaHealth, MediaService, type MediaServiceConfig } from './media-service.ts';
export { finishSdp, type Leg, MediaSession, type OfferTags, type SessionState } from './media-session.ts';
export {
  type CallMediaPolicy,
  type LegMediaPolicy,
  SRTP_SUITES,
  type SrtpSuite,
  STRICT_ATTRIBUTES,
} from './policy.ts';
export { type NgParams, planAnswer, planOffer } from './policy-to-ng.ts';
export { parseSdp, serializeSdp, summarizeAudio } from './sdp.ts';
