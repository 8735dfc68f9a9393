/**
 * Builds the INVITE of one routing attempt toward one peer: a fresh copy of
 * the caller's INVITE as the `on request` hook left it, topology hidden,
 * the `on request INVITE to TRUNK` hook run on it, then the SBC's own
 * negotiation headers (100rel, session timer, Allow).
 */
import { parseMessage, type SipMessage } from '../../edge/sip/index.ts';
import type { RouteCandidate } from '../routing/route-plan.ts';
import { MANAGED_REQUEST, passThroughHeaders } from '../sip/messages.ts';
import { type ArrivalHosts, hideTopology, ruleContact } from '../sip/topology.ts';
import type { Call } from './call.ts';
import { runHook } from './hooks.ts';
import type { CallServices } from './services.ts';
import { sessionTimerRequestHeaders } from './session-timer.ts';

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO';

export interface FarInvite {
  uri: string;
  proxy?: string;
  headers: Record<string, string>;
  /** The request as rules last saw it (response and failure hooks get it as `request`). */
  message: SipMessage;
}

export function buildFarInvite(
  call: Call,
  edited: Buffer,
  arrival: ArrivalHosts,
  candidate: RouteCandidate,
  services: CallServices,
): FarInvite {
  const parsed = parseMessage(edited);
  if (!parsed.ok) throw new Error(`cannot re-read the edited INVITE: ${parsed.error.reason}`);
  const msg = parsed.message;
  const { proxy } = hideTopology(msg, arrival, candidate.peer);
  const ctx = call.hookContext();
  runHook(
    ctx,
    { hook: 'request', direction: 'out', message: msg, target: candidate.trunk.name },
    services.observer,
  );
  const headers = passThroughHeaders(msg, MANAGED_REQUEST);
  const contact = ruleContact(msg, arrival, candidate.peer.transport, services.settings.listenPorts);
  if (contact !== undefined) headers.Contact = contact;
  const from = msg.get('From');
  const to = msg.get('To');
  if (from !== undefined) headers.From = from;
  if (to !== undefined) headers.To = to;
  const prack = candidate.trunk.prack ?? 'supported';
  const supported = ['timer'];
  if (prack !== 'off') supported.unshift('100rel');
  headers.Supported = supported.join(', ');
  if (prack === 'required') headers.Require = '100rel';
  headers.Allow = ALLOW;
  Object.assign(headers, sessionTimerRequestHeaders(call, candidate.trunk, services.settings));
  const contentType = msg.get('Content-Type');
  if (contentType !== undefined && msg.body.length > 0) headers['Content-Type'] = contentType;
  const out: FarInvite = { uri: msg.requestUriText, headers, message: msg };
  if (proxy !== undefined) out.proxy = proxy;
  return out;
}
