// Requests the edge sends: new ones built from the app's text (drachtio's
// header generation, notes §4.6), in-dialog ones (RFC 3261 §12.2.1.1),
// CANCEL (§9.1) and the ACK of a 2xx (§13.2.2.4).

import type { Dialog } from '../dialog/index.ts';
import { inDialogRouting } from '../dialog/index.ts';
import { parseUri } from '../sip/index.ts';
import { newBranch } from '../transaction/index.ts';
import { resolveUri } from '../transport/resolve.ts';
import type { Target, Transport } from '../transport/types.ts';
import type { AppSip } from './app-sip.ts';
import { appHeader } from './app-sip.ts';
import { hostport } from './context.ts';
import { bodyHeaders, passThroughHeaders, replaceLocalhost } from './headers.ts';

export function viaFor(t: Transport, branch: string): string {
  return `SIP/2.0/${t.protocol.toUpperCase()} ${hostport(t)};rport;branch=${branch}`;
}

/** Resolves a URI text to a target; throws with drachtio's wording when it cannot. */
export function targetOf(uriText: string): Target | Promise<Target> {
  const uri = parseUri(uriText.replace(/^<|>$/g, ''));
  if (!uri.ok || uri.value.kind !== 'sip') throw new Error(`invalid request-uri: ${uriText}`);
  return resolveUri(uri.value);
}

/**
 * The first hop of a request in dialog `d`. With a route set, the first route.
 * Without one, the peer is reached where the dialog's messages came from, as
 * drachtio does for NAT'd peers (src/sip-dialog.cpp): over UDP the source
 * address, over TCP/TLS the same connection, or the Contact if it is gone.
 */
export async function dialogTarget(
  d: Dialog,
): Promise<{ requestUri: string; routes: string[]; target: Target }> {
  const routing = inDialogRouting(d.remoteTarget, d.routeSet);
  if (routing.routes.length > 0) return { ...routing, target: await targetOf(routing.nextHop) };
  const flow = d.flow;
  if (flow.protocol === 'udp')
    return { ...routing, target: { protocol: 'udp', host: flow.remote.host, port: flow.remote.port } };
  let contact: Target = { protocol: flow.protocol, host: flow.remote.host, port: flow.remote.port };
  try {
    contact = await targetOf(routing.nextHop);
  } catch {
    // an unusable Contact: the connection is all there is
  }
  return {
    ...routing,
    target: {
      protocol: flow.protocol,
      host: contact.host,
      port: contact.port,
      connectionId: flow.connectionId,
    },
  };
}

export interface BuiltRequest {
  text: string;
  branch: string;
  topVia: string;
}

/** An in-dialog request: dialog From/To/Call-ID, the given CSeq, Route set, app headers and body. */
export function inDialogRequest(
  d: Dialog,
  method: string,
  seq: number,
  requestUri: string,
  routes: readonly string[],
  t: Transport,
  app: AppSip | undefined,
  extraLines = '',
): BuiltRequest | { error: string } {
  const branch = newBranch();
  const topVia = viaFor(t, branch);
  const hp = hostport(t);
  let s = `${method} ${requestUri} SIP/2.0\r\nVia: ${topVia}\r\nMax-Forwards: 70\r\n`;
  for (const r of routes) s += `Route: ${r}\r\n`;
  s += `From: ${d.fromHeader}\r\nTo: ${d.toHeader}\r\nCall-ID: ${d.callId}\r\nCSeq: ${seq} ${method}\r\n`;
  const contact = app === undefined ? undefined : appHeader(app, 'contact');
  if (contact !== undefined) s += `Contact: ${replaceLocalhost(contact, hp)}\r\n`;
  else if (method === 'INVITE' || method === 'SUBSCRIBE' || method === 'REFER' || method === 'UPDATE')
    s += `Contact: ${d.localContact}\r\n`;
  s += extraLines;
  if (app === undefined) return { text: `${s}Content-Length: 0\r\n\r\n`, branch, topVia };
  s += passThroughHeaders(app, hp);
  const body = bodyHeaders(app, true);
  if (!body.ok) return { error: body.reason };
  return { text: `${s}${body.text}\r\n${app.body}`, branch, topVia };
}

export interface CancelSource {
  requestUri: string;
  topVia: string;
  from: string;
  to: string;
  callId: string;
  seq: number;
  routes: readonly string[];
}

/** CANCEL: same Request-URI, top Via, From, To, Call-ID, CSeq number and Route as the INVITE (§9.1). */
export function cancelRequest(src: CancelSource, app: AppSip): string {
  let s = `CANCEL ${src.requestUri} SIP/2.0\r\nVia: ${src.topVia}\r\nMax-Forwards: 70\r\n`;
  for (const r of src.routes) s += `Route: ${r}\r\n`;
  s += `From: ${src.from}\r\nTo: ${src.to}\r\nCall-ID: ${src.callId}\r\nCSeq: ${src.seq} CANCEL\r\n`;
  // srf's B2BUA copies Reason/X-Reason from the caller's CANCEL; keep those (RFC 3326).
  for (const h of app.headers)
    if (h.key === 'reason' || h.key === 'x-reason')
      s += `${h.name === 'reason' ? 'Reason' : h.name}: ${h.value}\r\n`;
  return `${s}Content-Length: 0\r\n\r\n`;
}
