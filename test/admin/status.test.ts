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

  it('trunk and call status come from the core: peers with OPTIONS state, calls with their rule version', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/status/trunks', headers: auth() })).json(),
    ).toEqual([]);
    // The signaling core is not part of the admin layer; this LiveStatus stands in for it.
    const live = {
      trunks: () => [
        {
          trunk: 'zoom',
          peer: { host: '162.12.233.59', port: 5061, transport: 'tls' },
          state: 'down' as const,
          consecutiveFailures: 4,
          consecutiveSuccesses: 0,
          lastOutcome: 'timeout',
          lastProbeAt: 1_700_000_000_000,
        },
      ],
      calls: () =>
        [1, 2, 3].map((i) => ({
          callId: `c${i}`,
          state: 'connected',
          inboundTrunk: 'zoom',
          outboundTrunk: i === 3 ? null : 'core',
          ruleVersion: i < 3 ? 4 : 5,
          startedAt: new Date(1_700_000_000_000 + i).toISOString(),
        })),
    };
    const other = await startTestAdmin(undefined, { live });
    try {
      const trunks = await other.app.inject({ method: 'GET', url: '/api/v1/status/trunks', headers: auth() });
      expect(trunks.json()).toEqual(live.trunks());
      const calls = await other.app.inject({
        method: 'GET',
        url: '/api/v1/status/calls?limit=2',
        headers: auth(),
      });
      expect(calls.json()).toEqual({ total: 3, calls: live.calls().slice(0, 2) });
    } finally {
      await other.close();
    }
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
