/**
 * Real RTP and SRTP through a real rtpengine (issue 8 item 10), driven by the
 * media layer's own API: media flows both ways, SRTP on one leg decrypts on the
 * RTP leg, PCMU transcoded to PCMA carries the same tone, ptime is forced to
 * 20 ms, crypto lines are trimmed, and strict a= lines hold on what rtpengine wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaService } from '../../src/media/media-service.ts';
import { STRICT_ATTRIBUTES } from '../../src/media/policy.ts';
import { setUpCall, PCMU } from './support/call.ts';
import { spawnConfig } from './support/engine.ts';
import { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw, powerAt, rms, tone } from './support/g711.ts';
import { payloadTypeOf, sleep } from './support/rtp.ts';
import { cryptoLine, keysFromSdp, newKeys } from './support/srtp.ts';

let media: MediaService;

beforeAll(async () => {
  media = await MediaService.start(await spawnConfig());
  expect(media.health().ok).toBe(true);
});

afterAll(async () => {
  await media?.close();
});

const FRAMES = 40;
const toneFrame = (frequency: number, encode: (s: number[]) => Buffer) => (i: number) =>
  encode(tone(frequency, 160, i * 160));

/** Decoded audio of the received packets of one payload type, skipping the first few (jitter, start-up). */
function audioOf(packets: { payload: Buffer }[], decode: (b: Buffer) => number[]): number[] {
  return packets.slice(3, -2).flatMap((p) => decode(p.payload));
}

describe('RTP ↔ RTP', () => {
  it('carries audio both ways, each side hearing the other’s tone', async () => {
    const call = await setUpCall(
      media,
      { offerer: { srtp: 'off' }, answerer: { srtp: 'off' } },
      (peer) => peer.sdp({ codecs: PCMU }),
      (peer) => peer.sdp({ codecs: PCMU }),
    );
    try {
      await Promise.all([
        call.caller.stream(call.callerSendsTo, 0, FRAMES, toneFrame(1000, encodeUlaw)),
        call.callee.stream(call.calleeSendsTo, 0, FRAMES, toneFrame(400, encodeUlaw)),
      ]);
      await sleep(200);
      const atCallee = audioOf(call.callee.ofType(0), decodeUlaw);
      const atCaller = audioOf(call.caller.ofType(0), decodeUlaw);
      expect(call.callee.ofType(0).length).toBeGreaterThanOrEqual(FRAMES - 3);
      expect(call.caller.ofType(0).length).toBeGreaterThanOrEqual(FRAMES - 3);
      expect(powerAt(atCallee, 1000)).toBeGreaterThan(50 * powerAt(atCallee, 400));
      expect(powerAt(atCaller, 400)).toBeGreaterThan(50 * powerAt(atCaller, 1000));
      expect(call.offerToCallee).toMatch(/^o=sbc /m);
    } finally {
      await call.close();
    }
  });
});

