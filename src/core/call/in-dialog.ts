/**
 * In-dialog requests of an answered call (issue item 2): re-INVITE, UPDATE,
 * INFO, OPTIONS, MESSAGE, NOTIFY, REFER are relayed to the other leg after
 * the `on request … in dialog` hook, and the answer relayed back after the
 * response hook; BYE ends both legs. Only pass-through headers cross (item 8).
 */
import type { SipMessage } from '../../edge/sip/index.ts';
import {
  bodyText,
  MANAGED_REQUEST,
  MANAGED_RESPONSE,
  parseSip,
  passThroughHeaders,
} from '../sip/messages.ts';
import type { SrfDialog, SrfRequest, SrfResponse } from '../srf-types.ts';
import { earlyBye, sendableStatus } from './caller-leg.ts';
import type { Call } from './call.ts';
import { injectInfoDigit } from './dtmf-interworking.ts';
import { runHook } from './hooks.ts';
import type { CallServices } from './services.ts';

const RELAYED = ['modify', 'update', 'info', 'options', 'message', 'notify', 'refer'] as const;

export interface DialogBridgeEvents {
  /** A re-INVITE or UPDATE crossed the leg (the session timer counts it as a refresh). */
  refreshed(leg: 'caller' | 'callee'): void;
  /** The call is over: the other leg has been sent its BYE. */
  ended(cause: string): void;
}

export function bridgeDialogs(call: Call, services: CallServices, events: DialogBridgeEvents): void {
  const uas = call.uas!;
  const uac = call.uac!;
  const legs: [SrfDialog, SrfDialog, 'caller' | 'callee'][] = [
    [uas, uac, 'caller'],
    [uac, uas, 'callee'],
  ];
  for (const [from, to, side] of legs) {
    const onBye = (req: SrfRequest) => {
      services.metrics.edge.inRequest.inc();
      let headers: Record<string, string> = {};
      try {
        const msg = parseSip(req.raw);
        runHook(call.hookContext(), { hook: 'request', inDialog: true, message: msg }, services.observer);
        headers = passThroughHeaders(msg, MANAGED_REQUEST);
      } catch {
        // an unreadable BYE still ends the call
      }
      services.metrics.edge.outRequest.inc();
      void to.destroy({ headers }).catch(() => {});
      events.ended(side === 'caller' ? 'caller-bye' : 'callee-bye');
    };
    const early = earlyBye(from);
    if (early) {
      onBye(early);
      return;
    }
    from.on('destroy', onBye);
    for (const event of RELAYED) {
      from.on(event, (req: SrfRequest, res: SrfResponse) => {
        void relay(call, services, req, res, to, side).then((refresh) => {
          if (refresh) events.refreshed(side);
        });
      });
    }
  }
}

/** Relays one request; resolves true when it was a successful re-INVITE/UPDATE (a session refresh). */
async function relay(
  call: Call,
  services: CallServices,
  req: SrfRequest,
  res: SrfResponse,
  to: SrfDialog,
  side: 'caller' | 'callee',
): Promise<boolean> {
  services.metrics.edge.inRequest.inc();
  let msg: SipMessage;
  try {
    msg = parseSip(req.raw);
  } catch {
    res.send(400);
    return false;
  }
  let outcome: ReturnType<typeof runHook>;
  try {
    outcome = runHook(
      call.hookContext(),
      { hook: 'request', inDialog: true, message: msg },
      services.observer,
    );
  } catch (error) {
    // A message the rules cannot read costs this request (500), never the process.
    services.logger.warn({ callId: call.id, err: error }, 'in-dialog request hook not run');
    res.send(500);
    return false;
  }
  const answer = outcome.reject ?? outcome.reply;
  if (answer) {
    res.send(sendableStatus(answer.code), answer.reason, {
      headers: Object.fromEntries(outcome.reject?.headers ?? []),
    });
    return false;
  }
  // An INFO digit toward a party that takes DTMF in its media is injected there, not relayed.
  if (injectInfoDigit(call, services, msg, side, res)) return false;
  const headers = passThroughHeaders(msg, MANAGED_REQUEST);
  let body = bodyText(msg);
  const contentType = msg.get('Content-Type');
  if (body !== '' && contentType) headers['Content-Type'] = contentType;
  const method = msg.method;
  const media = call.media;
  try {
    // A re-offer goes to rtpengine as from the side that sent it (the callee's tag and policy for the callee's).
    if (media && body !== '' && (method === 'INVITE' || method === 'UPDATE'))
      body = await media.offer(body, side);
    services.metrics.edge.outRequest.inc();
    const response = await to.request({ method, headers, ...(body !== '' ? { body } : {}) });
    services.metrics.edge.inResponse.inc();
    const resMsg = parseSip(response.raw);
    runHook(call.hookContext(), { hook: 'response', message: resMsg, request: msg }, services.observer);
    let resBody = bodyText(resMsg);
    if (media && resBody !== '' && resMsg.status < 300 && (method === 'INVITE' || method === 'UPDATE'))
      resBody = await media.answer(resBody, to.sip.remoteTag);
    const resHeaders = passThroughHeaders(resMsg, MANAGED_RESPONSE);
    const resType = resMsg.get('Content-Type');
    if (resBody !== '' && resType) resHeaders['Content-Type'] = resType;
    services.metrics.edge.outResponse.inc();
    res.send(sendableStatus(resMsg.status), resMsg.reason, {
      headers: resHeaders,
      ...(resBody !== '' ? { body: resBody } : {}),
    });
    return resMsg.status < 300 && (method === 'INVITE' || method === 'UPDATE');
  } catch (error) {
    services.logger.debug({ callId: call.id, method, err: error }, 'in-dialog request not relayed');
    if (!res.finalResponseSent) res.send(500);
    return false;
  }
}
