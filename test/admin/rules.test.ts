/** Rule-set endpoints: upload, compiler errors, list/get/diff, activate, rollback, history, audit. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, startTestAdmin, type TestAdmin, ZOOM_RULES } from './support/admin.ts';

let t: TestAdmin;
beforeEach(async () => {
  t = await startTestAdmin();
});
afterEach(() => t.close());

const post = (url: string, payload?: unknown, headers = auth()) =>
  t.app.inject({
    method: 'POST',
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth() });
const upload = (files: Record<string, string>, message = 'm') =>
  post('/api/v1/rulesets/versions', { files, message });

describe('uploading versions', () => {
  it('stores a clean rule set as version 1 with author, message, time and hash', async () => {
    const r = await upload({ 'main.rules': ZOOM_RULES }, 'zoom peering');
    expect(r.statusCode, JSON.stringify(t.logs().filter((l) => (l.level as number) >= 50))).toBe(201);
    const { version } = r.json();
    expect(version).toMatchObject({
      version: 1,
      author: 'bootstrap',
      message: 'zoom peering',
      entry: 'main.rules',
      active: false,
    });
    expect(version.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const full = (await get('/api/v1/rulesets/versions/1')).json();
    expect(full.files).toEqual({ 'main.rules': ZOOM_RULES });
  });

  it('a bundle compiles from main.rules with its imports', async () => {
    const lib = 'trunk core {\n  peers ["10.0.0.10:5060"]\n}\n';
    const main = 'ruleset bundle\n\nimport "lib/trunks.rules"\n\non request INVITE {\n  route core\n}\n';
    const r = await upload({ 'lib/trunks.rules': lib, 'main.rules': main });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().version.entry).toBe('main.rules');
  });

  it('compiler errors: 422 with the diagnostic objects, and nothing stored', async () => {
    const r = await upload({ 'main.rules': ZOOM_RULES.replace('route core', 'route nowhere') });
    expect(r.statusCode).toBe(422);
    const body = r.json();
    expect(body.error).toBe('compile_failed');
    expect(body.diagnostics[0]).toMatchObject({
      file: 'main.rules',
      line: expect.any(Number),
      column: expect.any(Number),
      severity: 'error',
      code: expect.stringMatching(/^E\d+/),
    });
    expect((await get('/api/v1/rulesets/versions')).json()).toEqual([]);
  });

  it('several files without main.rules need a named entry', async () => {
    const r = await upload({ 'a.rules': ZOOM_RULES, 'b.rules': ZOOM_RULES });
    expect(r.statusCode).toBe(422);
    expect(r.json().message).toMatch(/name the entry/);
    const named = await post('/api/v1/rulesets/versions', {
      files: { 'a.rules': ZOOM_RULES, 'b.rules': ZOOM_RULES },
      entry: 'b.rules',
    });
    expect(named.json().version.entry).toBe('b.rules');
  });

  it('refuses paths that climb out of the bundle', async () => {
    for (const path of ['../etc/passwd', '/abs.rules', 'a/../../b.rules']) {
      const r = await upload({ [path]: ZOOM_RULES });
      expect(r.statusCode, path).toBe(400);
    }
  });

  it('validate compiles without storing', async () => {
    const r = await post('/api/v1/rulesets/validate', { files: { 'main.rules': 'ruleset x\non foo' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ ok: false, diagnostics: [expect.objectContaining({ code: 'E100' })] });
    expect((await get('/api/v1/rulesets/versions')).json()).toEqual([]);
  });
});

describe('diff', () => {
  it('is a unified diff of the files that changed', async () => {
    await upload({ 'main.rules': ZOOM_RULES });
    await upload({
      'main.rules': ZOOM_RULES.replace('403 "Number not enabled for Zoom"', '403 "Zoom not enabled"'),
    });
    const r = await get('/api/v1/rulesets/diff?from=1&to=2');
    expect(r.statusCode).toBe(200);
    const { diff } = r.json();
    expect(diff).toContain('--- a/main.rules\tv1');
    expect(diff).toContain('+++ b/main.rules\tv2');
    expect(diff).toContain('-    reject 403 "Number not enabled for Zoom"');
    expect(diff).toContain('+    reject 403 "Zoom not enabled"');
    expect((await get('/api/v1/rulesets/diff?from=1&to=9')).statusCode).toBe(404);
  });
});

describe('activation', () => {
  beforeEach(async () => {
    for (let i = 0; i < 3; i++) await upload({ 'main.rules': `${ZOOM_RULES}\n# v${i + 1}\n` });
  });

  it('loads the version into the runtime, then moves the pointer; history records both steps', async () => {
    expect((await get('/api/v1/rulesets/active')).statusCode).toBe(404);
    const r = await post('/api/v1/rulesets/activate', { version: 2 });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      changed: true,
      activation: { version: 2, previous: null, kind: 'activate', actor: 'bootstrap' },
    });
    await post('/api/v1/rulesets/activate', { version: 3 });
    expect(t.activator.loaded).toEqual([2, 3]);
    expect((await get('/api/v1/rulesets/active')).json()).toMatchObject({ version: 3, previous: 2 });
    const list = (await get('/api/v1/rulesets/versions')).json();
    expect(list.map((v: { active: boolean }) => v.active)).toEqual([false, false, true]);
    const again = await post('/api/v1/rulesets/activate', { version: 3 });
    expect(again.json().changed).toBe(false);
    expect(t.activator.loaded).toEqual([2, 3]);
  });

  it('when the runtime cannot load a version, the running one stays and nothing is recorded', async () => {
    await post('/api/v1/rulesets/activate', { version: 1 });
    t.activator.failNext = 'isolate out of memory';
    const r = await post('/api/v1/rulesets/activate', { version: 2 });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ error: 'activation_failed' });
    expect(r.json().message).toContain('isolate out of memory');
    expect((await get('/api/v1/rulesets/active')).json().version).toBe(1);
    expect((await get('/api/v1/rulesets/activations')).json()).toHaveLength(1);
  });

  it('rollback goes to the previous version, or to a named one', async () => {
    await post('/api/v1/rulesets/activate', { version: 1 });
    await post('/api/v1/rulesets/activate', { version: 3 });
    const back = await post('/api/v1/rulesets/rollback', {});
    expect(back.json().activation).toMatchObject({ version: 1, previous: 3, kind: 'rollback' });
    const named = await post('/api/v1/rulesets/rollback', { version: 2 });
    expect(named.json().activation).toMatchObject({ version: 2, previous: 1, kind: 'rollback' });
    const history = (await get('/api/v1/rulesets/activations?limit=10')).json();
    expect(history.map((a: { version: number }) => a.version)).toEqual([2, 1, 3, 1]);
    expect(t.activator.loaded).toEqual([1, 3, 1, 2]);
  });

  it('rollback with nothing before is a 409, activating an unknown version a 404', async () => {
    expect((await post('/api/v1/rulesets/rollback', {})).statusCode).toBe(409);
    await post('/api/v1/rulesets/activate', { version: 1 });
    expect((await post('/api/v1/rulesets/rollback')).statusCode).toBe(409);
    expect((await post('/api/v1/rulesets/activate', { version: 42 })).statusCode).toBe(404);
  });

  it('concurrent activations are applied one at a time: runtime and store end on the same version', async () => {
    await Promise.all([1, 2, 3, 1, 2, 3, 2].map((version) => post('/api/v1/rulesets/activate', { version })));
    const active = (await get('/api/v1/rulesets/active')).json();
    expect(t.activator.loaded.at(-1)).toBe(active.version);
  });

  it('reports the calls in progress pinned to each loaded version', async () => {
    expect((await get('/api/v1/rulesets/calls')).json()).toEqual([]);
    await post('/api/v1/rulesets/activate', { version: 1 });
    t.activator.calls.set(1, 7);
    await post('/api/v1/rulesets/activate', { version: 2 });
    expect((await get('/api/v1/rulesets/calls')).json()).toEqual([
      { version: 1, hash: 'h1', active: false, calls: 7 },
      { version: 2, hash: 'h2', active: true, calls: 0 },
    ]);
  });

  it('writes one audit line per change, naming the actor', async () => {
    await post('/api/v1/rulesets/activate', { version: 2 });
    await post('/api/v1/rulesets/rollback', { version: 1 });
    await get('/api/v1/rulesets/versions');
    const audit = t.logs().filter((l) => l.audit === true);
    expect(audit.map((l) => l.action)).toEqual([
      'rules.upload',
      'rules.upload',
      'rules.upload',
      'rules.activate',
      'rules.rollback',
    ]);
    expect(audit[3]).toMatchObject({ actor: 'bootstrap', role: 'admin', target: 'v2' });
  });
});
