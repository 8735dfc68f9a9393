/**
 * Routing one call (issue item 3): the peers of a route plan in order, each
 * INVITE re-sent `retry` more times on a failover cause before the next peer
 * (Zoom: "one additional attempt to resend any outgoing INVITE" before the
 * alternative path, seeds/003), a timeout when no provisional response comes
 * in time, and every outcome recorded for the best response (RFC 3261 §16.7).
 * A final answer that is not a failover cause (486, 404…) ends routing.
 */
import type { SipMessage } from '../../edge/sip/index.ts';
import { type AttemptOutcome, triggersFailover } from '../routing/failover-policy.ts';
import { peerKey, type RouteCandidate } from '../routing/route-plan.ts';
import { parseSip } from '../sip/messages.ts';
import type { ArrivalHosts } from '../sip/topology.ts';
import {
  isLateOffer,
  type LateOfferUac,
  type SrfDialog,
  type SrfRequest,
  type SrfResponseIn,
} from '../srf-types.ts';
import { catchEarlyBye } from './caller-leg.ts';
import type { Call } from './call.ts';
import { buildFarInvite, type FarInvite } from './far-invite.ts';
import type { CallServices } from './services.ts';
import { minSeOf } from './session-timer.ts';

export interface Outcome {
  outcome: AttemptOutcome;
  reason?: string;
  /** The final response (after the response hook), when there was one. */
  response?: SipMessage;
  trunk: string;
  request?: SipMessage;
}

export type RouteResult =
  | {
      kind: 'answered';
      uac: SrfDialog | LateOfferUac;
      response: SipMessage;
      request: SipMessage;
      candidate: RouteCandidate;
    }
  | { kind: 'failed'; outcomes: Outcome[] }
  | { kind: 'canceled' };

type Once =
  | { kind: 'answered'; uac: SrfDialog | LateOfferUac; response: SipMessage }
  | { kind: 'failed'; outcome: Outcome }
  | { kind: 'canceled' };

export interface AttemptEvents {
  /** A provisional response from the far end (status > 100), for the caller's leg. */
  provisional(res: SrfResponseIn, request: SipMessage, candidate: RouteCandidate): void;
  /** The far end's final answer, through the response hook; returns it edited. */
  final(res: SrfResponseIn, request: SipMessage, candidate: RouteCandidate): SipMessage;
}

export class RoutingAttempt {
  readonly #call: Call;
  readonly #services: CallServices;
  readonly #edited: Buffer;
  readonly #arrival: ArrivalHosts;
  readonly #sdp: string;
  readonly #events: AttemptEvents;
  #inFlight: { req?: SrfRequest; cancel: () => void } | undefined;

  constructor(
    call: Call,
    services: CallServices,
    invite: { edited: Buffer; arrival: ArrivalHosts; sdp: string },
    events: AttemptEvents,
  ) {
    this.#call = call;
    this.#services = services;
    this.#edited = invite.edited;
    this.#arrival = invite.arrival;
    this.#sdp = invite.sdp;
    this.#events = events;
  }

  /** The caller sent CANCEL: stop the INVITE in flight and try nothing more. */
  cancel(): void {
    this.#call.canceled = true;
    this.#inFlight?.cancel();
  }

  async run(candidates: readonly RouteCandidate[], outcomes: Outcome[]): Promise<RouteResult> {
    for (const candidate of candidates) {
      for (let sent = 0; sent <= candidate.policy.retry; sent++) {
        if (this.#call.canceled) return { kind: 'canceled' };
        const once = await this.#sendOnce(candidate);
        if (once.kind === 'canceled') return once;
        if (once.kind === 'answered') {
          const request = this.#lastRequest!;
          return { kind: 'answered', uac: once.uac, response: once.response, request, candidate };
        }
        outcomes.push(once.outcome);
        const o = once.outcome.outcome;
        // §7.4 of RFC 4028: a 422 names the Min-SE to use; the same peer gets the INVITE again.
        if (o === 422 && once.outcome.response && this.#call.farMinSe === undefined) {
          const minSe = minSeOf(once.outcome.response);
          if (minSe !== undefined) {
            this.#call.farMinSe = minSe;
            sent--;
            continue;
          }
        }
        if (!triggersFailover(o, candidate.policy)) return { kind: 'failed', outcomes };
      }
    }
    return { kind: 'failed', outcomes };
  }

  #lastRequest: SipMessage | undefined;

  /** The offer made on a late-offer caller's behalf, made once and reused by every attempt that needs it. */
  #placeholder: Promise<string> | undefined;

  /**
   * The SDP of the INVITE to this candidate: the caller's offer (through the media layer), or for a
   * caller that sent none, an offer on its behalf when the trunk needs one (`early_offer`, seeds/003
   * Zoom), else none (late offer relayed as such, RFC 3261 §13.2.1).
   */
  async #offerFor(candidate: RouteCandidate): Promise<string> {
    const media = this.#call.media;
    if (this.#sdp !== '' || candidate.trunk.earlyOffer !== true || !media) return this.#sdp;
    this.#placeholder ??= media.placeholderOffer();
    return this.#placeholder;
  }

  async #sendOnce(candidate: RouteCandidate): Promise<Once> {
    let sdp: string;
    try {
      sdp = await this.#offerFor(candidate);
    } catch (error) {
      const e = error as { sipStatus?: number; reason?: string };
      this.#services.logger.warn({ callId: this.#call.id, err: error }, 'no offer for an early-offer trunk');
      this.#placeholder = undefined;
      const outcome = typeof e?.sipStatus === 'number' ? e.sipStatus : 500;
      return {
        kind: 'failed',
        outcome: { outcome, reason: e?.reason ?? 'Media Error', trunk: candidate.trunk.name },
      };
    }
    return this.#invite(candidate, sdp);
  }

