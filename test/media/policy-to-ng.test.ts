/** The policy → ng mapping (src/media/policy-to-ng.ts): every decision, with no rtpengine involved (pure code). */
import { describe, expect, it } from 'vitest';
import { MediaPolicyError } from '../../src/media/errors.ts';
import type { CallMediaPolicy, LegMediaPolicy } from '../../src/media/policy.ts';
import { planAnswer, planOffer, sdesFlags, transcodeAllowed } from '../../src/media/policy-to-ng.ts';
import { parseSdp } from '../../src/media/sdp.ts';

const KEY = 'inline:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw';

/** The Zoom offer of seeds/003 (crypto keys replaced by a valid-length dummy). */
const ZOOM_OFFER = [
  'v=0',
  'o=Sonus_UAC 492860 484112 IN IP4 162.12.233.59',
  's=SIP Media Capabilities',
  'c=IN IP4 162.12.233.83',
  't=0 0',
  'm=audio 27862 RTP/SAVP 102 9 0 8 18 101',
  `a=crypto:1 AEAD_AES_256_GCM ${KEY}`,
  `a=crypto:2 AES_256_CM_HMAC_SHA1_80 ${KEY}`,
  `a=crypto:3 AES_CM_128_HMAC_SHA1_80 ${KEY}`,
  `a=crypto:4 AES_CM_128_HMAC_SHA1_32 ${KEY}`,
  'a=rtpmap:102 opus/48000/2',
  'a=fmtp:102 maxplaybackrate=24000; minptime=10; useinbandfec=1; maxaveragebitrate=40000',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:18 G729/8000',
  'a=fmtp:18 annexb=no',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=sendrecv',
  'a=maxptime:20',
  '',
].join('\r\n');

function rtpOffer(formats: string, rtpmaps: string[], extra: string[] = []): string {
  return [
    'v=0',
    'o=- 1 1 IN IP4 10.0.0.10',
    's=-',
    'c=IN IP4 10.0.0.10',
    't=0 0',
    `m=audio 4000 RTP/AVP ${formats}`,
    ...rtpmaps.map((r) => `a=rtpmap:${r}`),
    ...extra,
    '',
  ].join('\r\n');
}

const CORE_OFFER = rtpOffer('0 8 101', ['0 PCMU/8000', '8 PCMA/8000', '101 telephone-event/8000']);
const zoom: LegMediaPolicy = { srtp: 'required', codecs: ['opus', 'G722', 'PCMU', 'PCMA'], ptimeMs: 20 };
const core: LegMediaPolicy = { srtp: 'off', codecs: ['PCMU', 'PCMA'], dtmf: 'rfc2833' };

const plan = (sdp: string, policy: CallMediaPolicy) => planOffer(parseSdp(sdp), policy);
const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MediaPolicyError);
    return (error as MediaPolicyError).reason;
  }
  throw new Error('expected a MediaPolicyError');
};

describe('SRTP ↔ RTP (issue 8 item 2)', () => {
  it('offers plain RTP toward an srtp: off trunk and SRTP toward an srtp: required one', () => {
    expect(plan(ZOOM_OFFER, { offerer: zoom, answerer: core }).params['transport-protocol']).toBe('RTP/AVP');
    expect(plan(CORE_OFFER, { offerer: core, answerer: zoom }).params['transport-protocol']).toBe('RTP/SAVP');
  });

  it('offers opportunistic SRTP (RFC 8643) toward an srtp: optional trunk', () => {
    const { params } = plan(CORE_OFFER, { offerer: core, answerer: { srtp: 'optional' } });
    expect(params['transport-protocol']).toBe('RTP/AVP');
    expect(params.OSRTP).toEqual(['offer']);
  });

  it('leaves the transport alone when the answerer leg says nothing about SRTP', () => {
    const { params } = plan(CORE_OFFER, { offerer: {}, answerer: {} });
    expect(params['transport-protocol']).toBeUndefined();
    expect(params.DTLS).toBe('off');
  });

  it('trims the offered crypto lines to the offerer trunk’s allowed suites, keeping their order', () => {
    const { sdp } = plan(ZOOM_OFFER, {
      offerer: { ...zoom, srtpSuites: ['AES_CM_128_HMAC_SHA1_32', 'AES_CM_128_HMAC_SHA1_80'] },
      answerer: core,
    });
    expect(sdp.match(/a=crypto:\S+ \S+/g)).toEqual([
      'a=crypto:3 AES_CM_128_HMAC_SHA1_80',
      'a=crypto:4 AES_CM_128_HMAC_SHA1_32',
    ]);
  });

  it('switches off every suite the answerer trunk does not allow (SDES no-<suite>)', () => {
    const flags = sdesFlags({ srtpSuites: ['AES_CM_128_HMAC_SHA1_80'] });
    expect(flags).toContain('no-AEAD_AES_256_GCM');
    expect(flags).toContain('no-AES_CM_128_HMAC_SHA1_32');
    expect(flags).toContain('no-F8_128_HMAC_SHA1_80');
    expect(flags).not.toContain('no-AES_CM_128_HMAC_SHA1_80');
    const { params } = plan(CORE_OFFER, {
      offerer: core,
      answerer: { ...zoom, srtpSuites: ['AEAD_AES_256_GCM'] },
    });
    expect(params.SDES).not.toContain('no-AEAD_AES_256_GCM');
    expect(params.SDES).toContain('no-AES_CM_128_HMAC_SHA1_80');
  });

  it('refuses plain RTP from an srtp: required trunk, SRTP from an srtp: off trunk, and no allowed suite', () => {
    expect(reason(() => plan(CORE_OFFER, { offerer: zoom, answerer: core }))).toBe(
      'SRTP is required on this trunk',
    );
    expect(reason(() => plan(ZOOM_OFFER, { offerer: core, answerer: zoom }))).toBe(
      'SRTP is not accepted on this trunk',
    );
    const only256 = ZOOM_OFFER.replace(/a=crypto:[234].*\r\n/g, '');
    expect(
      reason(() =>
        plan(only256, { offerer: { ...zoom, srtpSuites: ['AES_CM_128_HMAC_SHA1_80'] }, answerer: core }),
      ),
    ).toBe('no offered SRTP crypto suite is allowed on this trunk');
  });
});

