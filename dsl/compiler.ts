import type { SourceFile } from './ast.ts';
import { capPerFile, type Diagnostic, sortDiagnostics } from './diagnostics.ts';
import type { IrProgram } from './ir.ts';
import { lint } from './stages/lint.ts';
import { lower } from './stages/lower.ts';
import { type ParseResult, parseFile } from './stages/parse.ts';
import { resolveImports } from './stages/resolve-imports.ts';
import { resolveNames } from './stages/resolve-names.ts';
import { typecheck } from './stages/typecheck.ts';

/**
 * The compiler is this list of named stages, each in its own file under stages/:
 *   parse → resolve-imports → resolve-names → type-check → lint → lower
 * Stages after a syntax error still run on what was recovered, so the rest of a file is checked;
 * lint and lower only run on programs without errors.
 */
export const STAGES = ['parse', 'resolve-imports', 'resolve-names', 'typecheck', 'lint', 'lower'] as const;

/** How the compiler reads imported files; the CLI passes one backed by node:fs, the editor an in-memory one. */
export interface FileReader {
  read(path: string): string | undefined;
}

export interface CompileResult {
  /** Present only when there are no errors (warnings allowed). */
  ir?: IrProgram;
  diagnostics: Diagnostic[];
  /** Files that make up the rule set, imports first. */
  files: string[];
}

/** Diagnostics that may be caused by a declaration lost to a syntax error; dropped when one exists. */
const MAYBE_CASCADE = new Set(['E300', 'E303', 'E304', 'E308', 'W502']);

/**
 * A set of files with parse results cached by content, so re-checking after an edit only
 * re-parses the edited file (the editor's per-keystroke path).
 */
export class Workspace {
  private readonly cache = new Map<string, { text: string; result: ParseResult }>();
  /** How many times a file was actually parsed (for tests and the editor's status line). */
  parses = 0;
  private readonly reader: FileReader;

  constructor(reader: FileReader) {
    this.reader = reader;
  }

  private load = (path: string): ParseResult | undefined => {
    const text = this.reader.read(path);
    if (text === undefined) return undefined;
    const hit = this.cache.get(path);
    if (hit && hit.text === text) return hit.result;
    const result = parseFile(path, text);
    this.parses++;
    this.cache.set(path, { text, result });
    return result;
  };

  check(entry: string): CompileResult {
    return runStages(entry, this.load);
  }
}

export function runStages(entry: string, load: (path: string) => ParseResult | undefined): CompileResult {
  const imported = resolveImports(entry, load);
  const files: SourceFile[] = imported.files;
  const diagnostics: Diagnostic[] = [...imported.diagnostics];
  const names = resolveNames(files, entry);
  const types = typecheck(files, names.symbols);
  const syntaxBroken = files.some((f) => f.hasSyntaxErrors);
  for (const d of [...names.diagnostics, ...types.diagnostics]) {
    if (!(syntaxBroken && MAYBE_CASCADE.has(d.code))) diagnostics.push(d);
  }
  if (syntaxBroken) diagnostics.splice(0, diagnostics.length, ...oneSyntaxErrorPerRegion(files, diagnostics));
  let ir: IrProgram | undefined;
  if (!diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push(...lint(names.symbols));
    if (!diagnostics.some((d) => d.severity === 'error')) ir = lower(files, names.symbols, types.info);
  }
  return {
    ...(ir ? { ir } : {}),
    diagnostics: capPerFile(dedupe(sortDiagnostics(diagnostics))),
    files: files.map((f) => f.path),
  };
}

/**
 * After a syntax error its whole declaration is guesswork: keep the first syntax error of each
 * region (a top-level declaration, by its starting line) and the lexical findings before it, and
 * drop every other finding in that region. Other declarations are still fully checked.
 */
function oneSyntaxErrorPerRegion(files: SourceFile[], list: Diagnostic[]): Diagnostic[] {
  const starts = new Map(files.map((f) => [f.path, f.regionStarts]));
  const regionOf = (d: Diagnostic): number => {
    const s = starts.get(d.file);
    if (!s) return -1;
    let lo = 0;
    for (let i = 0; i < s.length; i++) if (s[i]! <= d.line) lo = i;
    return lo;
  };
  const ordered = sortDiagnostics(list);
  const firstSyntax = new Map<string, Diagnostic>();
  for (const d of ordered) {
    const key = `${d.file}#${regionOf(d)}`;
    if (d.code === 'E100' && !firstSyntax.has(key)) firstSyntax.set(key, d);
  }
  return ordered.filter((d) => {
    const first = firstSyntax.get(`${d.file}#${regionOf(d)}`);
    if (!first || d === first) return true;
    // Lexical and literal findings stand on their own; checks of a misparsed region do not.
    const before = d.line < first.line || (d.line === first.line && d.column < first.column);
    return before && d.code < 'E100';
  });
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type CompileInput =
  Map<string, string> | Record<string, string> | { entry: string; reader: FileReader };

/**
 * Compile a rule set. With a map of files, the entry is `options.entry` or the first file.
 *   compile({ 'main.rules': text })
 *   compile({ entry: 'rules/main.rules', reader: { read: (p) => … } })
 */
export function compile(input: CompileInput, options: { entry?: string } = {}): CompileResult {
  if ('reader' in input && typeof input.reader === 'object' && typeof input.entry === 'string') {
    return new Workspace(input.reader as FileReader).check(input.entry);
  }
  const map = input instanceof Map ? input : new Map(Object.entries(input as Record<string, string>));
  const entry = options.entry ?? map.keys().next().value ?? 'main.rules';
  return new Workspace({ read: (p) => map.get(p) }).check(entry);
}
