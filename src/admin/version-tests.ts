/**
 * Runs the rule tests stored with a rule-set version (`*.test.yaml` uploaded beside its `.rules`
 * files) with the engine `sbc test` uses. The engine reads files, so the version is written to a
 * private temp directory for the run and removed after; results name files by their path in the
 * version.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { RuleVersion } from '../store/types.ts';
import { type RuleTestRun, runRuleTestFiles, TEST_SUFFIX } from './rule-test-engine.ts';

export function runVersionTests(version: Pick<RuleVersion, 'files'>): RuleTestRun {
  const dir = mkdtempSync(join(tmpdir(), 'sbc-ruletests-'));
  try {
    const tests: string[] = [];
    for (const [path, text] of Object.entries(version.files)) {
      // Upload validation already refuses absolute paths and `..`; the check is kept here too.
      const full = join(dir, path);
      if (relative(dir, full).startsWith('..')) continue;
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
      if (path.endsWith(TEST_SUFFIX)) tests.push(full);
    }
    tests.sort();
    const run = runRuleTestFiles(tests, { base: dir });
    // Messages and errors may name the temp directory; the caller knows only the version's paths.
    const hide = (text: string) => text.split(`${dir}/`).join('').split(dir).join('.');
    return JSON.parse(
      hide(JSON.stringify({ ...run, files: run.files.map((f) => ({ ...f, file: relative(dir, f.file) })) })),
    ) as RuleTestRun;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
