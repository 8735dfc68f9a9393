/**
 * The heart of the media layer: a pure mapping from the two legs' media policies
 * and the SDP a party sent to the ng-protocol parameters of rtpengine's `offer`
 * and `answer`, plus the SDP edits made before rtpengine sees it. No I/O here,
 * so every decision is unit-tested (test/media/policy-to-ng.test.ts).
 *
 * Vocabulary: the *offerer* leg sent the SDP offer, the *answerer* leg receives
 * rtpengine's rewritten offer and sends the answer.
 */
import { MediaPolicyError } from './errors.ts';
import {
  type CallMediaPolicy,
  canonicalCodec,
  isAuxiliaryCodec,
  type LegMediaPolicy,
  RTPENGINE_SDES_SUITES,
  SRTP_SUITES,
  TRANSCODABLE,
} from './policy.ts';
import {
  type AudioSummary,
  reorderCodecs,
  type Sdp,
  serializeSdp,
  summarizeAudio,
  trimCrypto,
} from './sdp.ts';

/** The subset of rtpengine ng offer/answer parameters this layer sets. */
export interface NgParams {
  'transport-protocol'?: 'RTP/AVP' | 'RTP/SAVP';
  SDES?: string[];
  OSRTP?: string[];
  DTLS?: 'off';
  ICE?: 'remove';
  replace?: string[];
  codec?: { strip?: string[]; mask?: string[]; transcode?: string[] };
  ptime?: number;
  flags?: string[];
}

export interface OfferPlan {
  /** The offer as rtpengine must receive it (crypto lines trimmed, codecs reordered). */
  sdp: string;
  params: NgParams;
  /** Voice codecs the answerer leg is offered, in preference order. */
  towardAnswerer: string[];
  /** True when no codec is common and rtpengine transcodes. */
  transcoding: boolean;
  /** DTMF must be injectable (SIP INFO on a leg): `inject DTMF` is set on offer and answer. */
  injectDtmf: boolean;
}

export interface AnswerPlan {
  sdp: string;
  params: NgParams;
}

const TE = 'telephone-event';

function allowedSuites(leg: LegMediaPolicy): readonly string[] {
  return leg.srtpSuites ?? SRTP_SUITES;
}

/** `SDES: ['no-<suite>']` for every suite rtpengine knows that the leg does not allow. */
export function sdesFlags(leg: LegMediaPolicy): string[] {
  const allowed = allowedSuites(leg);
  return RTPENGINE_SDES_SUITES.filter((suite) => !allowed.includes(suite)).map((suite) => `no-${suite}`);
}

/** Voice codecs of a leg's policy, canonical names, minus its strip list; undefined = no restriction. */
function policyCodecs(leg: LegMediaPolicy): string[] | undefined {
  const strip = new Set((leg.strip ?? []).map(canonicalCodec));
  return leg.codecs?.map(canonicalCodec).filter((c) => !isAuxiliaryCodec(c) && !strip.has(c));
}

function stripped(leg: LegMediaPolicy): Set<string> {
  return new Set((leg.strip ?? []).map(canonicalCodec));
}

/** Transcoding only when one leg allows it and neither forbids it (issue 8 item 3: "only when policy allows"). */
export function transcodeAllowed(policy: CallMediaPolicy): boolean {
  const { offerer, answerer } = policy;
  if (offerer.transcode === false || answerer.transcode === false) return false;
  return offerer.transcode === true || answerer.transcode === true;
}

function carriesTelephoneEvent(leg: LegMediaPolicy): boolean | undefined {
  if (leg.dtmf === undefined) return undefined;
  return leg.dtmf === 'rfc2833';
}

/** The SRTP policy of the offerer's leg checked against what it offered (RFC 4568, RFC 8643). */
function checkOffererSrtp(leg: LegMediaPolicy, audio: AudioSummary, suitesLeft: number): void {
  if (leg.srtp === 'required' && (!audio.srtp || suitesLeft === 0)) {
    throw new MediaPolicyError(
      audio.srtp ? 'no offered SRTP crypto suite is allowed on this trunk' : 'SRTP is required on this trunk',
    );
  }
  if (leg.srtp === 'off' && audio.proto.includes('SAVP'))
    throw new MediaPolicyError('SRTP is not accepted on this trunk');
  if (audio.proto.includes('SAVP') && suitesLeft === 0) {
    throw new MediaPolicyError('no offered SRTP crypto suite is allowed on this trunk');
  }
}

