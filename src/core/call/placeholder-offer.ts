/**
 * The SDP offer the SBC makes for a caller that sent none (late offer, RFC 3261
 * §13.2.1) when the target trunk needs an offer in the INVITE (Zoom answers 488
 * to an INVITE without SDP, seeds/003). It stands for the caller's side in
 * rtpengine until the caller's answer arrives in its ACK: codecs and ptime come
 * from the outbound leg's policy (else the inbound one's, else G.711), SRTP from
 * what the inbound leg requires. Its address is the discard port (RFC 863 / 9)
 * on loopback, so nothing reaches anyone before the caller's real address is known.
 */
import { randomBytes } from 'node:crypto';
import type { LegMediaPolicy } from '../../media/index.ts';

/** Payload type and rtpmap of each codec the language names (RFC 3551 static types, then dynamic ones). */
const RTPMAP: Record<string, { pt: number; map: string }> = {
  PCMU: { pt: 0, map: 'PCMU/8000' },
  PCMA: { pt: 8, map: 'PCMA/8000' },
  G722: { pt: 9, map: 'G722/8000' },
  G729: { pt: 18, map: 'G729/8000' },
  opus: { pt: 111, map: 'opus/48000/2' },
  AMR: { pt: 96, map: 'AMR/8000' },
  AMR_WB: { pt: 97, map: 'AMR-WB/16000' },
  iLBC: { pt: 98, map: 'iLBC/8000' },
  CN: { pt: 13, map: 'CN/8000' },
};
const TELEPHONE_EVENT = 101;

export function placeholderOffer(inbound: LegMediaPolicy, outbound: LegMediaPolicy): string {
  const strip = new Set([...(outbound.strip ?? []), ...(inbound.strip ?? [])].map(String));
  const wanted = (outbound.codecs ?? inbound.codecs ?? ['PCMU', 'PCMA']).map(String);
  const codecs = wanted.filter((c) => RTPMAP[c] !== undefined && !strip.has(c));
  if (codecs.length === 0) codecs.push('PCMU', 'PCMA');
  const dtmf = outbound.dtmf ?? inbound.dtmf;
  const withEvents = dtmf === undefined || dtmf === 'rfc2833';
  const pts = codecs.map((c) => RTPMAP[c]!.pt);
  if (withEvents) pts.push(TELEPHONE_EVENT);
  const srtp = inbound.srtp === 'required';
  const lines = [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio 9 ${srtp ? 'RTP/SAVP' : 'RTP/AVP'} ${pts.join(' ')}`,
    ...codecs.map((c) => `a=rtpmap:${RTPMAP[c]!.pt} ${RTPMAP[c]!.map}`),
  ];
  if (codecs.includes('opus')) lines.push('a=fmtp:111 useinbandfec=1');
  if (withEvents)
    lines.push(`a=rtpmap:${TELEPHONE_EVENT} telephone-event/8000`, `a=fmtp:${TELEPHONE_EVENT} 0-16`);
  const ptime = outbound.ptimeMs ?? inbound.ptimeMs;
  if (ptime !== undefined) lines.push(`a=ptime:${ptime}`);
  if (srtp) {
    const suite = inbound.srtpSuites?.[0] ?? 'AES_CM_128_HMAC_SHA1_80';
    const keyBytes = suite === 'AEAD_AES_256_GCM' ? 44 : 30;
    lines.push(`a=crypto:1 ${suite} inline:${randomBytes(keyBytes).toString('base64')}`);
  }
  lines.push('a=sendrecv');
  return `${lines.join('\r\n')}\r\n`;
}
