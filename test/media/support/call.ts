/** Sets up a two-party call through a real rtpengine via MediaSession, with one RtpPeer per leg. */
import type { MediaService } from '../../../src/media/media-service.ts';
import type { MediaSession } from '../../../src/media/media-session.ts';
import type { CallMediaPolicy } from '../../../src/media/policy.ts';
import { audioPort, RtpPeer, type SdpOptions } from './rtp.ts';

export interface TestCall {
  session: MediaSession;
  caller: RtpPeer;
  callee: RtpPeer;
  /** SDP rtpengine produced toward the callee (the offer) and toward the caller (the answer). */
  offerToCallee: string;
  answerToCaller: string;
  /** Where each peer must send its media (rtpengine's ports for that leg). */
  callerSendsTo: number;
  calleeSendsTo: number;
  close(): Promise<void>;
}

let counter = 0;

export async function setUpCall(
  media: MediaService,
  policy: CallMediaPolicy,
  callerSdp: (peer: RtpPeer) => string,
  calleeSdp: (peer: RtpPeer, offer: string) => string,
  callId = `test-${process.pid}-${++counter}`,
): Promise<TestCall> {
  const caller = await RtpPeer.open();
  const callee = await RtpPeer.open();
  const session = media.createSession(callId);
  const offerToCallee = await session.offer(callerSdp(caller), policy, { fromTag: 'caller-tag' });
  const answerToCaller = await session.answer(calleeSdp(callee, offerToCallee), 'callee-tag');
  return {
    session,
    caller,
    callee,
    offerToCallee,
    answerToCaller,
    callerSendsTo: audioPort(answerToCaller),
    calleeSendsTo: audioPort(offerToCallee),
    async close() {
      await session.delete();
      caller.close();
      callee.close();
    },
  };
}

export const PCMU: SdpOptions['codecs'] = [[0, 'PCMU/8000']];
export const PCMU_TE: SdpOptions['codecs'] = [
  [0, 'PCMU/8000'],
  [101, 'telephone-event/8000'],
];
export const PCMA_TE: SdpOptions['codecs'] = [
  [8, 'PCMA/8000'],
  [101, 'telephone-event/8000'],
];