function towardTransport(leg: LegMediaPolicy, params: NgParams): void {
  params.DTLS = 'off';
  if (leg.srtp === 'required') params['transport-protocol'] = 'RTP/SAVP';
  else if (leg.srtp === 'off') params['transport-protocol'] = 'RTP/AVP';
  else if (leg.srtp === 'optional') {
    // Best-effort SRTP: plain RTP/AVP carrying a=crypto (opportunistic SRTP, RFC 8643).
    params['transport-protocol'] = 'RTP/AVP';
    params.OSRTP = ['offer'];
  }
  if (leg.srtp !== 'off') {
    const sdes = sdesFlags(leg);
    if (sdes.length > 0) params.SDES = sdes;
  }
}

function topology(leg: LegMediaPolicy, params: NgParams): void {
  if (leg.hideTopology === false) return;
  params.ICE = 'remove';
  params.replace = ['origin', 'session-connection'];
}

function addCodecList(params: NgParams, key: 'strip' | 'mask' | 'transcode', names: string[]): void {
  if (names.length === 0) return;
  params.codec ??= {};
  const list = params.codec[key] ?? [];
  for (const name of names) if (!list.includes(name)) list.push(name);
  params.codec[key] = list;
}

function addFlag(params: NgParams, flag: string): void {
  params.flags ??= [];
  if (!params.flags.includes(flag)) params.flags.push(flag);
}

/** Decides codecs (item 3), DTMF (item 5), CN (item 6), ptime (item 4) and SRTP (item 2) for an offer. */
export function planOffer(offered: Sdp, policy: CallMediaPolicy): OfferPlan {
  const { offerer, answerer } = policy;
  const before = summarizeAudio(offered);
  if (!before) throw new MediaPolicyError('the offer has no active audio stream');
  trimCrypto(offered, allowedSuites(offerer));
  const audio = summarizeAudio(offered) as AudioSummary;
  checkOffererSrtp(offerer, audio, audio.cryptoSuites.length);

  const params: NgParams = {};
  const offeredNames = audio.codecs.map((c) => c.name);
  const offeredVoice = [...new Set(offeredNames.filter((n) => !isAuxiliaryCodec(n)))];
  const offererAllowed = policyCodecs(offerer);
  const offererStrip = stripped(offerer);
  const acceptable = offeredVoice.filter(
    (c) => !offererStrip.has(c) && (offererAllowed === undefined || offererAllowed.includes(c)),
  );
  if (acceptable.length === 0)
    throw new MediaPolicyError('none of the offered codecs is allowed on this trunk');

  const answererStrip = stripped(answerer);
  const wanted = (policyCodecs(answerer) ?? acceptable).filter((c) => !answererStrip.has(c));
  const common = wanted.filter((c) => acceptable.includes(c));
  let towardAnswerer: string[];
  let transcoding = false;
  if (common.length > 0) {
    towardAnswerer = common;
    addCodecList(
      params,
      'strip',
      offeredVoice.filter((c) => !common.includes(c)),
    );
    reorderCodecs(offered, common);
  } else if (transcodeAllowed(policy)) {
    const targets = wanted.filter((c) => TRANSCODABLE.has(c));
    if (targets.length === 0 || !acceptable.some((c) => TRANSCODABLE.has(c))) {
      throw new MediaPolicyError('no common codec and none that can be transcoded');
    }
    transcoding = true;
    towardAnswerer = targets;
    // mask: the offerer keeps its codecs (rtpengine decodes them), the answerer never sees them.
    addCodecList(
      params,
      'strip',
      offeredVoice.filter((c) => !acceptable.includes(c)),
    );
    addCodecList(params, 'mask', acceptable);
    addCodecList(params, 'transcode', targets);
  } else {
    throw new MediaPolicyError('no common codec and transcoding is not allowed');
  }

  // telephone-event and CN named in a strip list are removed like any codec.
  const auxStripped = [TE, 'CN'].filter(
    (c) => offeredNames.includes(c) && (offererStrip.has(c) || answererStrip.has(c)),
  );
  addCodecList(params, 'strip', auxStripped);
  const offers = (c: string) => offeredNames.includes(c) && !auxStripped.includes(c);
  const injectDtmf = planDtmf(offerer, answerer, offers(TE), params);
  planComfortNoise(offerer, answerer, offers('CN'), params);
  const ptime =
    answerer.ptimeMs ??
    (answerer.maxptimeMs && (audio.ptimeMs ?? 20) > answerer.maxptimeMs ? answerer.maxptimeMs : undefined);
  if (ptime !== undefined) params.ptime = ptime;
  towardTransport(answerer, params);
  topology(answerer, params);
  return { sdp: serializeSdp(offered), params, towardAnswerer, transcoding, injectDtmf };
}