describe('SRTP ↔ RTP (SDES)', () => {
  it('decrypts SRTP from the Zoom leg onto the RTP leg and encrypts the way back', async () => {
    const zoomKeys = newKeys('AES_CM_128_HMAC_SHA1_80');
    const call = await setUpCall(
      media,
      {
        offerer: { srtp: 'required', srtpSuites: ['AES_CM_128_HMAC_SHA1_80'] },
        answerer: { srtp: 'off' },
      },
      (peer) =>
        peer.sdp({
          codecs: PCMU,
          proto: 'RTP/SAVP',
          crypto: [
            'a=crypto:1 AEAD_AES_256_GCM inline:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEy',
            cryptoLine(2, zoomKeys),
          ],
        }),
      (peer) => peer.sdp({ codecs: PCMU }),
    );
    try {
      expect(call.offerToCallee).toMatch(/^m=audio \d+ RTP\/AVP /m);
      expect(call.offerToCallee).not.toContain('a=crypto');
      expect(call.answerToCaller).toMatch(/^m=audio \d+ RTP\/SAVP /m);
      const answered = keysFromSdp(call.answerToCaller);
      expect(answered.suite).toBe('AES_CM_128_HMAC_SHA1_80');
      call.caller.useSrtp(zoomKeys, answered);
      await Promise.all([
        call.caller.stream(call.callerSendsTo, 0, FRAMES, toneFrame(1000, encodeUlaw)),
        call.callee.stream(call.calleeSendsTo, 0, FRAMES, toneFrame(400, encodeUlaw)),
      ]);
      await sleep(200);
      expect(call.callee.ofType(0).length).toBeGreaterThanOrEqual(FRAMES - 3);
      const clear = audioOf(call.callee.ofType(0), decodeUlaw);
      expect(powerAt(clear, 1000)).toBeGreaterThan(50 * powerAt(clear, 400));
      expect(call.caller.rejected).toBe(0);
      expect(call.caller.ofType(0).length).toBeGreaterThanOrEqual(FRAMES - 3);
      const decrypted = audioOf(call.caller.ofType(0), decodeUlaw);
      expect(powerAt(decrypted, 400)).toBeGreaterThan(50 * powerAt(decrypted, 1000));
    } finally {
      await call.close();
    }
  });

  it('interworks AEAD_AES_256_GCM (RFC 7714), the suite Zoom offers first, with plain RTP', async () => {
    const zoomKeys = newKeys('AEAD_AES_256_GCM');
    const call = await setUpCall(
      media,
      { offerer: { srtp: 'required' }, answerer: { srtp: 'off' } },
      (peer) => peer.sdp({ codecs: PCMU, proto: 'RTP/SAVP', crypto: [cryptoLine(1, zoomKeys)] }),
      (peer) => peer.sdp({ codecs: PCMU }),
    );
    try {
      const answered = keysFromSdp(call.answerToCaller);
      expect(answered.suite).toBe('AEAD_AES_256_GCM');
      call.caller.useSrtp(zoomKeys, answered);
      await Promise.all([
        call.caller.stream(call.callerSendsTo, 0, FRAMES, toneFrame(1000, encodeUlaw)),
        call.callee.stream(call.calleeSendsTo, 0, FRAMES, toneFrame(400, encodeUlaw)),
      ]);
      await sleep(200);
      const clear = audioOf(call.callee.ofType(0), decodeUlaw);
      expect(call.callee.ofType(0).length).toBeGreaterThanOrEqual(FRAMES - 3);
      expect(powerAt(clear, 1000)).toBeGreaterThan(50 * powerAt(clear, 400));
      expect(call.caller.rejected).toBe(0);
      const decrypted = audioOf(call.caller.ofType(0), decodeUlaw);
      expect(call.caller.ofType(0).length).toBeGreaterThanOrEqual(FRAMES - 3);
      expect(powerAt(decrypted, 400)).toBeGreaterThan(50 * powerAt(decrypted, 1000));
    } finally {
      await call.close();
    }
  });

  it('offers only the Zoom trunk’s allowed suite and interworks with the one it answers', async () => {
    let offered = '';
    const zoomKeys = newKeys('AES_CM_128_HMAC_SHA1_32');
    const call = await setUpCall(
      media,
      { offerer: { srtp: 'off' }, answerer: { srtp: 'required', srtpSuites: ['AES_CM_128_HMAC_SHA1_32'] } },
      (peer) => peer.sdp({ codecs: PCMU }),
      (peer, offer) => {
        offered = offer;
        return peer.sdp({ codecs: PCMU, proto: 'RTP/SAVP', crypto: [cryptoLine(1, zoomKeys)] });
      },
    );
    try {
      expect(offered).toMatch(/^m=audio \d+ RTP\/SAVP /m);
      expect([...offered.matchAll(/a=crypto:\d+ (\S+)/g)].map((m) => m[1])).toEqual([
        'AES_CM_128_HMAC_SHA1_32',
      ]);
      expect(offered).not.toContain('a=fingerprint');
      call.callee.useSrtp(zoomKeys, keysFromSdp(offered));
      await Promise.all([
        call.caller.stream(call.callerSendsTo, 0, FRAMES, toneFrame(1000, encodeUlaw)),
        call.callee.stream(call.calleeSendsTo, 0, FRAMES, toneFrame(400, encodeUlaw)),
      ]);
      await sleep(200);
      expect(call.callee.rejected).toBe(0);
      const atZoom = audioOf(call.callee.ofType(0), decodeUlaw);
      const atCore = audioOf(call.caller.ofType(0), decodeUlaw);
      expect(powerAt(atZoom, 1000)).toBeGreaterThan(50 * powerAt(atZoom, 400));
      expect(powerAt(atCore, 400)).toBeGreaterThan(50 * powerAt(atCore, 1000));
    } finally {
      await call.close();
    }
  });
});

