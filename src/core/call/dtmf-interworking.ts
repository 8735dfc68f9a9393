/**
 * DTMF interworking between SIP INFO and the media (issue: media, item 5; Teams
 * "DTMF interworking between inband tones, RFC2833 telephone event and SIP
 * INFO/NOTIFY signaling", seeds/001). A party whose leg says `dtmf: info`
 * talks DTMF as INFO `application/dtmf-relay`; when the other party's leg does
 * not, its INFO digits are injected into the media as RFC 4733 events (the
 * INFO is answered here, not relayed), and the digits rtpengine sees in the
 * other party's media (RFC 4733 or inband) are sent to it as INFO. Between two
 * `info` legs INFO is relayed like any in-dialog request.
 */
import type { SipMessage } from '../../edge/sip/index.ts';
import { DTMF_RELAY, formatDtmfRelay, parseDtmfInfo } from '../../media/index.ts';
import { bodyText } from '../sip/messages.ts';
import type { SrfResponse } from '../srf-types.ts';
import type { Call } from './call.ts';
import type { OfferSide } from './media-bridge.ts';
import type { CallServices } from './services.ts';

const other = (side: OfferSide): OfferSide => (side === 'caller' ? 'callee' : 'caller');

/** True when DTMF from `from` must cross into the media toward the other party (and not as INFO). */
function infoToMedia(call: Call, from: OfferSide): boolean {
  const dtmf = call.media?.dtmf;
  return dtmf !== undefined && dtmf[from] === 'info' && dtmf[other(from)] !== 'info';
}

/**
 * Handles an INFO from `from` carrying a digit when it must be injected into the media.
 * Returns false when the INFO is not the interworking's (it is then relayed as usual).
 */
export function injectInfoDigit(
  call: Call,
  services: CallServices,
  msg: SipMessage,
  from: OfferSide,
  res: SrfResponse,
): boolean {
  const media = call.media;
  if (!media || msg.method !== 'INFO' || !infoToMedia(call, from)) return false;
  const contentType = msg.get('Content-Type') ?? '';
  const parsed = parseDtmfInfo(contentType, bodyText(msg));
  if (!parsed) {
    // Not a digit (another INFO package, e.g. a SIP INFO for video): relayed as any request.
    return false;
  }
  media
    .sendDigit(other(from), parsed.digit, parsed.durationMs)
    .then(() => {
      services.metrics.edge.outResponse.inc();
      res.send(200);
    })
    .catch((error: unknown) => {
      services.logger.warn({ callId: call.id, err: error }, 'DTMF digit from SIP INFO not injected');
      if (!res.finalResponseSent) res.send(500, 'DTMF Not Delivered');
    });
  return true;
}

/** Sends the digits rtpengine reports from one party as INFO to the other when that party wants INFO. */
export function relayMediaDigits(call: Call, services: CallServices): void {
  const media = call.media;
  if (!media || (media.dtmf.caller !== 'info' && media.dtmf.callee !== 'info')) return;
  const unsubscribe = media.onDigit((from, digit, durationMs) => {
    const to = other(from);
    if (!infoToMedia(call, to) || call.ended) return;
    const dialog = to === 'caller' ? call.uas : call.uac;
    services.metrics.edge.outRequest.inc();
    dialog
      ?.request({
        method: 'INFO',
        headers: { 'Content-Type': DTMF_RELAY },
        body: formatDtmfRelay(digit, durationMs || 100),
      })
      .catch((error: unknown) =>
        services.logger.debug({ callId: call.id, err: error }, 'DTMF INFO not delivered'),
      );
  });
  call.onCleanup(unsubscribe);
}
