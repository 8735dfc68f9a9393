import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register, runFmt } from '../../src/cli/commands/fmt.ts';
import { captureIo, tempDirPerTest } from './support.ts';

/** `sbc fmt` against real files in a temporary directory. */
const tempDir = tempDirPerTest('sbc-fmt-');
const io = captureIo;

const MESSY = 'trunk core{peers["10.0.0.1"]}\non request INVITE{route core}\n';
const TIDY = 'trunk core {\n  peers ["10.0.0.1"]\n}\n\non request INVITE {\n  route core\n}\n';

describe('sbc fmt', () => {
  it('prints the formatted file to stdout by default and leaves the file alone', () => {
    const file = join(tempDir(), 'a.rules');
    writeFileSync(file, MESSY);
    const c = io();
    expect(runFmt([file], {}, c.io)).toBe(0);
    expect(c.out.join('')).toBe(TIDY);
    expect(readFileSync(file, 'utf8')).toBe(MESSY);
  });

  it('--check exits 1 and names files that would change', () => {
    const file = join(tempDir(), 'a.rules');
    writeFileSync(file, MESSY);
    const c = io();
    expect(runFmt([file], { check: true }, c.io)).toBe(1);
    expect(c.out.join('')).toBe(`${file}\n`);
  });

  it('--check exits 0 when everything is formatted', () => {
    writeFileSync(join(tempDir(), 'a.rules'), TIDY);
    expect(runFmt([tempDir()], { check: true }, io().io)).toBe(0);
  });

  it('--write rewrites files in place', () => {
    const file = join(tempDir(), 'a.rules');
    writeFileSync(file, MESSY);
    expect(runFmt([file], { write: true }, io().io)).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(TIDY);
  });

  it('leaves a file with syntax errors untouched and exits 1', () => {
    const file = join(tempDir(), 'bad.rules');
    writeFileSync(file, 'on request INVITE {\n');
    const c = io();
    expect(runFmt([file], { write: true }, c.io)).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('on request INVITE {\n');
    expect(c.err.join('')).toContain('E100');
  });

  it('--check with --write is a usage error', () => {
    const c = io();
    expect(runFmt([tempDir()], { check: true, write: true }, c.io)).toBe(2);
    expect(c.err.join('')).toContain('either --check or --write');
  });

  it('a missing path is a usage error', () => {
    expect(runFmt([join(tempDir(), 'missing.rules')], {}, io().io)).toBe(2);
  });

  it('registers a `fmt` subcommand', async () => {
    const file = join(tempDir(), 'a.rules');
    writeFileSync(file, MESSY);
    const program = new Command();
    register(program);
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await program.parseAsync(['fmt', '--check', file], { from: 'user' });
    } finally {
      process.stdout.write = write;
    }
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
  });
});
