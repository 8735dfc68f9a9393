import type { Block, Expr, Ident, Loc, SourceFile, Stmt, Target } from '../ast.ts';
import { type Diagnostic, diag } from '../diagnostics.ts';
import { ROOTS } from '../fields.ts';
import { basename } from '../paths.ts';
import { didYouMean } from '../suggest.ts';
import type { Binding, GlobalDecl, GroupDecl, LetStmt, Symbols } from '../symbols.ts';

/**
 * Stage 3 — resolve names: build the global symbol table across all files (E301 duplicates),
 * check references between declarations (E303 trunks/groups, E308 counters, E310 table sources,
 * E409 backup cycles) and bind every name used in a handler to a let, var, table or field root.
 */
export const PROVISIONING_SOURCES = ['numbers', 'tenants'] as const;

export function resolveNames(
  files: SourceFile[],
  entry: string,
): { symbols: Symbols; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const entryFile = files[files.length - 1];
  const rulesetDecl = entryFile?.decls.find((d) => d.kind === 'ruleset');
  const symbols: Symbols = {
    ruleset: rulesetDecl?.kind === 'ruleset' ? rulesetDecl.name.name : basename(entry),
    globals: new Map(),
    trunks: new Map(),
    groups: new Map(),
    tables: new Map(),
    vars: new Map(),
    counters: new Map(),
    handlers: [],
    bindings: new Map(),
    used: new Set(),
  };

  for (const file of files) {
    for (const d of file.decls) {
      if (d.kind === 'handler') {
        symbols.handlers.push(d);
        continue;
      }
      if (d.kind === 'ruleset' || d.kind === 'import') continue;
      const prev = symbols.globals.get(d.name.name);
      if (prev) {
        out.push(
          diag(
            'E301',
            d.name.loc,
            `'${d.name.name}' is already declared (${prev.kind} at ${where(prev.name.loc)})`,
            'rename one of them',
          ),
        );
        continue;
      }
      if (ROOTS[d.name.name]) {
        out.push(
          diag('E301', d.name.loc, `'${d.name.name}' is the name of a built-in field`, 'choose another name'),
        );
        continue;
      }
      symbols.globals.set(d.name.name, d);
      const table = {
        trunk: symbols.trunks,
        group: symbols.groups,
        table: symbols.tables,
        var: symbols.vars,
        counter: symbols.counters,
      }[d.kind];
      (table as Map<string, GlobalDecl>).set(d.name.name, d);
    }
  }

  const refTrunk = (id: Ident, allowGroup: boolean): void => {
    const t = symbols.trunks.get(id.name) ?? (allowGroup ? symbols.groups.get(id.name) : undefined);
    if (t) {
      symbols.used.add(t);
      return;
    }
    const g = symbols.groups.get(id.name);
    if (g) {
      out.push(
        diag(
          'E303',
          id.loc,
          `'${id.name}' is a route group; a trunk is expected here`,
          'name one of its member trunks',
        ),
      );
      return;
    }
    const names = allowGroup
      ? [...symbols.trunks.keys(), ...symbols.groups.keys()]
      : [...symbols.trunks.keys()];
    out.push(
      diag(
        'E303',
        id.loc,
        `unknown ${allowGroup ? 'trunk or group' : 'trunk'} '${id.name}'`,
        didYouMean(id.name, names) ?? declareHint(allowGroup),
      ),
    );
  };

  for (const g of symbols.groups.values()) {
    for (const p of g.props) {
      if (p.key.name === 'members' && p.value.kind === 'list') {
        for (const m of p.value.items) if (m.kind === 'name') refTrunk({ name: m.name, loc: m.loc }, false);
      }
      if (p.key.name === 'backup' && p.value.kind === 'name') {
        const b = symbols.groups.get(p.value.name);
        if (b) symbols.used.add(b);
        else
          out.push(
            diag(
              'E303',
              p.value.loc,
              `unknown route group '${p.value.name}'`,
              didYouMean(p.value.name, symbols.groups.keys()) ??
                'declare it with group NAME { members [...] }',
            ),
          );
      }
    }
  }
  checkBackupCycles(symbols.groups, out);

  for (const t of symbols.tables.values()) {
    if (!t.source) continue;
    const [root, name, ...rest] = t.source;
    const last = t.source[t.source.length - 1]!;
    const known = PROVISIONING_SOURCES as readonly string[];
    if (
      root?.name !== 'provisioning' ||
      name === undefined ||
      rest.length > 0 ||
      !known.includes(name.name)
    ) {
      const hint = name ? didYouMean(name.name, known) : undefined;
      out.push(
        diag(
          'E310',
          span(root?.loc ?? last.loc, last.loc),
          `unknown provisioning source '${t.source.map((s) => s.name).join('.')}'`,
          hint ?? `known sources: ${known.map((k) => `provisioning.${k}`).join(', ')}`,
        ),
      );
    }
  }

  for (const h of symbols.handlers) {
    if (h.hook.trunk) refTrunk(h.hook.trunk, false);
    new BodyResolver(symbols, out, refTrunk).block(h.body, []);
  }
  return { symbols, diagnostics: out };
}

function declareHint(allowGroup: boolean): string {
  return allowGroup
    ? 'declare it with trunk NAME { … } or group NAME { … }'
    : 'declare it with trunk NAME { peers [...] }';
}

function where(loc: Loc): string {
  return `${loc.file}:${loc.line}`;
}

function span(a: Loc, b: Loc): Loc {
  return { ...a, end: b.end, endLine: b.endLine, endColumn: b.endColumn };
}

