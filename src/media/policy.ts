/**
 * The media policy of one call leg: the compiled `media { … }` record of a trunk
 * or rule effect (dsl/ir.ts IrMediaPolicy) plus the SBC-side extras that come
 * from configuration (`media.trunks.<name>` in docs/config.md).
 */
import type { IrMediaPolicy } from '../../dsl/ir.ts';

/** SDES suites the SBC lets an operator allow per trunk (RFC 4568, RFC 7714). */
export const SRTP_SUITES = [
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'AEAD_AES_256_GCM',
] as const;
export type SrtpSuite = (typeof SRTP_SUITES)[number];

/**
 * Every suite rtpengine 10.5 may offer by itself; the ones a trunk does not allow
 * are switched off with `SDES: ['no-<suite>']` so its offers carry only allowed lines.
 */
export const RTPENGINE_SDES_SUITES = [
  'AEAD_AES_256_GCM',
  'AEAD_AES_128_GCM',
  'AES_256_CM_HMAC_SHA1_80',
  'AES_256_CM_HMAC_SHA1_32',
  'AES_192_CM_HMAC_SHA1_80',
  'AES_192_CM_HMAC_SHA1_32',
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'F8_128_HMAC_SHA1_80',
  'F8_128_HMAC_SHA1_32',
  'NULL_HMAC_SHA1_80',
  'NULL_HMAC_SHA1_32',
] as const;

export interface SdpAttributePolicy {
  /** Strict mode (Teams: "strict rules on a= lines"): only these a= names survive, session and media level. */
  allow?: string[];
  /** These a= names are removed (applied after `allow`). */
  remove?: string[];
}

export interface LegMediaPolicy extends IrMediaPolicy {
  /** SDES suites allowed on this leg, in preference order; default: all of SRTP_SUITES. */
  srtpSuites?: SrtpSuite[];
  /** a= line filtering of the SDP sent toward this leg. */
  attributes?: SdpAttributePolicy;
  /** Rewrite o=/c= (and drop ICE candidates) so the far end sees only the SBC (default true). */
  hideTopology?: boolean;
}

/** The media policy of a whole call: one policy per leg, and whether media bypasses rtpengine. */
export interface CallMediaPolicy {
  /** The leg toward the party that sent the first offer (the caller, for an INVITE with SDP). */
  offerer: LegMediaPolicy;
  /** The leg toward the party that answers. */
  answerer: LegMediaPolicy;
  /** Media flows end to end, SDP passes through untouched by rtpengine (trunk pair policy). */
  bypass?: boolean;
}

/** A strict a= allow-list that meets the Teams SBC SDP rules (RFC 3264/4566/4568/3551 attributes only). */
export const STRICT_ATTRIBUTES: readonly string[] = [
  'rtpmap',
  'fmtp',
  'ptime',
  'maxptime',
  'crypto',
  'sendrecv',
  'sendonly',
  'recvonly',
  'inactive',
  'rtcp',
  'rtcp-mux',
];

/** rtpengine codec names for the language's Codec enum (dsl/types.ts). */
const CODEC_NAMES: Record<string, string> = {
  opus: 'opus',
  G722: 'G722',
  PCMU: 'PCMU',
  PCMA: 'PCMA',
  G729: 'G729',
  AMR: 'AMR',
  AMR_WB: 'AMR-WB',
  iLBC: 'iLBC',
  telephone_event: 'telephone-event',
  CN: 'CN',
};

/** The canonical (rtpengine/SDP rtpmap) name of a codec given in policy or SDP, e.g. `telephone_event` → `telephone-event`. */
export function canonicalCodec(name: string): string {
  const direct = CODEC_NAMES[name];
  if (direct) return direct;
  const lower = name.toLowerCase();
  for (const canonical of Object.values(CODEC_NAMES)) if (canonical.toLowerCase() === lower) return canonical;
  return name;
}

/** Codecs that are not voice: they never count as the "common codec" of a call. */
export function isAuxiliaryCodec(canonical: string): boolean {
  return canonical === 'telephone-event' || canonical === 'CN';
}

/** Codecs rtpengine 10.5 here can transcode to and from (measured; see ../shared/notes-rtpengine.md). */
export const TRANSCODABLE = new Set([
  'opus',
  'G722',
  'PCMU',
  'PCMA',
  'G729',
  'speex',
  'GSM',
  'AMR',
  'AMR-WB',
]);
