/**
 * The editor's diagnostics are those of `sbc check`: the checker the Web Worker runs gives the
 * same codes, positions, messages and hints as the real CLI (bin/sbc) on the same files —
 * several files, imports, errors in an imported file, warnings and a file nobody imports.
 * (The browser test compares the worker's answer in Chromium with the CLI too.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuleChecker, walkOrder } from '../../editor/src/check/checker.ts';
import { BROKEN_FILES, cliCheck } from './support/fixtures.ts';

describe('editor diagnostics = sbc check', () => {
  it('gives exactly what the CLI prints on a rule set with errors and warnings in several files', () => {
    const checker = new RuleChecker();
    checker.setFiles(BROKEN_FILES);
    const mine = checker.check();
    expect(mine.length).toBeGreaterThanOrEqual(4);
    expect(new Set(mine.map((d) => d.file)).size).toBeGreaterThanOrEqual(2);
    expect(mine).toEqual(cliCheck(BROKEN_FILES));
  });

  it('gives what the CLI prints on the shipped default rule set', () => {
    const dir = resolve(import.meta.dirname, '../../rules/default');
    const files = Object.fromEntries(
      readdirSync(dir)
        .filter((f) => f.endsWith('.rules'))
        .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
    );
    const checker = new RuleChecker();
    checker.setFiles(files);
    expect(checker.check()).toEqual(cliCheck(files));
  });

  it('re-parses only the edited file after a keystroke', () => {
    const checker = new RuleChecker();
    checker.setFiles(BROKEN_FILES);
    checker.check();
    const before = checker.parses;
    checker.setFile('main.rules', `${BROKEN_FILES['main.rules']}\n`);
    checker.check();
    expect(checker.parses - before).toBe(1);
  });

  it('walks files in the order sbc check walks a directory (by name at each level)', () => {
    // readdir order sorted by name: the directory 'a' sorts before the file 'a.rules'.
    expect(['b.rules', 'a/z.rules', 'a.rules', 'a/b.rules'].sort(walkOrder)).toEqual([
      'a/b.rules',
      'a/z.rules',
      'a.rules',
      'b.rules',
    ]);
  });
});
