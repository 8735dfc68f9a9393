/**
 * The media bridge over src/media (rtpengine): a session per call whose
 * trunks or rules set a media policy (issue item 5). The caller's leg is the
 * offerer, the far leg the answerer; per-trunk extras (SRTP suites, a= rules,
 * topology hiding) come from `media.trunks` and bypassed pairs from
 * `media.bypass` in the config. No rtpengine available: `open` throws the
 * media layer's MediaUnavailable, which the core answers with 503.
 */
import type { IrMediaPolicy } from '../../../dsl/index.ts';
import type { CallMediaPolicy, LegMediaPolicy, MediaService } from '../../media/index.ts';
import type { CallMedia, MediaBridge, MediaOpen } from './media-bridge.ts';

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
    if (o.inbound === undefined && o.outbound === undefined) return undefined;
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
    let toTag: string | undefined;
    return {
      offer: (sdp) => session.offer(sdp, policy, { fromTag: o.fromTag, ...(toTag ? { toTag } : {}) }),
      answer: async (sdp, tag) => {
        const out = await session.answer(sdp, tag);
        toTag = tag;
        return out;
      },
      delete: () => session.delete(),
    };
  }
}