describe('transcoding and ptime', () => {
  it('transcodes PCMU to PCMA (and back) when the trunks share no codec and policy allows it', async () => {
    const call = await setUpCall(
      media,
      { offerer: { codecs: ['PCMU'] }, answerer: { codecs: ['PCMA'], transcode: true } },
      (peer) => peer.sdp({ codecs: PCMU }),
      (peer) => peer.sdp({ codecs: [[8, 'PCMA/8000']] }),
    );
    try {
      expect(call.offerToCallee).toMatch(/^m=audio \d+ RTP\/AVP 8\r?$/m);
      expect(call.answerToCaller).toMatch(/^m=audio \d+ RTP\/AVP 0\r?$/m);
      await Promise.all([
        call.caller.stream(call.callerSendsTo, 0, FRAMES, toneFrame(1000, encodeUlaw)),
        call.callee.stream(call.calleeSendsTo, 8, FRAMES, toneFrame(400, encodeAlaw)),
      ]);
      await sleep(300);
      expect(call.callee.ofType(0)).toHaveLength(0);
      expect(call.callee.ofType(8).length).toBeGreaterThanOrEqual(FRAMES - 5);
      const atCallee = audioOf(call.callee.ofType(8), decodeAlaw);
      expect(powerAt(atCallee, 1000)).toBeGreaterThan(50 * powerAt(atCallee, 400));
      // Same loudness within G.711 tolerance: a sine of amplitude 8000 has RMS 5657.
      expect(Math.abs(rms(atCallee) - 8000 / Math.SQRT2)).toBeLessThan(8000 / Math.SQRT2 / 10);
      const atCaller = audioOf(call.caller.ofType(0), decodeUlaw);
      expect(powerAt(atCaller, 400)).toBeGreaterThan(50 * powerAt(atCaller, 1000));
    } finally {
      await call.close();
    }
  });

  it('forces 20 ms toward a trunk that requires it, repacketising 40 ms packets (Zoom)', async () => {
    const call = await setUpCall(
      media,
      { offerer: {}, answerer: { ptimeMs: 20 } },
      (peer) => peer.sdp({ codecs: PCMU, ptime: 40 }),
      (peer) => peer.sdp({ codecs: PCMU, ptime: 20 }),
    );
    try {
      expect(call.offerToCallee).toContain('a=ptime:20');
      await call.caller.stream(call.callerSendsTo, 0, 20, (i) => encodeUlaw(tone(1000, 320, i * 320)), {
        intervalMs: 40,
      });
      await sleep(200);
      const sizes = new Set(call.callee.ofType(0).map((p) => p.payload.length));
      expect([...sizes]).toEqual([160]);
      expect(call.callee.ofType(0).length).toBeGreaterThanOrEqual(36);
    } finally {
      await call.close();
    }
  });
});

