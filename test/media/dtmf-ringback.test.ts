/**
 * DTMF interworking (issue 8 item 5) and ringback injection (item 6) with real
 * packets through a real rtpengine: RFC 4733 digits cross between rfc2833 legs,
 * are reported per call for SIP INFO relay toward an info leg, and digits from
 * SIP INFO are injected as RFC 4733 events; ringback tone reaches the caller
 * before the callee answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DtmfDigit } from '../../src/media/dtmf-events.ts';
import { MediaService } from '../../src/media/media-service.ts';
import type { Leg } from '../../src/media/media-session.ts';
import { PCMU, PCMU_TE, setUpCall } from './support/call.ts';
import { spawnConfig } from './support/engine.ts';
import { decodeUlaw, encodeUlaw, powerAt, tone } from './support/g711.ts';
import { audioPort, payloadTypeOf, RtpPeer, sleep } from './support/rtp.ts';

let media: MediaService;

beforeAll(async () => {
  media = await MediaService.start(await spawnConfig());
});

afterAll(async () => {
  await media?.close();
});

const silence = () => encodeUlaw(new Array(160).fill(0));

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('DTMF', () => {
  it('passes RFC 4733 digits between two rfc2833 legs and reports them for the call', async () => {
    const call = await setUpCall(
      media,
      { offerer: { dtmf: 'rfc2833' }, answerer: { dtmf: 'rfc2833' } },
      (peer) => peer.sdp({ codecs: PCMU_TE }),
      (peer) => peer.sdp({ codecs: PCMU_TE }),
    );
    const digits: (DtmfDigit & { leg: Leg })[] = [];
    const unsubscribe = call.session.onDtmf((d) => digits.push(d));
    try {
      expect(call.offerToCallee).toMatch(/^a=rtpmap:101 telephone-event\/8000/m);
      const ts = await call.caller.stream(call.callerSendsTo, 0, 5, silence);
      for (const [index, event] of [1, 9, 11].entries())
        await call.caller.sendDigit(call.callerSendsTo, 101, event, ts + index * 2000);
      await call.caller.stream(call.callerSendsTo, 0, 5, silence, { timestampStart: ts + 8000 });
      await until(() => digits.length >= 3);
      await sleep(200);
      const events = [...new Set(call.callee.ofType(101).map((p) => p.payload[0]))];
      expect(events).toEqual([1, 9, 11]);
      expect(digits.map((d) => [d.digit, d.leg])).toEqual([
        ['1', 'offerer'],
        ['9', 'offerer'],
        ['#', 'offerer'],
      ]);
    } finally {
      unsubscribe();
      await call.close();
    }
  });

  it('rfc2833 → SIP INFO: the info leg is not offered telephone-event, digits are reported for relay', async () => {
    const call = await setUpCall(
      media,
      { offerer: { dtmf: 'rfc2833' }, answerer: { dtmf: 'info' } },
      (peer) => peer.sdp({ codecs: PCMU_TE }),
      (peer) => peer.sdp({ codecs: PCMU }),
    );
    const digits: DtmfDigit[] = [];
    const unsubscribe = call.session.onDtmf((d) => digits.push(d));
    try {
      expect(call.offerToCallee).not.toContain('telephone-event');
      expect(call.answerToCaller).toContain('telephone-event');
      const ts = await call.caller.stream(call.callerSendsTo, 0, 5, silence);
      await call.caller.sendDigit(call.callerSendsTo, 101, 7, ts);
      await call.caller.stream(call.callerSendsTo, 0, 5, silence, { timestampStart: ts + 1000 });
      await until(() => digits.length >= 1);
      expect(digits.map((d) => d.digit)).toEqual(['7']);
      expect(call.callee.ofType(101)).toHaveLength(0);
    } finally {
      unsubscribe();
      await call.close();
    }
  });

  it('SIP INFO → rfc2833: an injected digit reaches the rfc2833 leg as RFC 4733 events', async () => {
    const call = await setUpCall(
      media,
      { offerer: { dtmf: 'rfc2833' }, answerer: { dtmf: 'info' } },
      (peer) => peer.sdp({ codecs: PCMU_TE }),
      (peer) => peer.sdp({ codecs: PCMU }),
    );
    try {
      // rtpengine injects into the stream the callee sends, so that stream must be flowing.
      const streaming = call.callee.stream(call.calleeSendsTo, 0, 40, silence);
      await sleep(200);
      await call.session.playDtmf('offerer', '4', 200);
      await streaming;
      await sleep(200);
      const events = call.caller.ofType(101);
      expect(events.length).toBeGreaterThan(0);
      expect(new Set(events.map((p) => p.payload[0]))).toEqual(new Set([4]));
      expect(events.some((p) => ((p.payload[1] as number) & 0x80) !== 0)).toBe(true);
      await expect(call.session.playDtmf('offerer', 'X')).rejects.toThrow('not a DTMF digit');
    } finally {
      await call.close();
    }
  });
});

const teOf = (sdp: string) => payloadTypeOf(sdp, 'telephone-event/8000') ?? -1;

describe('DTMF inband ↔ RFC 4733', () => {
  /** Digit 5 is 770 Hz + 1336 Hz (ITU-T Q.23). */
  const dtmfFive = (i: number) =>
    encodeUlaw(
      tone(770, 160, i * 160, 6000).map((x, k) => x + (tone(1336, 160, i * 160, 6000)[k] as number)),
    );

  it('detects inband tones from an inband leg and sends RFC 4733 events to the rfc2833 leg', async () => {
    const call = await setUpCall(
      media,
      { offerer: { dtmf: 'inband' }, answerer: { dtmf: 'rfc2833' } },
      (peer) => peer.sdp({ codecs: PCMU }),
      // rtpengine picks the telephone-event payload type it adds; the callee answers with it.
      (peer, offer) =>
        peer.sdp({
          codecs: [
            [0, 'PCMU/8000'],
            [teOf(offer), 'telephone-event/8000'],
          ],
        }),
    );
    try {
      expect(call.offerToCallee).toContain('telephone-event');
      expect(call.answerToCaller).not.toContain('telephone-event');
      const ts = await call.caller.stream(call.callerSendsTo, 0, 10, silence);
      const ts2 = await call.caller.stream(call.callerSendsTo, 0, 10, dtmfFive, { timestampStart: ts });
      await call.caller.stream(call.callerSendsTo, 0, 15, silence, { timestampStart: ts2 });
      await sleep(200);
      expect(new Set(call.callee.ofType(teOf(call.offerToCallee)).map((p) => p.payload[0]))).toEqual(
        new Set([5]),
      );
    } finally {
      await call.close();
    }
  });

  it('renders RFC 4733 events from the rfc2833 leg as tones toward the inband leg', async () => {
    const call = await setUpCall(
      media,
      { offerer: { dtmf: 'inband' }, answerer: { dtmf: 'rfc2833' } },
      (peer) => peer.sdp({ codecs: PCMU }),
      // rtpengine picks the telephone-event payload type it adds; the callee answers with it.
      (peer, offer) =>
        peer.sdp({
          codecs: [
            [0, 'PCMU/8000'],
            [teOf(offer), 'telephone-event/8000'],
          ],
        }),
    );
    try {
      const te = teOf(call.offerToCallee);
      const ts = await call.callee.stream(call.calleeSendsTo, 0, 5, silence);
      await call.callee.sendDigit(call.calleeSendsTo, te, 5, ts);
      await call.callee.stream(call.calleeSendsTo, 0, 10, silence, { timestampStart: ts + 960 });
      await sleep(200);
      const heard = call.caller.ofType(0).flatMap((p) => decodeUlaw(p.payload));
      expect(call.caller.ofType(te)).toHaveLength(0);
      expect(powerAt(heard, 770)).toBeGreaterThan(20 * powerAt(heard, 1000));
      expect(powerAt(heard, 1336)).toBeGreaterThan(20 * powerAt(heard, 1000));
    } finally {
      await call.close();
    }
  });
});

