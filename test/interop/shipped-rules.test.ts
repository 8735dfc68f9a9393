// The shipped interop profiles (issue: interop profiles, item 8): every rule set under rules/
// compiles without a warning, is formatted, and its rule tests pass with at least 90 % of its
// rule decisions covered — through the real `sbc` command, as an operator runs it.

import { describe, expect, it } from 'vitest';
import { runSbc } from '../support/sbc-process.ts';

const PROFILES = ['zoom', 'teams', 'teams-direct-routing', 'operator-core'];

describe('shipped rule sets', () => {
  it('check clean: no error and no warning', async () => {
    for (const profile of PROFILES) {
      const r = await runSbc(['check', `rules/${profile}/main.rules`]);
      expect(r.stdout + r.stderr, profile).toContain('0 errors, 0 warnings');
      expect(r.code, profile).toBe(0);
    }
  }, 60_000);

  it('are in the canonical layout (sbc fmt --check)', async () => {
    const r = await runSbc(['fmt', '--check', 'rules']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 30_000);

  it('pass their rule tests with decision coverage of at least 90 %', async () => {
    const r = await runSbc(['test', 'rules', '--coverage', '--coverage-min', '90', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      coverage: { ruleset: string; pct: number }[];
      files: { cases: { ok: boolean }[] }[];
    };
    const covered = new Map(report.coverage.map((c) => [c.ruleset.replace(/\\/g, '/'), c.pct]));
    for (const profile of PROFILES) {
      expect(covered.get(`rules/${profile}/main.rules`), profile).toBeGreaterThanOrEqual(90);
    }
    const cases = report.files.flatMap((f) => f.cases);
    expect(cases.length).toBeGreaterThanOrEqual(50);
    expect(cases.every((c) => c.ok)).toBe(true);
  }, 60_000);
});
