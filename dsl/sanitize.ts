import type { Block, Decl, Expr, Loc, Stmt, Target } from './ast.ts';

/**
 * After error recovery the parser may hand back nodes with missing parts (a sub-rule that
 * re-synchronised returns nothing). Later stages expect complete trees, so a recovered file is
 * cleaned here: broken expressions become `error` nodes, broken statements and declarations are
 * dropped. The syntax error itself has already been reported.
 */
export function sanitizeDecls(decls: Decl[], file: string): Decl[] {
  ERROR_LOC.file = file;
  return decls.filter((d) => d !== undefined && d !== null && validDecl(d));
}

const ok = (x: unknown): boolean => x !== undefined && x !== null;
const validLoc = (l: Loc | undefined): boolean =>
  ok(l) && Number.isFinite(l!.start) && Number.isFinite(l!.line);

function validDecl(d: Decl): boolean {
  if (!validLoc(d.loc)) return false;
  switch (d.kind) {
    case 'ruleset':
    case 'counter':
      return ok(d.name);
    case 'import':
      if (!ok(d.path)) return false;
      d.path = expr(d.path);
      return true;
    case 'trunk':
    case 'group':
      d.props = d.props.filter((p) => ok(p) && ok(p.key) && ok(p.value));
      for (const p of d.props) p.value = expr(p.value);
      return ok(d.name);
    case 'table':
      if (d.entries) {
        d.entries = d.entries.filter((e) => ok(e) && ok(e.key) && ok(e.value));
        for (const e of d.entries) {
          e.key = expr(e.key);
          e.value = expr(e.value);
        }
      }
      if (d.schema) d.schema = d.schema.filter((f) => ok(f) && ok(f.name) && ok(f.type));
      return ok(d.name);
    case 'var':
      if (!ok(d.value)) return false;
      d.value = expr(d.value);
      return ok(d.name);
    case 'handler':
      if (!ok(d.hook) || !ok(d.body) || !validLoc(d.hook.loc)) return false;
      if (d.hook.kind === 'response') d.hook.statuses = d.hook.statuses.filter(ok);
      if (d.hook.kind === 'request') d.hook.methods = d.hook.methods.filter((m) => ok(m) && m.name !== '');
      return block(d.body);
  }
}

function block(b: Block): boolean {
  if (!ok(b) || !Array.isArray(b.stmts)) return false;
  b.stmts = b.stmts.filter((s) => ok(s) && validLoc(s.loc) && stmt(s));
  return true;
}

function target(t: Target): boolean {
  if (!ok(t)) return false;
  if (t.kind === 'header') {
    if (!ok(t.name)) return false;
    t.name = expr(t.name);
    if (t.param) t.param = expr(t.param);
    return true;
  }
  if (!ok(t.expr)) return false;
  t.expr = expr(t.expr);
  return true;
}

function stmt(s: Stmt): boolean {
  switch (s.kind) {
    case 'let':
      if (!ok(s.name) || !ok(s.value)) return false;
      s.value = expr(s.value);
      return !s.orElse || block(s.orElse);
    case 'if':
      s.branches = s.branches.filter((b) => ok(b) && ok(b.cond) && block(b.body));
      for (const b of s.branches) b.cond = expr(b.cond);
      return s.branches.length > 0 && (!s.otherwise || block(s.otherwise));
    case 'set':
      if (!target(s.target) || !ok(s.value)) return false;
      s.value = expr(s.value);
      return true;
    case 'remove':
      return target(s.target);
    case 'replace':
      if (!target(s.target) || !ok(s.pattern) || !ok(s.replacement)) return false;
      s.replacement = expr(s.replacement);
      return true;
    case 'reject':
    case 'reply':
      if (!ok(s.code)) return false;
      s.code = expr(s.code);
      if (s.reason) s.reason = expr(s.reason);
      return true;
    case 'route':
      if (s.failover) s.failover = expr(s.failover);
      return ok(s.target);
    case 'media':
      if (!ok(s.leg) || !ok(s.policy)) return false;
      s.policy = expr(s.policy);
      return true;
    case 'log':
      if (!ok(s.message)) return false;
      s.message = expr(s.message);
      return true;
    case 'count':
      return ok(s.counter);
    case 'removeHeaders':
      return ok(s.pattern);
    case 'stop':
      return true;
  }
}

const ERROR_LOC: Loc = { file: '', start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };

/** Returns the expression with broken parts replaced by error nodes (never throws). */
function expr(e: Expr): Expr {
  if (!ok(e) || !validLoc(e.loc)) return { kind: 'error', loc: ok(e) && ok(e.loc) ? e.loc : ERROR_LOC };
  const bad = (): Expr => ({ kind: 'error', loc: e.loc });
  switch (e.kind) {
    case 'member':
      if (!ok(e.name)) return bad();
      e.object = expr(e.object);
      return e;
    case 'index':
      e.object = expr(e.object);
      e.index = expr(e.index);
      return e;
    case 'header':
      e.name = expr(e.name);
      return e;
    case 'call':
      if (!ok(e.callee)) return bad();
      e.args = e.args.filter((a) => ok(a)).map((a) => ({ ...a, value: expr(a.value) }));
      return e;
    case 'unary':
      e.operand = expr(e.operand);
      return e;
    case 'binary':
      e.left = expr(e.left);
      e.right = expr(e.right);
      return e;
    case 'paren':
      e.expr = expr(e.expr);
      return e;
    case 'list':
      e.items = e.items.map(expr);
      return e;
    case 'record':
      e.entries = e.entries
        .filter((en) => ok(en) && ok(en.key))
        .map((en) => ({ ...en, value: expr(en.value) }));
      return e;
    default:
      return e;
  }
}