describe('codecs (issue 8 item 3)', () => {
  it('offers only the codecs both trunks allow, in the answerer trunk’s preference order', () => {
    const p = plan(ZOOM_OFFER, { offerer: zoom, answerer: { ...core, codecs: ['PCMA', 'PCMU'] } });
    expect(p.towardAnswerer).toEqual(['PCMA', 'PCMU']);
    expect(p.transcoding).toBe(false);
    expect(p.params.codec?.strip).toEqual(expect.arrayContaining(['opus', 'G722', 'G729']));
    expect(p.params.codec?.transcode).toBeUndefined();
    expect(/^m=audio \S+ \S+ (.*)$/m.exec(p.sdp)?.[1]).toBe('8 0 102 9 18 101');
  });

  it('honours strip lists on both legs', () => {
    const p = plan(ZOOM_OFFER, {
      offerer: { ...zoom, strip: ['opus'] },
      answerer: { strip: ['G729', 'G722'] },
    });
    expect(p.towardAnswerer).toEqual(['PCMU', 'PCMA']);
    expect(p.params.codec?.strip).toEqual(expect.arrayContaining(['opus', 'G722', 'G729']));
  });

  it('transcodes when no codec is common and a leg allows it: masks the offerer’s, adds the answerer’s', () => {
    const p = plan(CORE_OFFER.replace(' 8 101', ' 101').replace('a=rtpmap:8 PCMA/8000\r\n', ''), {
      offerer: { codecs: ['PCMU'] },
      answerer: { codecs: ['PCMA', 'G722'], transcode: true },
    });
    expect(p.transcoding).toBe(true);
    expect(p.towardAnswerer).toEqual(['PCMA', 'G722']);
    expect(p.params.codec).toMatchObject({ mask: ['PCMU'], transcode: ['PCMA', 'G722'] });
  });

  it('refuses when no codec is common and transcoding is not allowed, or forbidden by either leg', () => {
    const pcmuOnly = rtpOffer('0', ['0 PCMU/8000']);
    expect(reason(() => plan(pcmuOnly, { offerer: {}, answerer: { codecs: ['PCMA'] } }))).toBe(
      'no common codec and transcoding is not allowed',
    );
    expect(transcodeAllowed({ offerer: { transcode: false }, answerer: { transcode: true } })).toBe(false);
    expect(transcodeAllowed({ offerer: {}, answerer: { transcode: true } })).toBe(true);
    expect(reason(() => plan(pcmuOnly, { offerer: { codecs: ['PCMA'] }, answerer: {} }))).toBe(
      'none of the offered codecs is allowed on this trunk',
    );
  });

  it('accepts the language’s codec spelling (telephone_event, AMR_WB) as rtpengine names', () => {
    const p = plan(CORE_OFFER, { offerer: { strip: ['telephone_event'] }, answerer: {} });
    expect(p.params.codec?.strip).toContain('telephone-event');
  });
});

