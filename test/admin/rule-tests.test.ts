/** POST /api/v1/rulesets/versions/{version}/test: a stored version's rule tests, as `sbc test` runs them. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { auth, startTestAdmin, type TestAdmin, ZOOM_RULES } from './support/admin.ts';

let t: TestAdmin;
beforeEach(async () => {
  t = await startTestAdmin();
});
afterEach(() => t.close());

const INVITE = (user: string) => `|
      INVITE sip:${user}@203.0.113.10 SIP/2.0
      Via: SIP/2.0/UDP 162.12.233.59:5060;branch=z9hG4bK1
      From: <sip:+14085551213@zoom.us>;tag=1
      To: <sip:${user}@203.0.113.10>
      Call-ID: t-${user}@zoom
      CSeq: 1 INVITE
      Content-Length: 0`;

const TESTS = `tables:
  numbers:
    "+14085551212": { zoom: true }
    "+14085551299": { zoom: false }
tests:
  - name: a Zoom number is routed to the core
    message: ${INVITE('+14085551212')}
    expect:
      route: core
  - name: a number without Zoom is refused (expects the wrong code on purpose)
    message: ${INVITE('+14085551299')}
    expect:
      reject: 404
`;

async function upload(files: Record<string, string>): Promise<number> {
  const r = await t.app.inject({
    method: 'POST',
    url: '/api/v1/rulesets/versions',
    headers: auth(),
    payload: { files },
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().version.version;
}

const runTests = (version: number, headers = auth()) =>
  t.app.inject({ method: 'POST', url: `/api/v1/rulesets/versions/${version}/test`, headers });

it('runs the *.test.yaml files stored with the version: pass/fail per test and coverage', async () => {
  const v = await upload({
    'main.rules': ZOOM_RULES,
    'tests/zoom.test.yaml': TESTS.replace(/^/, 'ruleset: ../main.rules\n'),
  });
  const r = await runTests(v);
  expect(r.statusCode, r.body).toBe(200);
  const body = r.json();
  expect(body).toMatchObject({ version: v, passed: 1, failed: 1 });
  expect(body.files).toHaveLength(1);
  expect(body.files[0]).toMatchObject({ file: 'tests/zoom.test.yaml', ruleset: 'main.rules' });
  const [ok, bad] = body.files[0].cases;
  expect(ok).toMatchObject({ name: 'a Zoom number is routed to the core', ok: true, failures: [] });
  expect(bad.ok).toBe(false);
  expect(bad.failures[0]).toMatchObject({ what: 'reject', expected: '404' });
  expect(bad.failures[0].actual).toContain('403');
  // Coverage of the one rule set, with the decisions the tests did not reach named by file:line:col.
  expect(body.coverage).toHaveLength(1);
  const cov = body.coverage[0];
  expect(cov.ruleset).toBe('main.rules');
  expect(cov.covered).toBeGreaterThan(0);
  expect(cov.covered).toBeLessThan(cov.total);
  expect(cov.uncovered[0].at).toMatch(/^main\.rules:\d+:\d+$/);
  // Nothing in the answer names the temporary directory the run used.
  expect(r.body).not.toMatch(/sbc-ruletests-/);
});

it('a version without tests answers with nothing run; an unknown version 404; a viewer 403', async () => {
  const v = await upload({ 'main.rules': ZOOM_RULES });
  const r = await runTests(v);
  expect(r.statusCode).toBe(200);
  expect(r.json()).toMatchObject({ version: v, passed: 0, failed: 0, files: [] });
  expect((await runTests(99)).statusCode).toBe(404);
  const token = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: auth(),
    payload: { name: 'ro', role: 'viewer' },
  });
  expect((await runTests(v, auth(token.json().token))).statusCode).toBe(403);
});