describe('SDP rules on rtpengine output', () => {
  it('keeps only strict a= lines toward a Teams-like trunk and adds comfort noise it requires', async () => {
    const call = await setUpCall(
      media,
      { offerer: {}, answerer: { attributes: { allow: [...STRICT_ATTRIBUTES] }, comfortNoise: true } },
      (peer) => peer.sdp({ codecs: PCMU, extra: ['a=label:1', 'a=x-vendor:abc', 'a=rtcp-fb:* nack'] }),
      (peer) => peer.sdp({ codecs: PCMU }),
    );
    try {
      const names = [...call.offerToCallee.matchAll(/^a=([\w-]+)/gm)].map((m) => m[1] as string);
      expect(names.length).toBeGreaterThan(2);
      for (const name of names) expect(STRICT_ATTRIBUTES).toContain(name);
      expect(call.offerToCallee).toMatch(/^a=rtpmap:\d+ CN\/8000/m);
    } finally {
      await call.close();
    }
  });
});

describe('topology hiding', () => {
  const sdpFromBehindNat = (peer: { sdp: (o: { codecs: typeof PCMU }) => string }) =>
    peer
      .sdp({ codecs: PCMU })
      .replace(/^o=peer (\d+) 1 IN IP4 127\.0\.0\.1/m, 'o=pbx-7 $1 1 IN IP4 192.0.2.55');

  it('rewrites o= and c= so the far end sees only the SBC', async () => {
    const call = await setUpCall(media, { offerer: {}, answerer: {} }, sdpFromBehindNat, (peer) =>
      peer.sdp({ codecs: PCMU }),
    );
    try {
      expect(call.offerToCallee).not.toContain('192.0.2.55');
      expect(call.offerToCallee).not.toContain('pbx-7');
      expect(call.offerToCallee).toMatch(/^o=sbc \S+ \S+ IN IP4 127\.0\.0\.1$/m);
    } finally {
      await call.close();
    }
  });

  it('keeps them when the trunk policy says hideTopology: false', async () => {
    const call = await setUpCall(
      media,
      { offerer: {}, answerer: { hideTopology: false } },
      sdpFromBehindNat,
      (peer) => peer.sdp({ codecs: PCMU }),
    );
    try {
      expect(call.offerToCallee).toContain('o=pbx-7');
    } finally {
      await call.close();
    }
  });
});

describe('comfort noise toward the offerer', () => {
  it('keeps CN in the answer to a Teams-like offerer whose peer has no CN', async () => {
    const call = await setUpCall(
      media,
      { offerer: { comfortNoise: true }, answerer: {} },
      (peer) =>
        peer.sdp({
          codecs: [
            [0, 'PCMU/8000'],
            [13, 'CN/8000'],
          ],
        }),
      (peer) => peer.sdp({ codecs: PCMU }),
    );
    try {
      expect(call.offerToCallee).not.toContain('CN/8000');
      expect(call.answerToCaller).toMatch(/^a=rtpmap:13 CN\/8000/m);
    } finally {
      await call.close();
    }
  });
});

describe('transcoding to the Zoom codecs', () => {
  it.each([
    ['G722', 'G722/8000', (n: number) => n === 160],
    ['G729', 'G729/8000', (n: number) => n === 20],
    ['opus', 'opus/48000/2', (n: number) => n > 0 && n < 400],
  ] as const)('PCMU from the caller arrives as %s at the callee', async (codec, encoding, sizeOk) => {
    let pt = -1;
    const call = await setUpCall(
      media,
      { offerer: { codecs: ['PCMU'] }, answerer: { codecs: [codec], transcode: true } },
      (peer) => peer.sdp({ codecs: PCMU }),
      (peer, offer) => {
        pt = payloadTypeOf(offer, encoding) ?? -1;
        expect(pt).toBeGreaterThanOrEqual(0);
        return peer.sdp({ codecs: [[pt, encoding]] });
      },
    );
    try {
      await call.caller.stream(call.callerSendsTo, 0, FRAMES, toneFrame(1000, encodeUlaw));
      await sleep(300);
      const arrived = call.callee.ofType(pt);
      expect(arrived.length).toBeGreaterThanOrEqual(FRAMES - 8);
      expect(arrived.every((p) => sizeOk(p.payload.length))).toBe(true);
      expect(call.callee.ofType(0)).toHaveLength(0);
    } finally {
      await call.close();
    }
  });
});
