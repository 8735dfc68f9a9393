/**
 * `startSbc` with real stores, the real rules runtime and real sockets: HTTPS from admin.tls, the
 * active rule set restored after a restart from the same data directory, startup errors that
 * name the config key.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.ts';
import { type RunningSbc, StartupError, startSbc } from '../../src/sbc.ts';
import { ADMIN_TOKEN, ZOOM_RULES } from './support/admin.ts';
import { sbcConfig } from './support/sbc-config.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const quiet = pino({ level: 'silent' }, new Writable({ write: (_c, _e, done) => done() }));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sbc-wiring-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(yaml: string): Promise<RunningSbc> {
  const sbc = await startSbc(
    parseConfigText(yaml, 'test.yaml', { SBC_ADMIN_TOKEN: ADMIN_TOKEN }),
    quiet,
    '0.0.0-test',
  );
  cleanup.push(() => sbc.close());
  return sbc;
}

function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1'].concat([
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]),
    { stdio: 'ignore' },
  );
  return { cert, key };
}

function httpsGet(port: number, path: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, ca, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('startSbc wiring', () => {
  it('serves the admin API over HTTPS when admin.tls is set, and no plain HTTP', async () => {
    const dir = tempDir();
    const { cert, key } = selfSigned(dir);
    const { yaml, adminPort: port } = await sbcConfig(dir, { tls: { cert, key } });
    await start(yaml);
    const r = await httpsGet(port, '/ready', readFileSync(cert, 'utf8'));
    expect(r).toEqual({ status: 200, body: JSON.stringify({ ready: true, checks: { stores: true } }) });
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('activates through the real rules runtime and restores the active version after a restart', async () => {
    const dir = tempDir();
    const { yaml, adminPort: port } = await sbcConfig(dir);
    const first = await start(yaml);
    const api = (path: string, body?: object) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    // Version 1 is the shipped default rule set, active on a fresh data directory.
    expect(await (await api('/api/v1/rulesets/active')).json()).toMatchObject({ version: 1 });
    const pushed = await api('/api/v1/rulesets/versions', { files: { 'main.rules': ZOOM_RULES } });
    expect(pushed.status).toBe(201);
    expect((await api('/api/v1/rulesets/activate', { version: 2 })).status).toBe(200);
    await first.close();
    cleanup.pop();

    await start(yaml);
    expect(await (await api('/api/v1/rulesets/active')).json()).toMatchObject({ version: 2, previous: 1 });
    expect(((await (await api('/api/v1/rulesets/versions')).json()) as unknown[]).length).toBe(2);
    // The core reports the loaded versions: after a restart only the active one, with no calls.
    expect(await (await api('/api/v1/rulesets/calls')).json()).toEqual([
      { version: 2, hash: expect.stringMatching(/^sha256:/), active: true, calls: 0 },
    ]);
    const metrics = await (await api('/metrics')).text();
    expect(metrics).toContain('sbc_rule_active_version 2');
    expect(await (await api('/api/v1/status/calls')).json()).toEqual({ total: 0, calls: [] });
    expect((await api('/api/v1/status/trunks')).status).toBe(200);
  });

  it('a data directory that cannot be created names data.dir', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const error = await startSbc(
      parseConfigText((await sbcConfig(`${file}/sbc`)).yaml, 't', {}),
      quiet,
      'x',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).configKey).toBe('data.dir');
  });

  it('an unreadable TLS file names admin.tls.cert', async () => {
    const dir = tempDir();
    const { yaml } = await sbcConfig(dir, { tls: { cert: `${dir}/none.pem`, key: `${dir}/none.key` } });
    const error = await startSbc(parseConfigText(yaml, 't', {}), quiet, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).message).toContain('(admin.tls.cert): ENOENT');
  });
});
