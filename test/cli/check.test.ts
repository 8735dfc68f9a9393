import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register, runCheck } from '../../src/cli/commands/check.ts';
import { captureIo, tempDirPerTest } from './support.ts';

/** `sbc check` against real files in a temporary directory. */
const tempDir = tempDirPerTest('sbc-check-');
const io = captureIo;

const GOOD = 'trunk core { peers ["10.0.0.1"] }\non request INVITE { route core }\n';
const BAD = 'trunk core { peers ["10.0.0.1"] }\non request INVITE {\n  route cor\n}\n';

describe('sbc check', () => {
  it('exits 0 on a clean file', () => {
    writeFileSync(join(tempDir(), 'ok.rules'), GOOD);
    const c = io();
    expect(runCheck([join(tempDir(), 'ok.rules')], {}, c.io)).toBe(0);
    expect(c.out.join('')).toContain('0 errors, 0 warnings in 1 file');
  });

  it('exits 1 with errors and shows the line, a caret and the hint', () => {
    const file = join(tempDir(), 'bad.rules');
    writeFileSync(file, BAD);
    const c = io();
    expect(runCheck([file], {}, c.io)).toBe(1);
    const text = c.out.join('');
    expect(text).toContain(`${file}:3:9: error E303: unknown trunk or group 'cor'`);
    expect(text).toContain(' 3 |   route cor\n   |         ^^^\n');
    expect(text).toContain("= hint: did you mean 'core'?");
  });

  it('warnings alone exit 0', () => {
    const file = join(tempDir(), 'warn.rules');
    writeFileSync(file, 'on request INVITE {\n  stop\n  stop\n}\n');
    const c = io();
    expect(runCheck([file], {}, c.io)).toBe(0);
    expect(c.out.join('')).toContain('warning W500');
  });

  it('--json prints the diagnostic objects', () => {
    const file = join(tempDir(), 'bad.rules');
    writeFileSync(file, BAD);
    const c = io();
    expect(runCheck([file], { json: true }, c.io)).toBe(1);
    const list = JSON.parse(c.out.join(''));
    expect(list).toEqual([
      {
        file,
        line: 3,
        column: 9,
        endLine: 3,
        endColumn: 12,
        severity: 'error',
        code: 'E303',
        message: "unknown trunk or group 'cor'",
        hint: "did you mean 'core'?",
      },
    ]);
  });

  it('checks a directory, following imports and checking imported files through their importer', () => {
    mkdirSync(join(tempDir(), 'lib'));
    writeFileSync(join(tempDir(), 'lib', 'trunks.rules'), 'trunk core { peers ["10.0.0.1"] }\n');
    writeFileSync(
      join(tempDir(), 'main.rules'),
      'import "lib/trunks.rules"\non request INVITE { route core }\n',
    );
    writeFileSync(join(tempDir(), 'notes.txt'), 'not a rule file {');
    const c = io();
    expect(runCheck([tempDir()], {}, c.io)).toBe(0);
    expect(c.out.join('')).toContain('in 2 files');
  });

  it('reports a binary file with diagnostics instead of crashing', () => {
    const file = join(tempDir(), 'bin.rules');
    writeFileSync(file, Buffer.from([0, 1, 2, 255, 254, 10, 0x7b]));
    const c = io();
    expect(runCheck([file], { json: true }, c.io)).toBe(1);
    expect(JSON.parse(c.out.join('')).length).toBeGreaterThan(0);
  });

  it('exits 2 for a missing path', () => {
    const c = io();
    expect(runCheck([join(tempDir(), 'nope.rules')], {}, c.io)).toBe(2);
    expect(c.err.join('')).toContain('no such file or directory');
  });

  it('exits 2 for a directory without rule files', () => {
    const c = io();
    expect(runCheck([tempDir()], {}, c.io)).toBe(2);
  });

  it('registers a `check` subcommand whose action sets the exit code', async () => {
    const file = join(tempDir(), 'bad.rules');
    writeFileSync(file, BAD);
    const program = new Command();
    register(program);
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await program.parseAsync(['check', '--json', file], { from: 'user' });
    } finally {
      process.stdout.write = write;
    }
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
  });
});
