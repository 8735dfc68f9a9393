/** The SDP model (src/media/sdp.ts): malformed input → BadSdp with a reason (the core's 488), edits stay minimal. */
import { describe, expect, it } from 'vitest';
import { BadSdp } from '../../src/media/errors.ts';
import { finishSdp } from '../../src/media/media-session.ts';
import { STRICT_ATTRIBUTES } from '../../src/media/policy.ts';
import {
  filterAttributes,
  parseSdp,
  reorderCodecs,
  serializeSdp,
  summarizeAudio,
  trimCrypto,
} from '../../src/media/sdp.ts';

const GOOD = [
  'v=0',
  'o=alice 1 1 IN IP4 192.0.2.1',
  's=call',
  'c=IN IP4 192.0.2.1',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 4000 RTP/SAVP 96 0 101',
  'a=rtpmap:96 opus/48000/2',
  'a=rtpmap:101 telephone-event/8000',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw',
  'a=crypto:2 AEAD_AES_256_GCM inline:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEy',
  'a=ptime:20',
  'a=label:1',
  'a=x-custom:yes',
  'a=sendrecv',
  '',
].join('\r\n');

function badReason(text: unknown): string {
  try {
    parseSdp(text);
  } catch (error) {
    expect(error).toBeInstanceOf(BadSdp);
    expect((error as BadSdp).sipStatus).toBe(488);
    return (error as BadSdp).reason;
  }
  throw new Error('expected BadSdp');
}

describe('parseSdp', () => {
  it('round-trips a valid SDP byte for byte', () => {
    expect(serializeSdp(parseSdp(GOOD))).toBe(GOOD);
  });

  it('accepts bare LF line ends and writes CRLF', () => {
    expect(serializeSdp(parseSdp(GOOD.replaceAll('\r\n', '\n')))).toBe(GOOD);
  });

  it.each([
    [undefined, 'empty SDP body'],
    ['', 'empty SDP body'],
    ['hello', 'line 1 is not "<type>=<value>": "hello"'],
    ['v=1\r\n', 'SDP must start with v=0'],
    [GOOD.replace('o=alice 1 1 IN IP4 192.0.2.1', 'o=alice 1'), 'missing or malformed o= line'],
    [GOOD.replace('s=call\r\n', ''), 'missing s= line'],
    [GOOD.replace('t=0 0\r\n', ''), 'missing t= line'],
    [GOOD.replace(/m=audio[\s\S]*/, ''), 'no m= line'],
    [
      GOOD.replace('m=audio 4000', 'm=audio 99999'),
      'line 7: malformed m= line "audio 99999 RTP/SAVP 96 0 101"',
    ],
    [
      GOOD.replace('m=audio 4000 RTP/SAVP 96 0 101', 'm=audio 4000 RTP/SAVP'),
      'line 7: malformed m= line "audio 4000 RTP/SAVP"',
    ],
    [GOOD.replace(' 96 0 101', ' 96 0 300'), 'm=audio: bad payload type 300'],
    [GOOD.replace('c=IN IP4 192.0.2.1', 'c=IN IP4'), 'malformed c= line "IN IP4"'],
    [GOOD.replace('c=IN IP4 192.0.2.1\r\n', ''), 'm=audio has no c= line and there is no session c= line'],
    [GOOD.replace('a=rtpmap:96 opus/48000/2', 'a=rtpmap:96 opus'), 'malformed a=rtpmap:96 opus'],
    [GOOD.replace('a=sendrecv', 'A=sendrecv'), 'line 15 is not "<type>=<value>": "A=sendrecv"'],
    ['v=0\r\n'.repeat(2001), 'SDP has more than 2000 lines'],
    [`v=0\r\ns=${'x'.repeat(70_000)}\r\n`, 'SDP larger than 65536 bytes'],
  ])('rejects %#: %s', (text, reason) => {
    expect(badReason(text)).toBe(reason);
  });

  it('survives random garbage without anything but BadSdp', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 500; i++) {
      const lines = GOOD.split('\r\n');
      const at = Math.floor(random() * lines.length);
      lines[at] =
        (lines[at] ?? '').slice(0, Math.floor(random() * 12)) +
        String.fromCharCode(Math.floor(random() * 128));
      try {
        parseSdp(lines.join('\r\n'));
      } catch (error) {
        expect(error).toBeInstanceOf(BadSdp);
      }
    }
  });
});

describe('audio summary and edits', () => {
  it('summarises codecs (static and dynamic), crypto suites and ptime', () => {
    expect(summarizeAudio(parseSdp(GOOD))).toEqual({
      proto: 'RTP/SAVP',
      port: 4000,
      codecs: [
        { pt: 96, name: 'opus', rate: 48000 },
        { pt: 0, name: 'PCMU', rate: 8000 },
        { pt: 101, name: 'telephone-event', rate: 8000 },
      ],
      cryptoSuites: ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_256_GCM'],
      ptimeMs: 20,
      srtp: true,
    });
  });

  it('trims crypto lines and reorders codecs without touching other lines', () => {
    const sdp = parseSdp(GOOD);
    trimCrypto(sdp, ['AEAD_AES_256_GCM']);
    reorderCodecs(sdp, ['PCMU', 'opus']);
    const text = serializeSdp(sdp);
    expect(text).toContain('m=audio 4000 RTP/SAVP 0 96 101\r\n');
    expect(text).not.toContain('AES_CM_128_HMAC_SHA1_80');
    expect(text).toContain('a=crypto:2 AEAD_AES_256_GCM');
    expect(text.split('\r\n').length).toBe(GOOD.split('\r\n').length - 1);
  });

  it('strict a= lines (Teams): only allowed attributes survive, at session and media level', () => {
    const sdp = parseSdp(GOOD);
    filterAttributes(sdp, { allow: [...STRICT_ATTRIBUTES] });
    const text = serializeSdp(sdp);
    expect(text).not.toContain('a=group');
    expect(text).not.toContain('a=label');
    expect(text).not.toContain('a=x-custom');
    expect(text).toContain('a=rtpmap:96 opus/48000/2');
    expect(text).toContain('a=sendrecv');
  });

  it('removes named attributes and hides the origin user and session name toward a leg', () => {
    const text = finishSdp(GOOD, { attributes: { remove: ['x-custom', 'label'] } });
    expect(text).not.toMatch(/a=(x-custom|label)/);
    expect(text).toContain('a=group:BUNDLE 0');
    expect(text).toContain('o=sbc 1 1 IN IP4 192.0.2.1');
    expect(text).toContain('s=-');
    expect(finishSdp(GOOD, { hideTopology: false })).toContain('o=alice 1 1');
  });
});
