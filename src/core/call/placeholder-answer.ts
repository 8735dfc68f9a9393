/**
 * The SDP answer the SBC gives rtpengine on the callee's behalf when the callee
 * rings without early media (180 without SDP) and the caller's leg wants a
 * ringback tone injected (`ringback: inject`; Operator Connect and Teams Phone
 * Mobile need ringback "during call transfer", seeds/004). rtpengine needs an
 * answer before it gives the caller an SDP to hear the tone on. The stand-in
 * answer takes the first codec of the offer sent to the callee (and
 * telephone-event), is `sendonly` (the callee "sends" the tone; the caller's
 * media goes nowhere), and its address is the discard port (RFC 863 / 9) on
 * loopback. The callee's real answer (183 with SDP or 200) replaces it, with the
 * same To tag, as a 200 after a 183 does.
 */
import { randomBytes } from 'node:crypto';
import { parseSdp } from '../../media/index.ts';

export function placeholderAnswer(offerToCallee: string): string {
  const offer = parseSdp(offerToCallee);
  const ipv6 = offer.session.some((l) => l.type === 'c' && l.value.includes('IP6'));
  const address = ipv6 ? 'IN IP6 ::1' : 'IN IP4 127.0.0.1';
  const lines = ['v=0', `o=- ${Date.now()} 1 ${address}`, 's=-', `c=${address}`, 't=0 0'];
  for (const m of offer.media) {
    if (m.media !== 'audio' || m.port === 0) {
      // RFC 3264 §6: every m= line of the offer is answered; streams we do not take are refused.
      lines.push(`m=${m.media} 0 ${m.proto} ${m.formats[0] ?? '0'}`);
      continue;
    }
    const rtpmaps = new Map<string, string>();
    for (const line of m.lines) {
      const found = line.type === 'a' ? /^rtpmap:(\d+) (.+)$/.exec(line.value) : null;
      if (found) rtpmaps.set(found[1]!, found[2]!);
    }
    const isEvent = (pt: string) => /^telephone-event\//i.test(rtpmaps.get(pt) ?? '');
    const voice = m.formats.find((pt) => !isEvent(pt) && !/^CN\//i.test(rtpmaps.get(pt) ?? ''));
    const event = m.formats.find(isEvent);
    const formats = [voice ?? m.formats[0] ?? '0', ...(event ? [event] : [])];
    lines.push(`m=audio 9 ${m.proto} ${formats.join(' ')}`);
    for (const pt of formats) {
      const map = rtpmaps.get(pt);
      if (map) lines.push(`a=rtpmap:${pt} ${map}`);
    }
    if (event) lines.push(`a=fmtp:${event} 0-15`);
    const crypto = m.lines.find((l) => l.type === 'a' && l.value.startsWith('crypto:'));
    if (crypto) {
      // RFC 4568 §5.1.2: the answer picks one offered suite, with its own key.
      const [tag = '1', suite = 'AES_CM_128_HMAC_SHA1_80'] = crypto.value.slice('crypto:'.length).split(' ');
      const keyBytes = suite === 'AEAD_AES_256_GCM' ? 44 : suite === 'AEAD_AES_128_GCM' ? 28 : 30;
      lines.push(`a=crypto:${tag} ${suite} inline:${randomBytes(keyBytes).toString('base64')}`);
    }
    lines.push('a=sendonly');
  }
  return `${lines.join('\r\n')}\r\n`;
}
