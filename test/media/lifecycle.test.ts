/**
 * Cleanup (issue 8 item 9) at the media-layer level, against a real rtpengine:
 * a batch of mixed call outcomes (answered, aborted offers, policy rejections,
 * failed answers, rtpengine errors, shutdown) leaves no session behind, counted
 * both in the SBC's registry and with rtpengine's own `list`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadSdp, MediaPolicyError, RtpengineError, sipStatusFor } from '../../src/media/errors.ts';
import { MediaService } from '../../src/media/media-service.ts';
import { NgClient } from '../../src/media/ng-client.ts';
import type { CallMediaPolicy } from '../../src/media/policy.ts';
import { PCMU } from './support/call.ts';
import { spawnConfig } from './support/engine.ts';
import { RtpPeer } from './support/rtp.ts';

let media: MediaService;
let peer: RtpPeer;
/** A second control connection, to change rtpengine's state behind the media layer's back. */
let sideChannel: NgClient;

beforeAll(async () => {
  const config = await spawnConfig({}, 800);
  media = await MediaService.start(config);
  sideChannel = new NgClient({ host: '127.0.0.1', port: config.rtpengine.ngPort }, 1000);
  peer = await RtpPeer.open();
});

afterAll(async () => {
  peer?.close();
  sideChannel?.close();
  await media?.close();
});

const plain: CallMediaPolicy = { offerer: { srtp: 'off' }, answerer: { srtp: 'off' } };
const offerSdp = () => peer.sdp({ codecs: PCMU });

type Outcome =
  | 'answered'
  | 'cancelled'
  | 'rejected-488'
  | 'bad-answer'
  | 'bad-sdp'
  | 'lost-in-engine'
  | 'left-for-shutdown';
const OUTCOMES: Outcome[] = [
  'answered',
  'cancelled',
  'rejected-488',
  'bad-answer',
  'bad-sdp',
  'lost-in-engine',
  'left-for-shutdown',
];

async function runCall(index: number, outcome: Outcome): Promise<string> {
  const callId = `batch-${process.pid}-${index}`;
  const session = media.createSession(callId);
  switch (outcome) {
    case 'answered':
      await session.offer(offerSdp(), plain, { fromTag: 'a' });
      await session.answer(peer.sdp({ codecs: PCMU }), 'b');
      await session.delete(); // BYE
      return 'ok';
    case 'cancelled':
      await session.offer(offerSdp(), plain, { fromTag: 'a' });
      await session.delete(); // CANCEL before any answer
      return 'ok';
    case 'rejected-488': {
      // The caller's trunk requires SRTP but it offered RTP: the core answers 488, never calls delete.
      const error = await session
        .offer(offerSdp(), { offerer: { srtp: 'required' }, answerer: {} }, { fromTag: 'a' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MediaPolicyError);
      return String(sipStatusFor(error).status);
    }
    case 'bad-answer': {
      await session.offer(offerSdp(), plain, { fromTag: 'a' });
      const error = await session.answer('v=0\r\ngarbage', 'b').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadSdp);
      await session.delete(); // the core fails the call
      return String(sipStatusFor(error).status);
    }
    case 'bad-sdp': {
      const error = await session.offer('not sdp', plain, { fromTag: 'a' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadSdp);
      return String(sipStatusFor(error).status);
    }
    case 'lost-in-engine': {
      // rtpengine no longer knows the call (e.g. its own timeout): the answer fails with its reason.
      await session.offer(offerSdp(), plain, { fromTag: 'a' });
      await sideChannel.send('delete', { 'call-id': callId });
      const error = await session.answer(peer.sdp({ codecs: PCMU }), 'b').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RtpengineError);
      await session.delete();
      return String(sipStatusFor(error).status);
    }
    case 'left-for-shutdown':
      await session.offer(offerSdp(), plain, { fromTag: 'a' });
      return 'ok';
  }
}

