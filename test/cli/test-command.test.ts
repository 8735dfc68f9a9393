/** `sbc test` through the real launcher, on rule tests written in files. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function sbc(...args: string[]) {
  const r = spawnSync(join(ROOT, 'bin/sbc'), args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function project(tests: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sbc-test-'));
  copyFileSync(join(ROOT, 'test/runtime/fixtures/zoom/main.rules'), join(dir, 'main.rules'));
  writeFileSync(join(dir, 'cases.test.yaml'), tests);
  return dir;
}

const OPTIONS_CASE = `tests:
  - name: options answered
    message: ${join(ROOT, 'examples/messages/options-keepalive.sip')}
    trunk: zoom_sj
    expect:
      reply: 200
`;

describe('sbc test', () => {
  it('passes the fixture tests, exit 0, and reports coverage', () => {
    const r = sbc('test', 'test/runtime/fixtures', '--coverage');
    expect(r.code).toBe(0);
    expect(r.out).toContain('7 passed, 0 failed');
    expect(r.out).toMatch(/coverage test\/runtime\/fixtures\/zoom: \d+\/22 rule decisions/);
    expect(r.out).toContain('not run: test/runtime/fixtures/zoom/main.rules:90:1  handler h3');
  });

  it('prints a diff for a failing expectation and exits 1', () => {
    const dir = project(OPTIONS_CASE.replace('reply: 200', 'reply: { code: 200, reason: Okay }'));
    const r = sbc('test', dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAIL options answered');
    expect(r.out).toContain('-  "reason": "Okay"');
    expect(r.out).toContain('+  "reason": "OK"');
    expect(r.out).toContain('0 passed, 1 failed');
  });

  it('fails below --coverage-min and passes above it', () => {
    const dir = project(OPTIONS_CASE);
    const low = sbc('test', dir, '--coverage-min', '50');
    expect(low.code).toBe(1);
    expect(low.out).toMatch(/1\/22 rule decisions \(4\.5%\) — BELOW the minimum of 50%/);
    expect(sbc('test', dir, '--coverage-min', '4').code).toBe(0);
  });

  it('gives results and coverage as JSON', () => {
    const r = sbc('test', project(OPTIONS_CASE), '--json', '--coverage');
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ passed: 1, failed: 0, coverage: [{ covered: 1, total: 22 }] });
    expect(j.files[0].cases[0]).toEqual({ name: 'options answered', ok: true, failures: [] });
  });

  it('reports a malformed test file and a rule set with errors as failures', () => {
    expect(sbc('test', project('tests: []\n')).out).toContain('ERROR `tests:` must be a non-empty list');
    const dir = project(OPTIONS_CASE);
    writeFileSync(join(dir, 'main.rules'), 'on request INVITE { route nowhere }\n');
    const r = sbc('test', dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('error E303');
    expect(r.out).toContain('ERROR the rule set has errors');
  });

  it('refuses a missing directory or a bad --coverage-min with exit 2', () => {
    expect(sbc('test', 'no/such/dir').code).toBe(2);
    expect(sbc('test', 'test/runtime/fixtures', '--coverage-min', '150').code).toBe(2);
  });
});