/**
 * RFC 4733 telephone-event per leg: pass through when both legs carry it; strip it
 * from a leg whose policy is not rfc2833; have rtpengine generate it (from inband
 * tones or injected digits) toward an rfc2833 leg whose peer does not send it.
 */
function planDtmf(
  offerer: LegMediaPolicy,
  answerer: LegMediaPolicy,
  offeredTe: boolean,
  params: NgParams,
): boolean {
  const offererTe = carriesTelephoneEvent(offerer) ?? offeredTe;
  const answererTe = carriesTelephoneEvent(answerer) ?? offeredTe;
  const offererSends = offeredTe && offererTe;
  if (offeredTe && !offererTe) addCodecList(params, 'strip', [TE]);
  else if (offererSends && !answererTe) {
    // Keep telephone-event on the offerer's side although the answerer never sees it:
    // rtpengine then consumes (and reports) the events; measured: without `always
    // transcode` it drops telephone-event from the answer to the offerer.
    addCodecList(params, 'mask', [TE]);
    addFlag(params, 'always transcode');
  }
  if (answererTe && !offererSends) addCodecList(params, 'transcode', [TE]);
  const inject = offerer.dtmf === 'info' || answerer.dtmf === 'info';
  if (inject) addFlag(params, 'inject DTMF');
  if (
    (offerer.dtmf === 'inband' && answerer.dtmf === 'info') ||
    (answerer.dtmf === 'inband' && offerer.dtmf === 'info')
  ) {
    addFlag(params, 'detect DTMF');
  }
  return inject;
}

/**
 * Comfort noise (RFC 3389) toward a leg that requires it (Teams), even when the
 * other side has none: offered to the answerer by rtpengine, or kept in the answer
 * to the offerer by letting rtpengine handle CN on that side (measured: a masked CN
 * stays in the answer only with `always transcode`).
 */
function planComfortNoise(
  offerer: LegMediaPolicy,
  answerer: LegMediaPolicy,
  offeredCn: boolean,
  params: NgParams,
): void {
  if (answerer.comfortNoise === true && !offeredCn) addCodecList(params, 'transcode', ['CN']);
  if (answerer.comfortNoise === false && offeredCn) addCodecList(params, 'strip', ['CN']);
  if (offerer.comfortNoise === true && offeredCn && answerer.comfortNoise !== true) {
    addCodecList(params, 'mask', ['CN']);
    addFlag(params, 'always transcode');
  }
}

/** Checks the answer against the answerer leg's policy and maps it to ng `answer` parameters. */
export function planAnswer(answered: Sdp, policy: CallMediaPolicy, offer: OfferPlan): AnswerPlan {
  const { offerer, answerer } = policy;
  const audio = summarizeAudio(answered);
  if (!audio) throw new MediaPolicyError('the answer rejects the audio stream');
  if (answerer.srtp === 'required' && !audio.srtp)
    throw new MediaPolicyError('SRTP is required on this trunk');
  if (answerer.srtp === 'off' && audio.proto.includes('SAVP'))
    throw new MediaPolicyError('SRTP is not accepted on this trunk');
  const allowed = allowedSuites(answerer);
  const badSuite = audio.cryptoSuites.find((s) => !allowed.includes(s));
  if (audio.proto.includes('SAVP') && badSuite !== undefined) {
    throw new MediaPolicyError(`answered crypto suite ${badSuite} is not allowed on this trunk`);
  }
  const voice = audio.codecs.map((c) => c.name).filter((n) => !isAuxiliaryCodec(n));
  if (!voice.some((c) => offer.towardAnswerer.includes(c))) {
    throw new MediaPolicyError('the answer contains none of the offered codecs');
  }
  const params: NgParams = {};
  if (offerer.ptimeMs !== undefined) params.ptime = offerer.ptimeMs;
  if (offer.injectDtmf) addFlag(params, 'inject DTMF');
  params.DTLS = 'off';
  if (offerer.srtp !== 'off') {
    const sdes = sdesFlags(offerer);
    if (sdes.length > 0) params.SDES = sdes;
  }
  topology(offerer, params);
  return { sdp: serializeSdp(answered), params };
}
