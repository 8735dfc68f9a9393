/**
 * A new call, from its INVITE to answered or failed (issue items 1–4): the
 * `on request INVITE` hook, routing with failover, provisional and final
 * responses through the response hook, `on failure` when every attempt
 * failed, then the dialogs bridged and the session timers started.
 */
import { type Decisions, emptyDecisions } from '../effects/index.ts';
import { bestResponse } from '../routing/best-response.ts';
import type { RouteCandidate } from '../routing/route-plan.ts';
import { bodyText, parseSip } from '../sip/messages.ts';
import { serialize, type SipMessage } from '../../edge/sip/index.ts';
import { isLateOffer, type LateOfferUac, type SrfDialog, type SrfResponseIn } from '../srf-types.ts';
import type { Call } from './call.ts';
import type { CallerLeg } from './caller-leg.ts';
import { ALLOW } from './far-invite.ts';
import { type HookOutcome, runHook } from './hooks.ts';
import { relayMediaDigits } from './dtmf-interworking.ts';
import { bridgeDialogs } from './in-dialog.ts';
import { type Outcome, RoutingAttempt } from './routing-attempt.ts';
import type { CallServices } from './services.ts';
import { allowsUpdate, callerTimer, farTimer, LegSessionTimer, trunkTimer } from './session-timer.ts';

/** `on failure` may route again; this bounds how often one call does so. */
const MAX_FAILURE_REROUTES = 4;

export async function runNewCall(
  call: Call,
  caller: CallerLeg,
  route: NonNullable<Decisions['route']>,
  services: CallServices,
): Promise<void> {
  const invite = call.invite;
  let sdp = bodyText(invite);
  const media = call.media;
  // A caller without SDP (late offer) is relayed as such; its media is not anchored.
  if (media && sdp !== '') {
    try {
      sdp = await media.offer(sdp);
    } catch (error) {
      const { status, reason } = mediaFailure(error);
      caller.reject(status, reason);
      call.end({ status, cause: 'media' });
      return;
    }
  }
  const attempt = new RoutingAttempt(
    call,
    services,
    { edited: serialize(invite), arrival: call.arrival, sdp },
    {
      provisional: (res, request, candidate) =>
        relayProvisional(call, caller, services, res, request, candidate),
      final: (res, request, candidate) => responseHook(call, services, res, request, candidate),
    },
  );
  caller.req.on('cancel', () => attempt.cancel());
  const outcomes: Outcome[] = [];
  let target = route;
  for (let reroutes = 0; ; reroutes++) {
    const candidates = call.version.planner.plan(target);
    const result = await attempt.run(candidates, outcomes);
    if (result.kind === 'canceled') {
      // The edge answered the CANCEL and sent 487 upstream itself.
      call.end({ status: 487, cause: 'caller-cancel' });
      return;
    }
    if (result.kind === 'answered') {
      await connect(call, caller, services, result.uac, result.response, result.candidate);
      return;
    }
    const last = outcomes[outcomes.length - 1];
    const failure = failureOf(last, target.target);
    const message = last?.response ?? last?.request ?? invite;
    const ctx = call.hookContext();
    let decided: HookOutcome;
    try {
      decided = runHook(
        ctx,
        { hook: 'failure', message, ...(last?.request ? { request: last.request } : {}), failure },
        services.observer,
      );
    } catch (error) {
      // A message the rules cannot read: no `on failure` decision, the best response goes upstream.
      services.logger.warn({ callId: call.id, err: error }, 'failure hook not run');
      decided = { ...emptyDecisions(), handler: '' };
    }
    if (decided.route && reroutes < MAX_FAILURE_REROUTES) {
      target = decided.route;
      continue;
    }
    const answer = decided.reject ?? decided.reply;
    if (answer) {
      caller.reject(answer.code, answer.reason, Object.fromEntries(decided.reject?.headers ?? []));
      call.end({ status: answer.code, cause: 'rule-reject-on-failure' });
      return;
    }
    const best = bestResponse(outcomes);
    const headers: Record<string, string> = {};
    const retryAfter = outcomes.find((o) => o.outcome === best.status)?.response?.get('Retry-After');
    if (retryAfter !== undefined) headers['Retry-After'] = retryAfter;
    caller.reject(best.status, best.reason, headers);
    call.end({ status: best.status, cause: outcomes.length === 0 ? 'no-route' : 'routing-failed' });
    return;
  }
}

