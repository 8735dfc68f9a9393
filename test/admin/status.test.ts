/** Readiness, Prometheus metrics and the OpenAPI 3.1 document. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, startTestAdmin, type TestAdmin } from './support/admin.ts';

let t: TestAdmin;
beforeEach(async () => {
  t = await startTestAdmin();
});
afterEach(() => t.close());

describe('status', () => {
  it('/ready is 200 while the stores are open and 503 naming the failed check after', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/ready', headers: auth() });
    expect(ok.json()).toEqual({ ready: true, checks: { stores: true } });
    t.stores.close();
    const down = await t.app.inject({ method: 'GET', url: '/ready', headers: auth() });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ ready: false, checks: { stores: false } });
  });

  it('/metrics has process metrics and what the admin layer counts', async () => {
    await t.app.inject({ method: 'GET', url: '/api/v1/customers', headers: auth() });
    await t.app.inject({ method: 'GET', url: '/api/v1/customers' });
    const r = await t.app.inject({ method: 'GET', url: '/metrics', headers: auth() });
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body).toContain('process_cpu_user_seconds_total');
    expect(r.body).toContain('nodejs_eventloop_lag_seconds');
    expect(r.body).toContain(
      'sbc_admin_requests_total{method="GET",route="/api/v1/customers",status="200"} 1',
    );
    expect(r.body).toContain(
      'sbc_admin_requests_total{method="GET",route="/api/v1/customers",status="401"} 1',
    );
    expect(r.body).toContain('sbc_rule_active_version 0');
  });

  it('/openapi.json is OpenAPI 3.1 built from the route schemas, bearer-secured', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json', headers: auth() })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    const upload = doc.paths['/api/v1/rulesets/versions'].post;
    expect(upload.requestBody.content['application/json'].schema.properties.files).toBeDefined();
    expect(upload.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['201', '400', '422']));
    expect(Object.keys(doc.paths['/api/v1/numbers/import'].post.requestBody.content)).toEqual(['text/csv']);
    expect(doc.paths['/api/v1/numbers/{number}'].patch.parameters[0]).toMatchObject({
      in: 'path',
      name: 'number',
    });
  });
});
