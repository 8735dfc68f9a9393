/**
 * Between srf's messages and the SIP model rules and effects work on
 * (src/edge/sip's SipMessage). srf already parsed the message, but effects
 * must edit exactly the message preview edits, so the raw text is read once
 * more by the edge's lazy parser (headers indexed, values parsed on demand).
 */
import { parseMessage, type SipMessage } from '../../edge/sip/index.ts';

export class UnparsableMessage extends Error {}

export function parseSip(raw: string): SipMessage {
  const r = parseMessage(Buffer.from(raw, 'utf8'));
  if (!r.ok) throw new UnparsableMessage(r.error.reason);
  return r.message;
}

/**
 * Headers the SBC owns on every leg: transaction and dialog state (Via, CSeq,
 * Call-ID, tags, Contact, routes) that belongs to one side only and would
 * reveal its topology on the other (issue item 8), and framing the edge
 * recomputes. The core sets the negotiated ones (100rel, session timer) itself.
 */
const ALWAYS_MANAGED = [
  'via',
  'route',
  'record-route',
  'contact',
  'call-id',
  'cseq',
  'max-forwards',
  'content-length',
  'rseq',
  'rack',
  'require',
  'session-expires',
  'min-se',
  'allow',
  'supported',
  // Set by the edge for the core alone (TLS peer certificate names); never relayed.
  'x-sbc-tls-peer',
];
export const MANAGED_REQUEST = new Set([...ALWAYS_MANAGED, 'from', 'to', 'content-type']);
export const MANAGED_RESPONSE = new Set([...ALWAYS_MANAGED, 'from', 'to', 'content-type']);

/**
 * The message's headers as srf takes them (`{ Name: value }`), leaving out the
 * managed ones. Repeated lines of one header are joined with commas, which is
 * how srf itself merges a header it is given twice.
 */
export function passThroughHeaders(msg: SipMessage, managed: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  const names = new Map<string, string>();
  for (const h of msg.headers) {
    if (h.removed || managed.has(h.key)) continue;
    const name = names.get(h.key);
    if (name === undefined) {
      names.set(h.key, h.name);
      out[h.name] = h.value;
    } else out[name] = `${out[name]}, ${h.value}`;
  }
  return out;
}

export function bodyText(msg: SipMessage): string {
  return msg.body.length === 0 ? '' : msg.body.toString('utf8');
}

export function hasSdp(msg: SipMessage): boolean {
  if (msg.body.length === 0) return false;
  const type = msg.get('Content-Type');
  return type === undefined || /^\s*application\/sdp/i.test(type);
}

/** Option tags of Supported/Require, lower case. */
export function optionTags(msg: SipMessage, name: 'Supported' | 'Require'): string[] {
  return msg.values(name).map((t) => t.trim().toLowerCase());
}