describe('ringback injection', () => {
  it('plays a ringing tone to the caller while the callee rings, and stops on request', async () => {
    const caller = await RtpPeer.open();
    const session = media.createSession(`ringback-${process.pid}`);
    try {
      const offer = await session.offer(
        caller.sdp({ codecs: PCMU }),
        { offerer: { ringback: 'inject' }, answerer: {} },
        { fromTag: 'caller-tag' },
      );
      expect(audioPort(offer)).toBeGreaterThan(0);
      await session.playRingback();
      await sleep(600);
      await session.stopRingback();
      const heard = caller.ofType(0);
      expect(heard.length).toBeGreaterThanOrEqual(20);
      const samples = heard.slice(2).flatMap((p) => decodeUlaw(p.payload));
      // The default ringback is 440 + 480 Hz (North American ringing, ITU-T E.180).
      expect(powerAt(samples, 440)).toBeGreaterThan(20 * powerAt(samples, 1000));
      await sleep(200);
      const afterStop = caller.ofType(0).length;
      await sleep(300);
      expect(caller.ofType(0).length - afterStop).toBeLessThanOrEqual(1);
    } finally {
      await session.delete();
      caller.close();
    }
  });

  it('ringback of a bypassed call is refused (no media anchor)', async () => {
    const caller = await RtpPeer.open();
    const session = media.createSession(`bypass-ring-${process.pid}`);
    try {
      const sdp = caller.sdp({ codecs: PCMU });
      expect(await session.offer(sdp, { offerer: {}, answerer: {}, bypass: true }, { fromTag: 'a' })).toBe(
        sdp,
      );
      await expect(session.playRingback()).rejects.toThrow(
        'ringback injection needs media through rtpengine',
      );
    } finally {
      await session.delete();
      caller.close();
    }
  });
});
