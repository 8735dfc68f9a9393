/**
 * Topology hiding (issue item 8) for the request the SBC sends on the far
 * leg. Via, Record-Route, Route, Contact and Call-ID never cross (they are
 * managed headers, src/core/sip/messages.ts; the edge writes its own). Here
 * the addresses that would: the request-URI is pointed at the chosen peer,
 * and From/To lose the caller's tags and, unless a rule rewrote them, the
 * caller's and the SBC's host (From becomes `user@localhost`, which the edge
 * replaces by its own address on the chosen transport).
 */
import {
  formatNameAddr,
  formatSipUri,
  parseNameAddr,
  parseUri,
  type SipMessage,
} from '../../edge/sip/index.ts';
import type { PeerAddress } from '../routing/route-plan.ts';

/** The hosts of the INVITE as it arrived, to tell what rules changed. */
export interface ArrivalHosts {
  ruri: string;
  from: string;
  to: string;
  contact: string;
}

function hostOfUri(text: string): string {
  const r = parseUri(text);
  return r.ok && r.value.kind === 'sip' ? `${r.value.host}:${r.value.port ?? ''}` : '';
}

function hostOfAddress(value: string | undefined, what: string): string {
  if (value === undefined) return '';
  const r = parseNameAddr(value, what);
  return r.ok && r.value.uri.kind === 'sip' ? `${r.value.uri.host}:${r.value.uri.port ?? ''}` : '';
}

export function arrivalHosts(msg: SipMessage): ArrivalHosts {
  return {
    ruri: hostOfUri(msg.requestUriText),
    from: hostOfAddress(msg.get('From'), 'From'),
    to: hostOfAddress(msg.get('To'), 'To'),
    contact: hostOfAddress(msg.get('Contact'), 'Contact'),
  };
}

/**
 * The SBC's own Contact toward the next hop when a rule set `contact.host` (docs/language.md §4.3):
 * that host, with the user of the edited Contact and the SBC's listening port for the transport.
 * Teams Direct Routing finds a carrier's customer tenant by this FQDN. Undefined when no rule
 * changed the Contact host (the edge then writes its own address).
 */
export function ruleContact(
  msg: SipMessage,
  arrival: ArrivalHosts,
  transport: 'udp' | 'tcp' | 'tls',
  listenPorts: Partial<Record<'udp' | 'tcp' | 'tls', number>>,
): string | undefined {
  const value = msg.get('Contact');
  if (value === undefined || hostOfAddress(value, 'Contact') === arrival.contact) return undefined;
  const r = parseNameAddr(value, 'Contact');
  if (!r.ok || r.value.uri.kind !== 'sip') return undefined;
  const { user, host } = r.value.uri;
  const port = listenPorts[transport];
  const at = user ? `${user}@` : '';
  return `<sip:${at}${host}${port ? `:${port}` : ''}${transport === 'udp' ? '' : `;transport=${transport}`}>`;
}

function hostPort(peer: PeerAddress): { host: string; port: number } {
  return { host: peer.host.includes(':') ? `[${peer.host}]` : peer.host, port: peer.port };
}

/**
 * Rewrites the request-URI, From and To of an outgoing initial request.
 * Returns the outbound proxy to use when a rule chose the request-URI host
 * itself (the request still goes to the peer).
 */
export function hideTopology(msg: SipMessage, arrival: ArrivalHosts, peer: PeerAddress): { proxy?: string } {
  const target = hostPort(peer);
  const out: { proxy?: string } = {};
  const ruri = parseUri(msg.requestUriText);
  if (ruri.ok && ruri.value.kind === 'sip') {
    const u = ruri.value;
    const params = u.params.filter((p) => p.key !== 'transport');
    if (peer.transport !== 'udp') params.push({ name: 'transport', key: 'transport', value: peer.transport });
    if (`${u.host}:${u.port ?? ''}` === arrival.ruri) {
      msg.setRequestUri(formatSipUri({ ...u, host: target.host, port: target.port, params }));
    } else {
      out.proxy = `sip:${target.host}:${target.port}${peer.transport === 'udp' ? '' : `;transport=${peer.transport}`}`;
    }
  } else {
    out.proxy = `sip:${target.host}:${target.port}${peer.transport === 'udp' ? '' : `;transport=${peer.transport}`}`;
  }
  rewriteAddress(msg, 'From', arrival.from, { host: 'localhost', port: null });
  rewriteAddress(msg, 'To', arrival.to, { host: target.host, port: target.port });
  return out;
}

function rewriteAddress(
  msg: SipMessage,
  name: 'From' | 'To',
  arrivalHost: string,
  replacement: { host: string; port: number | null },
): void {
  const value = msg.get(name);
  if (value === undefined) return;
  const r = parseNameAddr(value, name);
  if (!r.ok) return;
  const a = r.value;
  const params = a.params.filter((p) => p.key !== 'tag');
  let uri = a.uri.raw;
  if (a.uri.kind === 'sip' && `${a.uri.host}:${a.uri.port ?? ''}` === arrivalHost) {
    uri = formatSipUri({ ...a.uri, host: replacement.host, port: replacement.port });
  }
  msg.setHeader(name, formatNameAddr(a.displayName, uri, params));
}
