import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { format } from '../../../dsl/index.ts';
import { renderDiagnostic } from './check.ts';
import { expandPaths, fsReader, type Io, processIo } from './rule-files.ts';

/**
 * `sbc fmt FILE|DIR [--check|--write]`: canonical layout of rule files.
 * Default prints the formatted text; --check exits 1 if anything would change; --write rewrites.
 * Exit 1 also when a file has syntax errors (it is left untouched); 2 on usage errors.
 */
export interface FmtOptions {
  check?: boolean;
  write?: boolean;
}

export function register(program: Command): void {
  program
    .command('fmt')
    .description('format rule files in the canonical layout')
    .argument('<paths...>', 'rule files or directories')
    .option('--check', 'exit 1 if any file is not formatted')
    .option('--write', 'rewrite files in place')
    .action((paths: string[], opts: FmtOptions) => {
      process.exitCode = runFmt(paths, opts, processIo);
    });
}

export function runFmt(paths: string[], opts: FmtOptions, io: Io): number {
  if (opts.check && opts.write) {
    io.err('sbc fmt: use either --check or --write, not both\n');
    return 2;
  }
  const { files, missing } = expandPaths(paths);
  if (missing.length > 0) {
    io.err(`sbc fmt: no such file or directory: ${missing.join(', ')}\n`);
    return 2;
  }
  if (files.length === 0) {
    io.err(`sbc fmt: no .rules files found in ${paths.join(', ')}\n`);
    return 2;
  }
  let status = 0;
  const cache = new Map<string, string[]>();
  for (const file of files) {
    const source = fsReader.read(file);
    if (source === undefined) {
      io.err(`sbc fmt: cannot read ${file}\n`);
      status = 1;
      continue;
    }
    const result = format(source, file);
    if (!result.ok) {
      for (const d of result.diagnostics) io.err(renderDiagnostic(d, cache));
      io.err(`sbc fmt: ${file} not formatted: fix its syntax errors first\n`);
      status = 1;
      continue;
    }
    const changed = result.text !== source;
    if (opts.check) {
      if (changed) {
        io.out(`${file}\n`);
        status = 1;
      }
    } else if (opts.write) {
      if (changed) {
        writeFileSync(file, result.text);
        io.out(`formatted ${file}\n`);
      }
    } else {
      if (files.length > 1) io.out(`==> ${file} <==\n`);
      io.out(result.text);
    }
  }
  return status;
}