describe('no session leaks', () => {
  it('a batch of 140 mixed calls, then shutdown cleanup, leaves rtpengine and the registry empty', async () => {
    expect(await media.rtpengineCallIds()).toEqual([]);
    const outcomes = Array.from({ length: 140 }, (_, i) => OUTCOMES[i % OUTCOMES.length] as Outcome);
    const statuses = await Promise.all(outcomes.map((o, i) => runCall(i, o)));
    expect(new Set(statuses)).toEqual(new Set(['ok', '488', '503']));
    expect(media.sessionCount).toBe(20);
    expect((await media.rtpengineCallIds()).length).toBe(20);
    expect(await media.deleteAll()).toBe(20);
    expect(media.sessionCount).toBe(0);
    expect(await media.rtpengineCallIds()).toEqual([]);
  });

  it('delete is idempotent and a deleted session refuses further offers', async () => {
    const session = media.createSession(`twice-${process.pid}`);
    await session.offer(offerSdp(), plain, { fromTag: 'a' });
    await session.delete();
    await session.delete();
    expect(session.state).toBe('deleted');
    await expect(session.offer(offerSdp(), plain, { fromTag: 'a' })).rejects.toThrow('already deleted');
    expect(media.sessionCount).toBe(0);
  });

  it('one session per call id; re-offers (re-INVITE) reuse the same rtpengine call', async () => {
    const session = media.createSession(`reinvite-${process.pid}`);
    expect(() => media.createSession(`reinvite-${process.pid}`)).toThrow('already exists');
    await session.offer(offerSdp(), plain, { fromTag: 'a' });
    await session.answer(peer.sdp({ codecs: PCMU }), 'b');
    const endpoint = session.endpoint;
    await session.offer(offerSdp(), plain, { fromTag: 'a', toTag: 'b' });
    await session.answer(peer.sdp({ codecs: PCMU }), 'b');
    expect(session.endpoint).toBe(endpoint);
    expect((await media.rtpengineCallIds()).filter((id) => id === `reinvite-${process.pid}`)).toHaveLength(1);
    await session.delete();
    expect(await media.rtpengineCallIds()).toEqual([]);
  });

  it('a 183 answer followed by the 200 answer updates the same session', async () => {
    const session = media.createSession(`early-${process.pid}`);
    await session.offer(offerSdp(), plain, { fromTag: 'a' });
    const early = await session.answer(peer.sdp({ codecs: PCMU }), 'b');
    const final = await session.answer(peer.sdp({ codecs: PCMU }), 'b');
    expect(/^m=audio (\d+)/m.exec(final)?.[1]).toBe(/^m=audio (\d+)/m.exec(early)?.[1]);
    expect(session.state).toBe('answered');
    await session.delete();
  });

  it('reconcile names the calls rtpengine dropped by itself, so the core can end them', async () => {
    const kept = media.createSession(`kept-${process.pid}`);
    const dropped = media.createSession(`dropped-${process.pid}`);
    const bypassed = media.createSession(`bypassed-${process.pid}`);
    await kept.offer(offerSdp(), plain, { fromTag: 'a' });
    await dropped.offer(offerSdp(), plain, { fromTag: 'a' });
    await bypassed.offer(offerSdp(), { ...plain, bypass: true }, { fromTag: 'a' });
    await sideChannel.send('delete', { 'call-id': `dropped-${process.pid}` });
    expect(await media.reconcile()).toEqual([`dropped-${process.pid}`]);
    await Promise.all([kept.delete(), dropped.delete(), bypassed.delete()]);
    expect(await media.reconcile()).toEqual([]);
  });

  it('answer without an offer is a policy error, not a crash', async () => {
    const session = media.createSession(`no-offer-${process.pid}`);
    await expect(session.answer(offerSdp(), 'b')).rejects.toBeInstanceOf(MediaPolicyError);
    await session.delete();
  });

  it('bypassed calls pass SDP through and never reach rtpengine', async () => {
    const session = media.createSession(`bypass-${process.pid}`);
    const sdp = offerSdp();
    expect(await session.offer(sdp, { ...plain, bypass: true }, { fromTag: 'a' })).toBe(sdp);
    const answer = peer.sdp({ codecs: PCMU });
    expect(await session.answer(answer, 'b')).toBe(answer);
    expect(session.bypass).toBe(true);
    expect(await media.rtpengineCallIds()).toEqual([]);
    await session.delete();
  });
});
