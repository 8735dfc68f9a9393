/**
 * SDP offers for the media fuzz test: a valid audio offer (RFC 4566, RFC 3264), seeded random
 * damage to it, and a fixed set that is malformed by construction (each must be refused with 488).
 */
import { caseRng, int, pick, type Rand } from './random.ts';

export const VALID_SDP_LINES = [
  'v=0',
  'o=caller 2890844526 2890844526 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 6000 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
];

/** Offers no SDP reader may accept: the core must answer 488 (RFC 3261 §21.4.26) with a reason. */
export const MALFORMED_SDP: Record<string, string> = {
  'not SDP at all': 'hello, I am not a session description\r\n',
  'binary garbage': '\u0000\u0001\u00ff\u00fe\r\n\u0007',
  'does not start with v=0': VALID_SDP_LINES.slice(1).join('\r\n'),
  'version 1': ['v=1', ...VALID_SDP_LINES.slice(1)].join('\r\n'),
  'a line without "="': [...VALID_SDP_LINES.slice(0, 5), 'm audio 6000 RTP/AVP 0'].join('\r\n'),
  'no m= line': VALID_SDP_LINES.slice(0, 5).join('\r\n'),
  'm= port not a number': [...VALID_SDP_LINES.slice(0, 5), 'm=audio sixty RTP/AVP 0'].join('\r\n'),
  'm= without formats': [...VALID_SDP_LINES.slice(0, 5), 'm=audio 6000 RTP/AVP'].join('\r\n'),
  'upper-case line type': ['V=0', ...VALID_SDP_LINES.slice(1)].join('\r\n'),
  'only whitespace': '   \r\n\t\r\n',
  '2,500 lines': [...VALID_SDP_LINES, ...Array.from({ length: 2500 }, (_, i) => `a=x:${i}`)].join('\r\n'),
  // Found by this fuzzer: the SBC's reader takes these, rtpengine refuses them ("Failed to parse
  // SDP"), and the caller got 500 where a malformed offer gets 488.
  'v= and o= lines inside a media section': [...VALID_SDP_LINES, 'o=\t', 'v=IN IP6 ::g'].join('\r\n'),
  // Found by this fuzzer: every m= line takes rtpengine ports for the whole call, so one INVITE
  // could exhaust the port range (caller got 500 "Ran out of ports"); more streams than a call
  // needs is an offer the SBC does not accept.
  '1,000 m= lines': [
    ...VALID_SDP_LINES,
    ...Array.from({ length: 1000 }, (_, i) => `m=audio ${7000 + 2 * i} RTP/AVP 0`),
  ].join('\r\n'),
};

const HOSTILE = [
  '',
  '=',
  'x',
  '-1',
  '65536',
  '99999999999999999999',
  'IN IP4',
  'IN IP6 ::g',
  'IN IP4 999.1.1.1',
  'IN IP4 0.0.0.0/255',
  'audio 0 RTP/AVP 0',
  'audio 6000 RTP/SAVP 0',
  'audio 6000 UDP/TLS/RTP/SAVPF 111',
  'video 6002 RTP/AVP 96',
  'audio 6000/2 RTP/AVP 0',
  'rtpmap:0',
  'rtpmap:abc PCMU/8000',
  'rtpmap:96 opus/48000/2',
  'crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA',
  'ptime:0',
  'ptime:-20',
  'x'.repeat(3000),
  'ä😀',
  '\t',
];
const TYPES = ['v', 'o', 's', 'c', 't', 'm', 'a', 'b', 'k', 'z', 'i', 'e'];

function damage(lines: string[], rand: Rand): string[] {
  const out = [...lines];
  const at = int(rand, out.length);
  switch (int(rand, 8)) {
    case 0:
      out.splice(at, 1);
      break;
    case 1:
      out.splice(at, 0, out[at] ?? 'a=x');
      break;
    case 2:
      out[at] = `${pick(rand, TYPES)}=${pick(rand, HOSTILE)}`;
      break;
    case 3:
      out.splice(at, 0, `${pick(rand, TYPES)}=${pick(rand, HOSTILE)}`);
      break;
    case 4: {
      const line = out[at] ?? '';
      const cut = int(rand, line.length + 1);
      out[at] = line.slice(0, cut) + pick(rand, HOSTILE) + line.slice(cut + int(rand, 5));
      break;
    }
    case 5:
      // More media sections than anyone needs.
      out.push(...Array.from({ length: 1 + int(rand, 12) }, (_, i) => `m=audio ${7000 + 2 * i} RTP/AVP 0`));
      break;
    case 6: {
      const b = int(rand, out.length);
      [out[at], out[b]] = [out[b] ?? '', out[at] ?? ''];
      break;
    }
    default:
      out.length = Math.max(1, at);
  }
  return out;
}

/** Offer `index` of run `seed`: the valid offer with 1–3 random damages, sometimes bad line ends. */
export function sdpCase(seed: number, index: number): string {
  const rand = caseRng(seed, index);
  let lines = VALID_SDP_LINES;
  for (let k = 1 + int(rand, 3); k > 0; k--) lines = damage(lines, rand);
  return lines.join(pick(rand, ['\r\n', '\r\n', '\r\n', '\n', '\r'])) + (rand() < 0.8 ? '\r\n' : '');
}
