/** Bearer tokens and roles: only /health is public; viewer < operator < admin; secrets hashed. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/store/index.ts';
import { auth, startTestAdmin, type TestAdmin, ZOOM_RULES } from './support/admin.ts';

let t: TestAdmin;
beforeEach(async () => {
  t = await startTestAdmin();
});
afterEach(() => t.close());

async function makeToken(role: string, name = `${role}-token`): Promise<string> {
  const r = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: auth(),
    payload: { name, role },
  });
  expect(r.statusCode).toBe(201);
  return r.json().token as string;
}

function fill(path: string): string {
  return path.replace('{version}', '1').replace('{id}', 'x').replace('{number}', '14155550100');
}

describe('authentication', () => {
  it('every route in the OpenAPI document but /health answers 401 without a valid token', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json', headers: auth() })).json();
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
    );
    expect(routes.length).toBeGreaterThan(20);
    for (const { method, path } of routes) {
      for (const headers of [
        {},
        { authorization: 'Bearer wrong-token' },
        { authorization: `Basic ${ADMIN_BASIC}` },
      ]) {
        const r = await t.app.inject({ method: method as 'GET', url: fill(path), headers });
        if (path === '/health') expect(r.statusCode).toBe(200);
        else {
          expect(r.statusCode, `${method} ${path}`).toBe(401);
          expect(r.headers['www-authenticate']).toContain('Bearer');
        }
      }
    }
  });

  it('/health needs no token and answers with status, version, node and uptime', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/health' });
    expect(r.json()).toEqual({
      status: 'ok',
      version: '0.0.0-test',
      node: process.version,
      uptimeSeconds: expect.any(Number),
    });
  });
});

const ADMIN_BASIC = Buffer.from('admin:secret').toString('base64');

describe('roles', () => {
  it('viewer reads; operator provisions and uploads; only admin activates and manages tokens', async () => {
    const viewer = await makeToken('viewer');
    const operator = await makeToken('operator');
    const as = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) });

    expect((await as(viewer, 'GET', '/api/v1/customers')).statusCode).toBe(200);
    expect((await as(viewer, 'GET', '/metrics')).statusCode).toBe(200);
    const denied = await as(viewer, 'POST', '/api/v1/customers', { id: 'acme', name: 'Acme' });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().message).toBe("this needs the operator role; the token 'viewer-token' has viewer");

    expect((await as(operator, 'POST', '/api/v1/customers', { id: 'acme', name: 'Acme' })).statusCode).toBe(
      201,
    );
    const upload = await as(operator, 'POST', '/api/v1/rulesets/versions', {
      files: { 'main.rules': ZOOM_RULES },
    });
    expect(upload.statusCode).toBe(201);
    expect(upload.json().version.author).toBe('operator-token');
    expect((await as(operator, 'POST', '/api/v1/rulesets/activate', { version: 1 })).statusCode).toBe(403);
    expect((await as(operator, 'POST', '/api/v1/rulesets/rollback', {})).statusCode).toBe(403);
    expect((await as(operator, 'GET', '/api/v1/tokens')).statusCode).toBe(403);

    const admin = await makeToken('admin');
    expect((await as(admin, 'POST', '/api/v1/rulesets/activate', { version: 1 })).statusCode).toBe(200);
    expect(t.logs().find((l) => l.action === 'customer.create')).toMatchObject({
      actor: 'operator-token',
      role: 'operator',
    });
  });
});

describe('tokens', () => {
  it('are stored only as SHA-256 hashes, listed without secrets, and stop working when revoked', async () => {
    const secret = await makeToken('viewer', 'grafana');
    expect(secret).toMatch(/^sbc_[A-Za-z0-9_-]{43}$/);
    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: auth() })).json();
    expect(list).toEqual([
      {
        id: expect.any(String),
        name: 'grafana',
        role: 'viewer',
        created_at: expect.any(String),
        created_by: 'bootstrap',
      },
    ]);

    const db = new DatabaseSync(join(t.dir, DATABASE_FILE), { readOnly: true });
    const row = db.prepare('SELECT secret_hash FROM tokens').get() as { secret_hash: string };
    db.close();
    expect(row.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`].filter((f) => existsSync(join(t.dir, f)))) {
      expect(readFileSync(join(t.dir, file), 'latin1').includes(secret), file).toBe(false);
    }

    expect((await t.app.inject({ method: 'GET', url: '/ready', headers: auth(secret) })).statusCode).toBe(
      200,
    );
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${list[0].id}`,
      headers: auth(),
    });
    expect(revoke.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/ready', headers: auth(secret) })).statusCode).toBe(
      401,
    );
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${list[0].id}`, headers: auth() }))
        .statusCode,
    ).toBe(404);
    expect(
      t
        .logs()
        .filter((l) => l.audit)
        .map((l) => l.action),
    ).toEqual(['token.create', 'token.delete']);
  });
});