describe('ptime (issue 8 item 4)', () => {
  it('forces the answerer trunk’s ptime (Zoom: 20 ms), and caps at its maxptime', () => {
    const slow = CORE_OFFER.replace('\r\n', '\r\n').concat('a=ptime:40\r\n');
    expect(plan(slow, { offerer: core, answerer: zoom }).params.ptime).toBe(20);
    expect(plan(slow, { offerer: core, answerer: { maxptimeMs: 30 } }).params.ptime).toBe(30);
    expect(plan(CORE_OFFER, { offerer: core, answerer: { maxptimeMs: 30 } }).params.ptime).toBeUndefined();
  });

  it('applies the offerer trunk’s ptime to the answer', () => {
    const policy = { offerer: zoom, answerer: core };
    const offer = plan(ZOOM_OFFER, policy);
    const answer = planAnswer(parseSdp(CORE_OFFER), policy, offer);
    expect(answer.params.ptime).toBe(20);
  });
});

describe('DTMF (issue 8 item 5) and comfort noise (item 6)', () => {
  it('passes telephone-event through between two rfc2833 legs', () => {
    const p = plan(CORE_OFFER, { offerer: core, answerer: { dtmf: 'rfc2833' } });
    expect(p.params.codec).toBeUndefined();
    expect(p.injectDtmf).toBe(false);
  });

  it('masks telephone-event toward an info leg and sets inject DTMF (SIP INFO digits are injected)', () => {
    const p = plan(CORE_OFFER, { offerer: core, answerer: { dtmf: 'info' } });
    expect(p.params.codec?.mask).toEqual(['telephone-event']);
    expect(p.params.flags).toEqual(['always transcode', 'inject DTMF']);
    expect(p.injectDtmf).toBe(true);
  });

  it('generates telephone-event toward an rfc2833 leg whose peer sends none (inband or info)', () => {
    const noTe = rtpOffer('0', ['0 PCMU/8000']);
    const p = plan(noTe, { offerer: { dtmf: 'inband' }, answerer: { dtmf: 'rfc2833' } });
    expect(p.params.codec?.transcode).toEqual(['telephone-event']);
    const q = plan(CORE_OFFER, { offerer: { dtmf: 'info' }, answerer: { dtmf: 'rfc2833' } });
    expect(q.params.codec?.strip).toContain('telephone-event');
    expect(q.params.codec?.transcode).toContain('telephone-event');
  });

  it('adds comfort noise toward a trunk that requires it (Teams) and strips it where refused', () => {
    expect(
      plan(CORE_OFFER, { offerer: core, answerer: { comfortNoise: true } }).params.codec?.transcode,
    ).toEqual(['CN']);
    const withCn = rtpOffer('0 13', ['0 PCMU/8000', '13 CN/8000']);
    expect(plan(withCn, { offerer: {}, answerer: { comfortNoise: false } }).params.codec?.strip).toEqual([
      'CN',
    ]);
    const teamsOffers = plan(withCn, { offerer: { comfortNoise: true }, answerer: {} }).params;
    expect(teamsOffers.codec?.mask).toEqual(['CN']);
    expect(teamsOffers.flags).toEqual(['always transcode']);
  });
});

describe('topology and answers (issue 8 item 7)', () => {
  it('hides topology by default (o=/c= replaced, ICE removed) and not when told so', () => {
    const p = plan(CORE_OFFER, { offerer: core, answerer: {} });
    expect(p.params.replace).toEqual(['origin', 'session-connection']);
    expect(p.params.ICE).toBe('remove');
    expect(
      plan(CORE_OFFER, { offerer: core, answerer: { hideTopology: false } }).params.replace,
    ).toBeUndefined();
  });

  it('checks the answer against the answerer leg: SRTP, suite and codecs', () => {
    const policy = { offerer: core, answerer: { ...zoom, srtpSuites: ['AES_CM_128_HMAC_SHA1_80' as const] } };
    const offer = plan(CORE_OFFER, policy);
    const savp = (suite: string, pt = '0') =>
      parseSdp(
        rtpOffer(pt, [`${pt} ${pt === '0' ? 'PCMU' : 'G729'}/8000`], [`a=crypto:1 ${suite} ${KEY}`]).replace(
          'RTP/AVP',
          'RTP/SAVP',
        ),
      );
    expect(() => planAnswer(savp('AES_CM_128_HMAC_SHA1_80'), policy, offer)).not.toThrow();
    expect(reason(() => planAnswer(parseSdp(CORE_OFFER), policy, offer))).toBe(
      'SRTP is required on this trunk',
    );
    expect(reason(() => planAnswer(savp('AES_CM_128_HMAC_SHA1_32'), policy, offer))).toBe(
      'answered crypto suite AES_CM_128_HMAC_SHA1_32 is not allowed on this trunk',
    );
    expect(reason(() => planAnswer(savp('AES_CM_128_HMAC_SHA1_80', '18'), policy, offer))).toBe(
      'the answer contains none of the offered codecs',
    );
    const rejected = parseSdp(CORE_OFFER.replace('m=audio 4000', 'm=audio 0'));
    expect(reason(() => planAnswer(rejected, policy, offer))).toBe('the answer rejects the audio stream');
  });
});