function checkBackupCycles(groups: Map<string, GroupDecl>, out: Diagnostic[]): void {
  const backupOf = (g: GroupDecl) => {
    const p = g.props.find((x) => x.key.name === 'backup');
    return p?.value.kind === 'name' ? p.value : undefined;
  };
  for (const g of groups.values()) {
    const first = backupOf(g);
    const seen = new Set<string>([g.name.name]);
    let b = first;
    while (first && b) {
      if (b.name === g.name.name) {
        out.push(
          diag(
            'E409',
            first.loc,
            `backup groups form a cycle back to '${g.name.name}'`,
            'the last backup group must not lead back to the first',
          ),
        );
        break;
      }
      if (seen.has(b.name)) break;
      seen.add(b.name);
      const next = groups.get(b.name);
      b = next ? backupOf(next) : undefined;
    }
  }
}

type Scope = Map<string, LetStmt>[];

class BodyResolver {
  private readonly symbols: Symbols;
  private readonly out: Diagnostic[];
  private readonly refTrunk: (id: Ident, allowGroup: boolean) => void;

  constructor(symbols: Symbols, out: Diagnostic[], refTrunk: (id: Ident, allowGroup: boolean) => void) {
    this.symbols = symbols;
    this.out = out;
    this.refTrunk = refTrunk;
  }

  block(b: Block, outer: Scope): void {
    const scope: Scope = [...outer, new Map()];
    for (const s of b.stmts) this.stmt(s, scope);
  }

  private stmt(s: Stmt, scope: Scope): void {
    switch (s.kind) {
      case 'let': {
        this.expr(s.value, scope);
        if (s.orElse) this.block(s.orElse, scope);
        const here = scope[scope.length - 1]!;
        const name = s.name.name;
        const same = here.get(name);
        if (same)
          this.out.push(
            diag(
              'E301',
              s.name.loc,
              `'${name}' is already defined in this block (line ${same.name.loc.line})`,
              'use another name',
            ),
          );
        else if (ROOTS[name])
          this.out.push(
            diag('E301', s.name.loc, `'${name}' is the name of a built-in field`, 'use another name'),
          );
        else if (scope.some((m) => m.has(name)) || this.symbols.globals.has(name))
          this.out.push(
            diag(
              'W505',
              s.name.loc,
              `'${name}' hides an outer ${scope.some((m) => m.has(name)) ? 'let' : 'declaration'} of the same name`,
              'rename it to avoid confusion',
            ),
          );
        if (!same) here.set(name, s);
        return;
      }
      case 'if':
        for (const br of s.branches) {
          this.expr(br.cond, scope);
          this.block(br.body, scope);
        }
        if (s.otherwise) this.block(s.otherwise, scope);
        return;
      case 'set':
        this.target(s.target, scope);
        this.expr(s.value, scope);
        return;
      case 'remove':
        this.target(s.target, scope);
        return;
      case 'replace':
        this.target(s.target, scope);
        this.expr(s.replacement, scope);
        return;
      case 'reject':
      case 'reply':
        if (s.reason) this.expr(s.reason, scope);
        return;
      case 'route':
        this.refTrunk(s.target, true);
        if (s.failover) this.expr(s.failover, scope);
        return;
      case 'media':
        this.expr(s.policy, scope);
        return;
      case 'log':
        this.expr(s.message, scope);
        return;
      case 'count': {
        const c = this.symbols.counters.get(s.counter.name);
        if (c) this.symbols.used.add(c);
        else
          this.out.push(
            diag(
              'E308',
              s.counter.loc,
              `unknown counter '${s.counter.name}'`,
              didYouMean(s.counter.name, this.symbols.counters.keys()) ??
                `declare it with: counter ${s.counter.name}`,
            ),
          );
        return;
      }
      case 'removeHeaders':
      case 'stop':
        return;
    }
  }

  private target(t: Target, scope: Scope): void {
    if (t.kind === 'path') this.expr(t.expr, scope);
  }

  private expr(e: Expr, scope: Scope): void {
    switch (e.kind) {
      case 'name':
        this.symbols.bindings.set(e, this.lookup(e.name, scope));
        return;
      case 'member':
        this.expr(e.object, scope);
        return;
      case 'index':
        this.expr(e.object, scope);
        this.expr(e.index, scope);
        return;
      case 'header':
        this.expr(e.name, scope);
        return;
      case 'call':
        for (const a of e.args) this.expr(a.value, scope);
        return;
      case 'unary':
        this.expr(e.operand, scope);
        return;
      case 'binary':
        this.expr(e.left, scope);
        this.expr(e.right, scope);
        return;
      case 'paren':
        this.expr(e.expr, scope);
        return;
      case 'list':
        for (const i of e.items) this.expr(i, scope);
        return;
      case 'record':
        for (const en of e.entries) this.expr(en.value, scope);
        return;
      default:
        return;
    }
  }

  private lookup(name: string, scope: Scope): Binding {
    for (let i = scope.length - 1; i >= 0; i--) {
      const l = scope[i]!.get(name);
      if (l) {
        this.symbols.used.add(l);
        return { kind: 'local', decl: l };
      }
    }
    const v = this.symbols.vars.get(name);
    if (v) {
      this.symbols.used.add(v);
      return { kind: 'var', decl: v };
    }
    const t = this.symbols.tables.get(name);
    if (t) {
      this.symbols.used.add(t);
      return { kind: 'table', decl: t };
    }
    if (ROOTS[name]) return { kind: 'root', name };
    return { kind: 'free' };
  }
}