function failureOf(last: Outcome | undefined, target: string) {
  if (last === undefined) return { status: 503, reason: 'No route available', timeout: false, trunk: target };
  const o = last.outcome;
  if (o === 'timeout') return { status: 408, reason: 'Request Timeout', timeout: true, trunk: last.trunk };
  if (o === 'unreachable') return { status: 503, reason: 'Unreachable', timeout: false, trunk: last.trunk };
  return { status: o, reason: last.reason ?? '', timeout: false, trunk: last.trunk };
}

function responseHook(
  call: Call,
  services: CallServices,
  res: SrfResponseIn,
  request: SipMessage,
  candidate: RouteCandidate,
): SipMessage {
  return runResponseHook(call, services, res, request, candidate).message;
}

function runResponseHook(
  call: Call,
  services: CallServices,
  res: SrfResponseIn,
  request: SipMessage,
  candidate: RouteCandidate,
): { message: SipMessage; outcome: HookOutcome } {
  const message = parseSip(res.raw);
  const ctx = call.hookContext();
  ctx.source = {
    ip: candidate.peer.host,
    port: candidate.peer.port,
    transport: candidate.peer.transport,
    trunk: candidate.trunk.name,
  };
  let outcome: HookOutcome;
  try {
    outcome = runHook(ctx, { hook: 'response', message, request }, services.observer);
  } catch (error) {
    // A request the rules cannot read back (a snapshot error) must cost this hook, never the process.
    services.logger.warn({ callId: call.id, err: error }, 'response hook not run');
    outcome = { ...emptyDecisions(), handler: '' };
  }
  return { message, outcome };
}

function relayProvisional(
  call: Call,
  caller: CallerLeg,
  services: CallServices,
  res: SrfResponseIn,
  request: SipMessage,
  candidate: RouteCandidate,
): void {
  let msg: SipMessage;
  let outcome: HookOutcome;
  try {
    ({ message: msg, outcome } = runResponseHook(call, services, res, request, candidate));
  } catch {
    return;
  }
  const body = bodyText(msg);
  const calleeTag = res.get('To')?.match(/tag=([^;>\s]+)/)?.[1] ?? '';
  if (body === '' && msg.status === 180 && injectsRingback(call, outcome)) {
    startRingback(call, caller, services, msg, calleeTag);
    return;
  }
  // Configurable 180 → 183 (issue item 4); a rule may have changed the status already.
  if (msg.status === 180 && services.settings.ringingAs183) msg.setStatus(183, 'Session Progress');
  if (body === '' || !call.media) {
    // While a local ringback tone plays, the caller keeps its early media: no SDP-less 18x on top.
    if (call.ringback === undefined) caller.provisional(call, msg, body);
    return;
  }
  call.ringback = undefined;
  void call.media
    .answer(body, calleeTag)
    .then((sdp) => caller.provisional(call, msg, sdp))
    .catch(() => caller.provisional(call, msg, ''));
}

/**
 * A caller that sent an offer, whose leg asks for a local ringback tone (`ringback: inject`), from
 * its trunk or the INVITE's rules, or from this response's hook (`media inbound { ringback: inject }`).
 */
function injectsRingback(call: Call, outcome: HookOutcome): boolean {
  if (!call.media || bodyText(call.invite) === '') return false;
  const asked = outcome.media.filter((m) => m.leg === 'inbound' && m.policy.ringback !== undefined).at(-1);
  return asked ? asked.policy.ringback === 'inject' : call.media.injectsRingback;
}

/**
 * The callee rings without early media: the caller gets a 183 with SDP and hears the SBC's ringback
 * tone until the callee's own early media or answer (docs/media.md). Once per call.
 */
function startRingback(
  call: Call,
  caller: CallerLeg,
  services: CallServices,
  ringing: SipMessage,
  calleeTag: string,
): void {
  if (call.ringback !== undefined) return;
  call.ringback = call.media!.startRingback(calleeTag).then(
    (sdp) => {
      ringing.setStatus(183, 'Session Progress');
      caller.provisional(call, ringing, sdp);
    },
    (error: unknown) => {
      services.logger.warn({ callId: call.id, err: error }, 'ringback not injected');
      caller.provisional(call, ringing, '');
    },
  );
}