  async #invite(candidate: RouteCandidate, sdp: string): Promise<Once> {
    const call = this.#call;
    const services = this.#services;
    const trunk = candidate.trunk;
    const peer = peerKey(candidate.peer);
    // Admission on the outbound trunk: a trunk over its limit is skipped like a 503 from it.
    const admission = await services.admission.admit([
      { key: `trunk:${trunk.name}`, maxCalls: trunk.maxCalls, cps: trunk.cps },
    ]);
    if (!admission.admitted) {
      services.metrics.admissionRejects.labels(admission.limit).inc();
      call.attempts.push({ trunk: trunk.name, peer, outcome: 'admission' });
      return { kind: 'failed', outcome: { outcome: 503, reason: 'Service Unavailable', trunk: trunk.name } };
    }
    call.attempt++;
    let far: FarInvite;
    try {
      far = buildFarInvite(call, this.#edited, this.#arrival, candidate, services);
    } catch (error) {
      admission.release();
      services.logger.warn({ callId: call.id, err: error }, 'cannot build the outgoing INVITE');
      return { kind: 'failed', outcome: { outcome: 500, trunk: trunk.name } };
    }
    this.#lastRequest = far.message;
    const record = { trunk: trunk.name, peer, outcome: 'pending' as number | string };
    call.attempts.push(record);

    return new Promise<Once>((resolve) => {
      let settled = false;
      let gotProvisional = false;
      const finish = (once: Once): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#inFlight = undefined;
        if (once.kind === 'answered') {
          record.outcome = 200;
          call.onCleanup(admission.release);
          call.outboundTrunk = trunk;
        } else {
          record.outcome = once.kind === 'failed' ? once.outcome.outcome : 'canceled';
          admission.release();
        }
        resolve(once);
      };
      const inFlight: { req?: SrfRequest; cancel: () => void } = {
        cancel: () => {
          inFlight.req?.cancel(() => {});
          finish({ kind: 'canceled' });
        },
      };
      this.#inFlight = inFlight;
      // No provisional in time: CANCEL it and count a timeout (docs/language.md §6.7).
      const timer = setTimeout(() => {
        if (gotProvisional) return;
        inFlight.req?.cancel(() => {});
        finish({
          kind: 'failed',
          outcome: { outcome: 'timeout', reason: 'Request Timeout', trunk: trunk.name },
        });
      }, candidate.policy.timeoutMs);
      timer.unref();

      services.metrics.edge.outRequest.inc();
      const options: Parameters<typeof services.srf.createUAC>[1] = { headers: far.headers };
      if (sdp !== '') options.localSdp = sdp;
      else options.noAck = true;
      if (far.proxy !== undefined) options.proxy = far.proxy;
      services.srf
        .createUAC(far.uri, options, {
          cbRequest: (_err, req) => {
            inFlight.req = req;
            if (call.canceled) req?.cancel(() => {});
          },
          cbProvisional: (res) => {
            services.metrics.edge.inResponse.inc();
            if (res.status <= 100) return;
            gotProvisional = true;
            if (!settled) this.#events.provisional(res, far.message, candidate);
          },
        })
        .then((uac) => {
          services.metrics.edge.inResponse.inc();
          if (!isLateOffer(uac)) catchEarlyBye(uac);
          const res = 'res' in uac && uac.res ? uac.res : undefined;
          if (settled) {
            // Answered after we gave up on it (timeout or CANCEL race): hang it up.
            void uac.destroy().catch(() => {});
            return;
          }
          const response = res ? this.#events.final(res, far.message, candidate) : parseSip(okFallback);
          finish({ kind: 'answered', uac, response });
        })
        .catch((error: { status?: number; reason?: string; res?: SrfResponseIn }) => {
          if (typeof error?.status === 'number') services.metrics.edge.inResponse.inc();
          if (settled) return;
          if (call.canceled) {
            finish({ kind: 'canceled' });
            return;
          }
          if (typeof error?.status !== 'number') {
            finish({
              kind: 'failed',
              outcome: { outcome: 'unreachable', trunk: trunk.name, request: far.message },
            });
            return;
          }
          const response = error.res ? this.#events.final(error.res, far.message, candidate) : undefined;
          const outcome: Outcome = {
            outcome: error.status,
            trunk: trunk.name,
            request: far.message,
            reason: error.reason ?? '',
          };
          if (response) outcome.response = response;
          finish({ kind: 'failed', outcome });
        });
    });
  }
}

const okFallback =
  'SIP/2.0 200 OK\r\nFrom: <sip:x@invalid>\r\nTo: <sip:x@invalid>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n';
