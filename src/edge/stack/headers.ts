// Header generation shared by requests and responses the edge sends for an
// app, as drachtio-server does it (notes §4.6): which app headers are
// dropped, how names are spelled, `@localhost` replaced by our address,
// Content-Type for SDP bodies and a byte-exact Content-Length.

import { canonicalName } from '../sip/index.ts';
import type { AppHeader, AppSip } from './app-sip.ts';

/** Headers the stack owns: the app's copies are discarded (drachtio src/drachtio.cpp). */
const STACK_OWNED = new Set([
  'via',
  'route',
  'record-route',
  'rseq',
  'content-length',
  'max-forwards',
  'from',
  'to',
  'call-id',
  'cseq',
  'contact',
  'content-type',
]);

/** Headers where `@localhost` means "this edge" (srf's createUAC sends sip:<number>@localhost). */
const LOCALHOST_HEADERS = new Set(['from', 'to', 'contact', 'p-asserted-identity']);

const LOCALHOST = /@localhost(?=[>;?\s]|$)/gi;

export function replaceLocalhost(value: string, hostport: string): string {
  return value.includes('@localhost') || /@localhost/i.test(value)
    ? value.replace(LOCALHOST, `@${hostport}`)
    : value;
}

/** Names as written on the wire: X- headers as the app spelled them, others in canonical case. */
function wireName(h: AppHeader): string {
  return h.name.length > 2 && (h.name[0] === 'x' || h.name[0] === 'X') && h.name[1] === '-'
    ? h.name
    : canonicalName(h.key);
}

/** The app's own headers, one `Name: value\r\n` line each, minus what the stack owns. */
export function passThroughHeaders(app: AppSip, hostport: string, skip?: ReadonlySet<string>): string {
  let out = '';
  for (const h of app.headers) {
    if (STACK_OWNED.has(h.key) || skip?.has(h.key)) continue;
    if (/[\r\n]/.test(h.value)) continue;
    const value = LOCALHOST_HEADERS.has(h.key) ? replaceLocalhost(h.value, hostport) : h.value;
    out += `${wireName(h)}: ${value}\r\n`;
  }
  return out;
}

export type BodyHeaders = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Content-Type and Content-Length for the body. A body without Content-Type
 * that starts with `v=0` is SDP; any other untyped body is refused for
 * requests and sent untyped in responses (drachtio's behaviour).
 */
export function bodyHeaders(app: AppSip, isRequest: boolean): BodyHeaders {
  const body = app.body;
  let type = '';
  for (const h of app.headers) if (h.key === 'content-type') type = h.value;
  if (body.length > 0 && type === '') {
    if (body.startsWith('v=0')) type = 'application/sdp';
    else if (isRequest) return { ok: false, reason: 'missing content-type' };
  }
  let text = type !== '' && body.length > 0 ? `Content-Type: ${type}\r\n` : '';
  text += `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n`;
  return { ok: true, text };
}

/** A name-addr with a tag added: addr-spec values are enclosed in <> first when that is unambiguous. */
export function withTag(value: string, tag: string): string {
  const v = value.includes('<') || value.includes(';') ? value : `<${value}>`;
  return `${v};tag=${tag}`;
}

/** The tag parameter of a From/To value as the app wrote it, if any. */
export function tagOf(value: string): string | undefined {
  const gt = value.lastIndexOf('>');
  const params = gt >= 0 ? value.slice(gt + 1) : value.slice(Math.max(0, value.indexOf(';')));
  const m = /;\s*tag\s*=\s*([^;\s>]+)/i.exec(params);
  return m?.[1];
}