async function connect(
  call: Call,
  caller: CallerLeg,
  services: CallServices,
  uac: SrfDialog | LateOfferUac,
  response: SipMessage,
  candidate: RouteCandidate,
): Promise<void> {
  const late = isLateOffer(uac);
  const farSdp = late ? uac.sdp : bodyText(response);
  let sdp = farSdp;
  // The caller sent no offer but the far end got one made on its behalf (early_offer trunk): the
  // far end's answer, anchored, is the offer in our 200, and the caller's answer comes in its ACK.
  const offeredForCaller = !late && bodyText(call.invite) === '' && call.media !== undefined;
  const hangUpFar = () => void uac.destroy().catch(() => {});
  if (call.media && sdp !== '' && !late) {
    try {
      sdp = await call.media.answer(sdp, uac.sip.remoteTag);
    } catch (error) {
      hangUpFar();
      const { status, reason } = mediaFailure(error);
      caller.reject(status, reason);
      call.end({ status, cause: 'media' });
      return;
    }
  }
  if (call.canceled || caller.answered) {
    hangUpFar();
    call.end({ status: 487, cause: 'caller-cancel' });
    return;
  }
  const timer = callerTimer(call.invite, call.inboundTrunk, services.settings);
  let uas: SrfDialog;
  try {
    uas = await caller.answer(response, sdp, { ...timer.headers, Allow: ALLOW });
  } catch {
    hangUpFar();
    call.end({ status: 487, cause: 'caller-gone' });
    return;
  }
  call.uas = uas;
  call.answered();
  const teardown = (cause: string) => {
    void uas.destroy().catch(() => {});
    void call.uac?.destroy().catch(() => {});
    call.end({ status: 200, cause });
  };
  if (late) {
    // The caller sent no offer: the far end's offer went up in our 200, the caller's answer comes in its ACK.
    uas.once('ack', (ack: { body: string }) => {
      uac
        .ack(ack.body)
        .then((dialog) => {
          call.uac = dialog;
          if (call.ended) void dialog.destroy().catch(() => {});
          else startBridge(call, services, response, candidate, timer.timer, teardown);
        })
        .catch(() => teardown('late-offer-ack-failed'));
    });
    uas.once('destroy', () => {
      if (call.uac === undefined) {
        hangUpFar();
        call.end({ status: 200, cause: 'caller-bye' });
      }
    });
    return;
  }
  call.uac = uac;
  if (offeredForCaller && call.media) {
    const media = call.media;
    const farTag = uac.sip.remoteTag;
    uas.once('ack', (ack: { body: string }) => {
      // RFC 3264 §5: the ACK's answer completes the caller's side in rtpengine (its real address and
      // codecs replace the placeholder's): a re-offer from the caller, answered with the far end's SDP.
      if (!ack.body || call.ended) return;
      media.completeLateOffer(ack.body, farSdp, farTag).catch((error: unknown) => {
        services.logger.warn(
          { callId: call.id, err: error },
          'caller answer in ACK refused by the media layer',
        );
        teardown('media');
      });
    });
  }
  startBridge(call, services, response, candidate, timer.timer, teardown);
}

function startBridge(
  call: Call,
  services: CallServices,
  response: SipMessage,
  candidate: RouteCandidate,
  callerLegTimer: { seconds: number; weRefresh: boolean },
  teardown: (cause: string) => void,
): void {
  const expired = (why: string) => {
    services.logger.info({ callId: call.id, why }, 'session timer ended the call');
    teardown('session-timer');
  };
  const timers = [
    new LegSessionTimer(call.uas!, callerLegTimer, allowsUpdate(call.invite), 'uas', expired),
    new LegSessionTimer(
      call.uac!,
      farTimer(response, trunkTimer(candidate.trunk, services.settings).se),
      allowsUpdate(response),
      'uac',
      expired,
    ),
  ];
  call.onCleanup(() => {
    for (const t of timers) t.stop();
  });
  relayMediaDigits(call, services);
  bridgeDialogs(call, services, {
    refreshed: (leg) => {
      // A refresh crossing the SBC refreshes both legs' sessions.
      void leg;
      for (const t of timers) t.refreshed();
    },
    ended: (cause) => call.end({ status: 200, cause }),
  });
}

function mediaFailure(error: unknown): { status: number; reason: string } {
  const e = error as { sipStatus?: number; reason?: string };
  return typeof e?.sipStatus === 'number'
    ? { status: e.sipStatus, reason: e.reason ?? 'Media Error' }
    : { status: 500, reason: 'Media Error' };
}
