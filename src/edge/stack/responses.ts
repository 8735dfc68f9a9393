// Responses to requests received from the network: the Via lines with
// `received`/`rport` (RFC 3261 §18.2.1, RFC 3581 §4), where they go
// (§18.2.2), and the response text built from the request (§8.2.6).

import type { SipMessage, Via } from '../sip/index.ts';
import { splitList, values } from '../sip/index.ts';
import type { Flow, Target } from '../transport/types.ts';
import { hostForSocket } from '../transport/types.ts';
import type { ServerEntry } from './context.ts';

function rebuildTopVia(v: Via, flow: Flow): string {
  let out = `${v.protocol}/${v.transport} ${v.host}${v.port !== null ? `:${v.port}` : ''}`;
  for (const p of v.params) {
    if (p.key === 'received') continue;
    if (p.key === 'rport') out += `;rport=${flow.remote.port}`;
    else out += p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`;
  }
  return `${out};received=${flow.remote.host}`;
}

/** The request's Via lines for a response, the top one stamped with the real source when it differs or rport asks. */
export function responseVias(msg: SipMessage, flow: Flow): string {
  const entries = msg.entries('via');
  const top = values.topVia(msg);
  let out = '';
  let first = true;
  for (const h of entries) {
    if (first && top.ok) {
      first = false;
      const v = top.value;
      if (v.rport !== undefined || hostForSocket(v.host) !== flow.remote.host) {
        const rest = h.value.indexOf(',') < 0 ? [] : splitList(h.value).slice(1);
        out += `Via: ${[rebuildTopVia(v, flow), ...rest].join(', ')}\r\n`;
        continue;
      }
    }
    first = false;
    out += `Via: ${h.value}\r\n`;
  }
  return out;
}

/** §18.2.2 with RFC 3581: back on the connection, or to the source port when rport asks, else to the Via port. */
export function responseTarget(msg: SipMessage, flow: Flow): Target {
  if (flow.protocol !== 'udp') {
    // The connection the request came in on; if it is gone by then, a new one to the
    // source address and the Via's sent-by port (§18.2.2).
    const via = values.topVia(msg);
    const port = via.ok && via.value.port !== null ? via.value.port : flow.protocol === 'tls' ? 5061 : 5060;
    return { protocol: flow.protocol, host: flow.remote.host, port, connectionId: flow.connectionId };
  }
  const top = values.topVia(msg);
  if (!top.ok || top.value.rport !== undefined)
    return { protocol: 'udp', host: flow.remote.host, port: flow.remote.port };
  const v = top.value;
  if (v.maddr !== null) return { protocol: 'udp', host: hostForSocket(v.maddr), port: v.port ?? 5060 };
  return { protocol: 'udp', host: flow.remote.host, port: v.port ?? 5060 };
}

/** Is this a response that sets up a dialog, so Record-Route is copied into it (§12.1.1)? */
function copiesRecordRoute(method: string, status: number): boolean {
  return (method === 'INVITE' && status > 100 && status < 300) || (method === 'SUBSCRIBE' && status < 300);
}

/**
 * Response text: status line, Via, (Record-Route), From, To with our tag,
 * Call-ID and CSeq from the request, then `extra` (Contact, app headers,
 * Content-Type/Length lines) and the body.
 */
export function responseText(
  e: ServerEntry,
  status: number,
  reason: string,
  extra: string,
  body: string,
): string {
  const req = e.request;
  let s = `SIP/2.0 ${status} ${reason}\r\n${e.viaLines}`;
  if (copiesRecordRoute(e.method, status))
    for (const rr of req.getAll('record-route')) s += `Record-Route: ${rr}\r\n`;
  s += `From: ${req.get('from') ?? ''}\r\n`;
  const to = req.get('to') ?? '';
  s += status > 100 && e.toTag !== '' && !hasTag(to) ? `To: ${to};tag=${e.toTag}\r\n` : `To: ${to}\r\n`;
  s += `Call-ID: ${req.get('call-id') ?? ''}\r\nCSeq: ${req.get('cseq') ?? ''}\r\n`;
  return `${s}${extra}\r\n${body}`;
}

export function hasTag(nameAddr: string): boolean {
  return /;\s*tag\s*=/i.test(nameAddr.slice(Math.max(0, nameAddr.lastIndexOf('>'))));
}

/** A response the edge makes on its own: no body, optional extra header lines. */
export function localResponse(e: ServerEntry, status: number, reason: string, extraLines = ''): Buffer {
  return Buffer.from(responseText(e, status, reason, `${extraLines}Content-Length: 0\r\n`, ''), 'utf8');
}
