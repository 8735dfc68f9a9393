import type { Command } from 'commander';
import { compile, type Diagnostic } from '../../../dsl/index.ts';
import { expandPaths, fsReader, type Io, processIo } from './rule-files.ts';

/**
 * `sbc check FILE|DIR [--json]`: compile rule files and report diagnostics.
 * Exit codes: 0 clean (warnings allowed), 1 errors found, 2 usage error (docs/language.md §13).
 */
export interface CheckOptions {
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('check')
    .description('check rule files for errors')
    .argument('<paths...>', 'rule files or directories')
    .option('--json', 'print diagnostics as JSON')
    .action((paths: string[], opts: CheckOptions) => {
      process.exitCode = runCheck(paths, opts, processIo);
    });
}

export function runCheck(paths: string[], opts: CheckOptions, io: Io): number {
  const { files, missing } = expandPaths(paths);
  if (missing.length > 0) {
    io.err(`sbc check: no such file or directory: ${missing.join(', ')}\n`);
    return 2;
  }
  if (files.length === 0) {
    io.err(`sbc check: no .rules files found in ${paths.join(', ')}\n`);
    return 2;
  }
  const results = files.map((entry) => ({ entry, result: compile({ entry, reader: fsReader }) }));
  // A file imported by another one is checked through its importer, where its names make sense.
  const imported = new Set(results.flatMap((r) => r.result.files.filter((f) => f !== r.entry)));
  const entries = results.filter((r) => !imported.has(r.entry) || results.length === 1);
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const r of entries) {
    for (const d of r.result.diagnostics) {
      const key = JSON.stringify(d);
      if (!seen.has(key)) {
        seen.add(key);
        diagnostics.push(d);
      }
    }
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (opts.json) io.out(`${JSON.stringify(diagnostics, null, 2)}\n`);
  else {
    const sources = new Map<string, string[]>();
    for (const d of diagnostics) io.out(renderDiagnostic(d, sources));
    const warnings = diagnostics.length - errors;
    io.out(`${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files.length, 'file')}\n`);
  }
  return errors > 0 ? 1 : 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `file:line:col: severity CODE: message`, then the source line with a caret, then the hint. */
export function renderDiagnostic(d: Diagnostic, cache: Map<string, string[]>): string {
  let lines = cache.get(d.file);
  if (!lines) {
    lines = (fsReader.read(d.file) ?? '').split(/\r\n|\r|\n/);
    cache.set(d.file, lines);
  }
  const head = `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}\n`;
  const src = lines[d.line - 1];
  let body = '';
  if (src !== undefined) {
    const gutter = String(d.line).length;
    const start = Math.max(0, d.column - 1);
    // Long lines are cut around the column so the caret stays on screen.
    const from = start > 80 ? start - 40 : 0;
    const shown = src.slice(from, from + 160).replace(/\t/g, ' ');
    const width =
      d.endLine === d.line ? Math.max(1, Math.min(d.endColumn - d.column, shown.length - (start - from))) : 1;
    body += ` ${d.line} | ${shown}\n ${' '.repeat(gutter)} | ${' '.repeat(start - from)}${'^'.repeat(width)}\n`;
  }
  if (d.hint) body += ` ${' '.repeat(String(d.line).length)} = hint: ${d.hint}\n`;
  return head + body;
}
