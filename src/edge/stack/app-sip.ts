// The SIP text an app sends in a `sip` frame: a start line, `name: value`
// lines and a body. drachtio-server reads it line by line (no folding) and
// ignores the app's Content-Length (srf counts characters, not bytes), so
// this reader does the same instead of framing it like network input.

import { headerKey } from '../sip/index.ts';

export interface AppHeader {
  name: string;
  /** Canonical key: lower case, compact form expanded. */
  key: string;
  value: string;
}

export interface AppSip {
  startLine: string;
  headers: AppHeader[];
  body: string;
}

/** RFC 3261 token characters, for header names. */
const TOKEN_NAME = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

export function parseAppSip(text: string): AppSip {
  let headEnd = text.indexOf('\r\n\r\n');
  let bodyStart = headEnd + 4;
  if (headEnd < 0) {
    headEnd = text.length;
    bodyStart = text.length;
  }
  const lines = text.slice(0, headEnd).split(/\r?\n/);
  const headers: AppHeader[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    // Like drachtio-server: a line whose name is not a token is skipped.
    if (!TOKEN_NAME.test(name)) continue;
    headers.push({ name, key: headerKey(name), value: line.slice(colon + 1).trim() });
  }
  return { startLine: lines[0] ?? '', headers, body: text.slice(bodyStart) };
}

export function appHeader(app: AppSip, key: string): string | undefined {
  for (const h of app.headers) if (h.key === key) return h.value;
  return undefined;
}

export function appHeaders(app: AppSip, key: string): string[] {
  return app.headers.filter((h) => h.key === key).map((h) => h.value);
}

/** Option tags of Require/Supported across lines. */
export function appOptionTags(app: AppSip, key: string): string[] {
  return appHeaders(app, key).flatMap((v) => v.split(',').map((t) => t.trim().toLowerCase()));
}
