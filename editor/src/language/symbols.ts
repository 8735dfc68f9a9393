/**
 * Declarations and `let` bindings of rule files, read from the compiler's own parser (dsl/), for
 * go to definition, completion of trunks, tables and names, and hover on declared names.
 */
import type { Block, Decl, Loc, Stmt } from '../../../dsl/ast.ts';
import { parseFile } from '../../../dsl/stages/parse.ts';

export type SymbolKind = 'trunk' | 'group' | 'table' | 'var' | 'counter' | 'let';

export interface Place {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface RuleSymbol extends Place {
  kind: SymbolKind;
  name: string;
  /** For tables: the schema's field names; for lets: the scope they are visible in. */
  fields?: string[];
  scope?: Place;
}

export interface FileSymbols {
  file: string;
  decls: RuleSymbol[];
  lets: RuleSymbol[];
}

const place = (loc: Loc): Place => ({
  file: loc.file,
  line: loc.line,
  column: loc.column,
  endLine: loc.endLine,
  endColumn: loc.endColumn,
});

export function indexFile(path: string, text: string): FileSymbols {
  const { file } = parseFile(path, text);
  const decls: RuleSymbol[] = [];
  const lets: RuleSymbol[] = [];
  for (const d of file.decls) {
    const named = declSymbol(d);
    if (named) decls.push(named);
    if (d.kind === 'handler') collectLets(d.body, lets);
  }
  return { file: path, decls, lets };
}

function declSymbol(d: Decl): RuleSymbol | undefined {
  switch (d.kind) {
    case 'trunk':
    case 'group':
    case 'var':
    case 'counter':
      return { kind: d.kind, name: d.name.name, ...place(d.name.loc) };
    case 'table':
      return {
        kind: 'table',
        name: d.name.name,
        ...place(d.name.loc),
        fields: (d.schema ?? []).map((f) => f.name.name),
      };
    default:
      return undefined;
  }
}

function collectLets(block: Block, out: RuleSymbol[]): void {
  for (const s of block.stmts) collectStmt(s, block, out);
}

function collectStmt(s: Stmt, block: Block, out: RuleSymbol[]): void {
  if (s.kind === 'let') {
    out.push({ kind: 'let', name: s.name.name, ...place(s.name.loc), scope: place(block.loc) });
    if (s.orElse) collectLets(s.orElse, out);
  } else if (s.kind === 'if') {
    for (const b of s.branches) collectLets(b.body, out);
    if (s.otherwise) collectLets(s.otherwise, out);
  }
}

function before(a: { line: number; column: number }, b: { line: number; column: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.column <= b.column);
}

function inside(p: Place, at: { line: number; column: number }): boolean {
  return (
    before({ line: p.line, column: p.column }, at) && before(at, { line: p.endLine, column: p.endColumn })
  );
}

/** `let` bindings visible at a position of a file: declared earlier in an enclosing block. */
export function letsAt(index: FileSymbols, at: { line: number; column: number }): RuleSymbol[] {
  return index.lets.filter((l) => l.scope !== undefined && inside(l.scope, at) && before(l, at));
}

/**
 * Where `name`, used at `at` in `file`, is declared: the nearest visible `let`, else a declaration
 * in any file of the rule set.
 */
export function findDefinition(
  indexes: readonly FileSymbols[],
  file: string,
  name: string,
  at: { line: number; column: number },
): RuleSymbol | undefined {
  const own = indexes.find((i) => i.file === file);
  const visible = own ? letsAt(own, at).filter((l) => l.name === name) : [];
  if (visible.length > 0) return visible[visible.length - 1];
  for (const i of indexes) {
    const found = i.decls.find((d) => d.name === name);
    if (found) return found;
  }
  return undefined;
}
