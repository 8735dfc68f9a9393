import type { Block, Expr, Stmt } from '../ast.ts';
import { type Diagnostic, diag } from '../diagnostics.ts';
import { terminates } from '../flow.ts';
import type { HandlerDecl, Symbols } from '../symbols.ts';

/**
 * Stage 5 — lint: findings about a program that type-checks — unreachable statements (W500),
 * handlers that can never run because an earlier one matches first (W501) or that repeat one
 * exactly (E311), unused declarations (W502) and constant conditions (W503).
 */
export function lint(symbols: Symbols): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const h of symbols.handlers) block(h.body, out, symbols);
  handlers(symbols.handlers, out);
  for (const d of symbols.globals.values()) {
    if (d.kind === 'trunk' || symbols.used.has(d)) continue;
    out.push(diag('W502', d.name.loc, `${d.kind} '${d.name.name}' is never used`, 'remove it, or use it'));
  }
  return out;
}

function block(b: Block, out: Diagnostic[], symbols: Symbols): void {
  let ended: Stmt | undefined;
  for (const s of b.stmts) {
    if (ended) {
      const last = b.stmts[b.stmts.length - 1]!;
      out.push(
        diag(
          'W500',
          { ...s.loc, endLine: last.loc.endLine, endColumn: last.loc.endColumn },
          'this statement can never run',
          `the ${ended.kind === 'if' ? 'if above ends the handler on every branch' : `'${ended.kind}' above ends the handler`}`,
        ),
      );
      break;
    }
    stmt(s, out, symbols);
    if (terminates(s)) ended = s;
  }
}

function stmt(s: Stmt, out: Diagnostic[], symbols: Symbols): void {
  if (s.kind === 'let' && !symbols.used.has(s))
    out.push(diag('W502', s.name.loc, `'${s.name.name}' is never used`, 'remove the let'));
  if (s.kind === 'let' && s.orElse) block(s.orElse, out, symbols);
  if (s.kind !== 'if') return;
  for (const br of s.branches) {
    const c = constant(br.cond);
    if (c !== undefined)
      out.push(
        diag(
          'W503',
          br.cond.loc,
          `this condition is always ${c}`,
          c ? 'remove the if' : 'the block never runs; remove it',
        ),
      );
    block(br.body, out, symbols);
  }
  if (s.otherwise) block(s.otherwise, out, symbols);
}

/** Value of a condition made only of literals, or undefined. */
function constant(e: Expr): boolean | undefined {
  switch (e.kind) {
    case 'bool':
      return e.value;
    case 'paren':
      return constant(e.expr);
    case 'unary': {
      const v = constant(e.operand);
      return v === undefined ? undefined : !v;
    }
    case 'binary': {
      if (e.op === 'and' || e.op === 'or') {
        const l = constant(e.left);
        const r = constant(e.right);
        if (l === undefined || r === undefined) return undefined;
        return e.op === 'and' ? l && r : l || r;
      }
      if ((e.op === '==' || e.op === '!=') && isLiteral(e.left) && isLiteral(e.right)) {
        const same = literalText(e.left) === literalText(e.right);
        return e.op === '==' ? same : !same;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function isLiteral(e: Expr): boolean {
  return ['string', 'int', 'bool', 'e164', 'ip', 'duration'].includes(e.kind);
}

function literalText(e: Expr): string {
  return e.kind === 'string' ? `s:${e.value}` : `${e.kind}:${'value' in e ? e.value : 'ms' in e ? e.ms : ''}`;
}

function handlers(list: HandlerDecl[], out: Diagnostic[]): void {
  list.forEach((later, j) => {
    for (let i = 0; i < j; i++) {
      const earlier = list[i]!;
      const cover = covers(earlier, later);
      if (cover === 'none') continue;
      const where = `${earlier.loc.file}:${earlier.loc.line}`;
      if (cover === 'same')
        out.push(
          diag(
            'E311',
            later.hook.loc,
            `a handler for the same event is already defined at ${where}`,
            'merge the two handlers',
          ),
        );
      else
        out.push(
          diag(
            'W501',
            later.hook.loc,
            `this handler never runs: the handler at ${where} matches every event it would`,
            'move the more specific handler first',
          ),
        );
      return;
    }
  });
}

/** Does handler a match every event b matches (and is it identical)? */
function covers(a: HandlerDecl, b: HandlerDecl): 'none' | 'covers' | 'same' {
  const ha = a.hook;
  const hb = b.hook;
  if (ha.kind !== hb.kind) return 'none';
  const ta = ha.trunk?.name;
  const tb = hb.trunk?.name;
  if (ta !== undefined && ta !== tb) return 'none';
  let same = ta === tb;
  if (ha.kind === 'request' && hb.kind === 'request') {
    if (ha.inDialog !== hb.inDialog || (ha.direction === 'to') !== (hb.direction === 'to')) return 'none';
    const ma = new Set(ha.methods.map((m) => m.name.toUpperCase()));
    const mb = hb.methods.map((m) => m.name.toUpperCase());
    if (!mb.every((m) => ma.has(m))) return 'none';
    same &&= ma.size === new Set(mb).size;
  } else if (ha.kind === 'response' && hb.kind === 'response') {
    const pa = ha.statuses.map(statusPattern);
    const pb = hb.statuses.map(statusPattern);
    if (!pb.every((p) => pa.some((q) => patternCovers(q, p)))) return 'none';
    same &&= pa.every((q) => pb.some((p) => patternCovers(p, q)));
  }
  return same ? 'same' : 'covers';
}

function statusPattern(e: Expr): string {
  return e.kind === 'int' ? String(e.value) : e.kind === 'status' ? e.value : '???';
}

/** '1xx' covers '18x' covers '180'. */
function patternCovers(a: string, b: string): boolean {
  if (a.length !== 3 || b.length !== 3) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== 'x' && a[i] !== b[i]) return false;
  return true;
}
