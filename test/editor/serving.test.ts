/**
 * What the editor needs from a real `sbc run`: the built bundle at / without a token (it holds no
 * secret), who the token belongs to, and previews of unsaved rules on a sample message with the
 * provisioning store behind lookups. Without a bundle, / explains how to build it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerEditorStatic } from '../../src/admin/editor-static.ts';
import { type RunningSbc, requireEditorBuild, startSbc } from './support/sbc.ts';

const ZOOM_INVITE = readFileSync(
  resolve(import.meta.dirname, '../../examples/messages/zoom-invite.sip'),
  'utf8',
);
const RULES = `ruleset preview_test
trunk zoom {
  peers ["162.12.233.59:5061"]
}
trunk core {
  peers ["10.0.0.10:5060"]
}
table numbers = provisioning.numbers {
  zoom: bool
}
on request INVITE from zoom {
  let callee = e164(ruri.user, country: "US") else reject 484
  let entry = numbers[callee] else reject 404 "Not provisioned"
  remove header /^X-Zoom-/
  set header "X-Zoom-Enabled" = str(entry.zoom)
  route core
}
`;

let sbc: RunningSbc;
beforeAll(async () => {
  requireEditorBuild();
  sbc = await startSbc();
}, 30_000);
afterAll(async () => {
  await sbc?.stop();
});

describe('the editor served by the admin API', () => {
  it('serves the built bundle at / and its assets without a token', async () => {
    const index = await fetch(`${sbc.url}/`);
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toContain('<div id="app">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(sbc.url + script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${sbc.url}/assets/nope.js`)).status).toBe(404);
    // Sent brotli-compressed (made at build time) to a browser that accepts it, and identical.
    const raw = await asset.arrayBuffer();
    const compressed = await new Promise<{ encoding?: string; body: Buffer }>((done, fail) => {
      get(sbc.url + script!, { headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', fail);
    });
    expect(compressed.encoding).toBe('br');
    expect(compressed.body.length).toBeLessThan(raw.byteLength / 2);
    expect(brotliDecompressSync(compressed.body).equals(Buffer.from(raw))).toBe(true);
    // The API itself still needs a token.
    expect((await fetch(`${sbc.url}/api/v1/rulesets/versions`)).status).toBe(401);
  });

  it('says how to build the bundle when it was not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sbc-nodist-'));
    const app = Fastify();
    registerEditorStatic(app, empty);
    try {
      const res = await app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('npm run build:editor');
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('tells a token its name and role', async () => {
    expect((await sbc.api('GET', '/api/v1/whoami')).body).toEqual({ name: 'bootstrap', role: 'admin' });
    const created = await sbc.api<{ token: string }>('POST', '/api/v1/tokens', {
      name: 'eve',
      role: 'viewer',
    });
    expect((await sbc.api('GET', '/api/v1/whoami', undefined, created.body.token)).body).toEqual({
      name: 'eve',
      role: 'viewer',
    });
    expect((await sbc.api('GET', '/api/v1/whoami', undefined, 'wrong')).status).toBe(401);
  });

  it('previews unsaved rules on the Zoom INVITE with provisioning lookups', async () => {
    await sbc.api('POST', '/api/v1/customers', { id: 'acme', name: 'Acme' });
    const added = await sbc.api('POST', '/api/v1/numbers', {
      number: '+14085551212',
      customer: 'acme',
      services: { zoom: true },
    });
    expect(added.status).toBe(201);
    const res = await sbc.api<{
      handler: { id: string };
      diff: string;
      decisions: { route: { target: string } };
      trace: { at: { line: number } }[];
    }>('POST', '/api/v1/rulesets/preview', {
      files: { 'main.rules': RULES },
      message: ZOOM_INVITE,
      source: '162.12.233.59:5061',
    });
    expect(res.status).toBe(200);
    expect(res.body.decisions.route.target).toBe('core');
    expect(res.body.diff).toContain('-X-Zoom-Trace-Id: 7c1e4a92-3b5d-4f0e-9a61-2d8c7f3e1b05');
    expect(res.body.diff).toContain('-X-Zoom-Site: US-West');
    expect(res.body.diff).toContain('+X-Zoom-Enabled: true');
    expect(res.body.trace[0]!.at.line).toBe(11);
  });

  it('answers 422 with the diagnostics for rules with errors, and for a message that is not SIP', async () => {
    const broken = await sbc.api<{ error: string; diagnostics: { line: number; code: string }[] }>(
      'POST',
      '/api/v1/rulesets/preview',
      {
        files: { 'main.rules': 'ruleset x\non request INVITE {\n  route nowhere\n}\n' },
        message: ZOOM_INVITE,
      },
    );
    expect(broken.status).toBe(422);
    expect(broken.body.diagnostics).toEqual([expect.objectContaining({ code: 'E303', line: 3 })]);
    const bad = await sbc.api<{ error: string; message: string }>('POST', '/api/v1/rulesets/preview', {
      files: { 'main.rules': RULES },
      message: 'hello\nworld\n',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe('bad_message');
  });
});
