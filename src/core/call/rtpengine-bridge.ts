/**
 * The media bridge over src/media (rtpengine): a session per call whose
 * trunks or rules set a media policy (issue item 5). The caller's leg is the
 * offerer of the first offer, the far leg the answerer; a re-offer from the
 * callee goes to rtpengine from the callee's tag with the policies swapped
 * (docs/media.md, `reversed`). Per-trunk extras (SRTP suites, a= rules,
 * topology hiding) come from `media.trunks` and bypassed pairs from
 * `media.bypass` in the config. No rtpengine available: `open` throws the
 * media layer's MediaUnavailable, which the core answers with 503.
 */
import type { IrMediaPolicy } from '../../../dsl/index.ts';
import {
  type CallMediaPolicy,
  type LegMediaPolicy,
  type MediaService,
  parseSdp,
  reversed,
  summarizeAudio,
} from '../../media/index.ts';
import type { CallMedia, MediaBridge, MediaOpen, OfferSide } from './media-bridge.ts';
import { placeholderAnswer } from './placeholder-answer.ts';
import { placeholderOffer } from './placeholder-offer.ts';

export interface MediaExtras {
  trunks: Record<string, Omit<LegMediaPolicy, keyof IrMediaPolicy>>;
  bypass: { from: string; to: string }[];
}

export class RtpengineBridge implements MediaBridge {
  readonly #service: MediaService;
  readonly #extras: MediaExtras;

  constructor(service: MediaService, extras: MediaExtras) {
    this.#service = service;
    this.#extras = extras;
  }

  open(callId: string, o: MediaOpen): CallMedia | undefined {
    if (o.inbound === undefined && o.outbound === undefined && !o.force) return undefined;
    const bypass = this.#extras.bypass.some(
      (p) =>
        (p.from === o.inboundTrunk && p.to === o.outboundTrunk) ||
        (p.from === o.outboundTrunk && p.to === o.inboundTrunk),
    );
    if (!bypass) this.#service.assertAvailable();
    const policy: CallMediaPolicy = {
      offerer: { ...o.inbound, ...this.#extras.trunks[o.inboundTrunk] },
      answerer: { ...o.outbound, ...this.#extras.trunks[o.outboundTrunk] },
      ...(bypass ? { bypass } : {}),
    };
    const session = this.#service.createSession(callId);
    const callerTag = o.fromTag;
    /** The callee's tag, known once it answered. */
    let calleeTag: string | undefined;
    let offeredBy: OfferSide = 'caller';
    /** What the callee was last offered (the stand-in answer for ringback is made from it). */
    let offerToCallee = '';
    /** The ringback being started or playing; an answer waits for it so the tone never outlives it. */
    let ringback: Promise<unknown> | undefined;
    const offer = async (sdp: string, from: OfferSide = 'caller') => {
      offeredBy = from;
      if (from === 'callee' && calleeTag !== undefined)
        return session.offer(sdp, reversed(policy), { fromTag: calleeTag, toTag: callerTag });
      offeredBy = 'caller';
      offerToCallee = await session.offer(sdp, policy, {
        fromTag: callerTag,
        ...(calleeTag ? { toTag: calleeTag } : {}),
      });
      return offerToCallee;
    };
    const stopRingback = async () => {
      if (ringback === undefined) return;
      const started = ringback;
      ringback = undefined;
      await started.catch(() => {});
      await session.stopRingback().catch(() => {});
    };
    /** playDtmf/onDtmf name legs relative to the latest offer; a party is the offerer when its tag made it. */
    const legOf = (side: OfferSide) =>
      (side === 'caller' ? callerTag : calleeTag) === session.offererTag ? 'offerer' : 'answerer';
    return {
      offer,
      answer: async (sdp, tag) => {
        // The callee's real answer replaces a stand-in one: the tone stops first.
        await stopRingback();
        const out = await session.answer(sdp, tag);
        if (offeredBy === 'caller') calleeTag = tag;
        return out;
      },
      placeholderOffer: () => offer(placeholderOffer(policy.offerer, policy.answerer)),
      completeLateOffer: async (callerAnswer, farAnswer, farTag) => {
        const chosen = (summarizeAudio(parseSdp(farAnswer))?.codecs ?? [])
          .map((c) => c.name)
          .filter((name) => name !== 'telephone-event' && name !== 'CN');
        const held: CallMediaPolicy = { ...policy, answerer: { ...policy.answerer, codecs: chosen } };
        await session.offer(callerAnswer, held, { fromTag: callerTag, toTag: farTag });
        await session.answer(farAnswer, farTag);
      },
      injectsRingback: !bypass && policy.offerer.ringback === 'inject',
      startRingback: (tag) => {
        const started = (async () => {
          const sdp = await session.answer(placeholderAnswer(offerToCallee), tag);
          await session.playRingback();
          return sdp;
        })();
        ringback = started;
        return started;
      },
      stopRingback,
      dtmf: { caller: policy.offerer.dtmf, callee: policy.answerer.dtmf },
      sendDigit: (toward, digit, ms) => session.playDtmf(legOf(toward), digit, ms),
      onDigit: (listener) =>
        session.onDtmf((d) => {
          const sender = d.sourceTag === callerTag ? 'caller' : 'callee';
          listener(sender, d.digit, d.durationMs);
        }),
      delete: () => session.delete(),
    };
  }
}
