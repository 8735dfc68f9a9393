import type { Loc, SourceFile } from '../ast.ts';
import { type Diagnostic, diag } from '../diagnostics.ts';
import { LIMITS } from '../limits.ts';
import { resolveImport } from '../paths.ts';
import type { ParseResult } from './parse.ts';

/**
 * Stage 2 — resolve imports: starting from the entry file, load every imported file once, in
 * dependency order (imports before importers), reporting missing files (E200), cycles (E201),
 * too many files (E203) and misplaced `ruleset` (E202).
 */
export type LoadFile = (path: string) => ParseResult | undefined;

export interface ImportResult {
  /** Files in dependency order; the entry file is last. */
  files: SourceFile[];
  diagnostics: Diagnostic[];
}

export function resolveImports(entry: string, load: LoadFile): ImportResult {
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  let tooMany = false;

  const visit = (path: string, from: Loc | undefined): void => {
    const seen = state.get(path);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(path)), path].join(' -> ');
      if (from)
        diagnostics.push(
          diag('E201', from, `import cycle: ${cycle}`, 'move what both files need into a third file'),
        );
      return;
    }
    if (state.size >= LIMITS.maxFiles) {
      if (!tooMany && from)
        diagnostics.push(diag('E203', from, `a rule set may have at most ${LIMITS.maxFiles} files`));
      tooMany = true;
      return;
    }
    const parsed = load(path);
    if (parsed === undefined) {
      if (from)
        diagnostics.push(
          diag(
            'E200',
            from,
            `cannot find imported file '${path}'`,
            'import paths are relative to the importing file',
          ),
        );
      return;
    }
    state.set(path, 'visiting');
    stack.push(path);
    diagnostics.push(...parsed.diagnostics);
    checkRulesetPlacement(parsed.file, diagnostics);
    for (const d of parsed.file.decls) {
      if (d.kind === 'import' && d.path.kind === 'string')
        visit(resolveImport(path, d.path.value), d.path.loc);
    }
    stack.pop();
    state.set(path, 'done');
    files.push(parsed.file);
  };

  visit(entry, undefined);
  if (files.length === 0 && !state.has(entry)) {
    const loc: Loc = { file: entry, line: 1, column: 1, endLine: 1, endColumn: 1, start: 0, end: 0 };
    diagnostics.push(diag('E200', loc, `cannot read '${entry}'`));
  }
  return { files, diagnostics };
}

function checkRulesetPlacement(file: SourceFile, out: Diagnostic[]): void {
  file.decls.forEach((d, i) => {
    if (d.kind !== 'ruleset') return;
    if (i !== 0)
      out.push(
        diag('E202', d.loc, "'ruleset' must be the first declaration of the file", 'move it to the top'),
      );
  });
}
