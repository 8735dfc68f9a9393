import type { ExprOf } from '../ast.ts';
import { diag } from '../diagnostics.ts';
import {
  assignable,
  BOOL,
  DURATION,
  ERROR,
  INT,
  IP,
  isOptional,
  show,
  STRING,
  type Type,
  unwrap,
} from '../types.ts';
import type { ExprChecker } from './check-expr.ts';
import { conversionHint, exprText, presentFacts } from './narrowing.ts';

/** Operators (docs/language.md §5.2): what each accepts, and presence narrowing across `and`. */
export function checkBinary(x: ExprChecker, e: ExprOf<'binary'>): Type {
  switch (e.op) {
    case 'and': {
      x.expect(e.left, BOOL, "the left side of 'and'");
      const saved = new Set(x.narrowed);
      for (const k of presentFacts(e.left)) x.narrowed.add(k);
      x.expect(e.right, BOOL, "the right side of 'and'");
      x.narrowed = saved;
      return BOOL;
    }
    case 'or':
      x.expect(e.left, BOOL, "the left side of 'or'");
      x.expect(e.right, BOOL, "the right side of 'or'");
      return BOOL;
    case '==':
    case '!=':
      return equality(x, e);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const l = x.check(e.left);
      if (l.k === 'error') return BOOL;
      const want = unwrap(l).k === 'duration' ? DURATION : INT;
      x.expect(e.left, want, `the left side of '${e.op}'`, l);
      x.expect(e.right, want, `the right side of '${e.op}'`);
      return BOOL;
    }
    case 'in':
      return inOp(x, e);
    case 'matches':
      x.expect(e.left, STRING, "the left side of 'matches'");
      if (e.right.kind !== 'regex') {
        x.check(e.right);
        x.out.push(diag('E400', e.right.loc, "'matches' needs a regex literal like /^\\+1/", undefined));
      } else x.check(e.right);
      return BOOL;
    case '+':
    case '-': {
      const l = x.check(e.left);
      if (l.k === 'error') {
        x.check(e.right);
        return ERROR;
      }
      const want = e.op === '-' || unwrap(l).k === 'int' ? INT : STRING;
      if (!x.expect(e.left, want, `the left side of '${e.op}'`, l)) {
        x.check(e.right);
        return ERROR;
      }
      return x.expect(e.right, want, `the right side of '${e.op}'`) ? want : ERROR;
    }
    case '??': {
      const l = x.check(e.left);
      if (l.k === 'error') {
        x.check(e.right);
        return ERROR;
      }
      if (!isOptional(l)) {
        x.check(e.right, l);
        x.out.push(
          diag(
            'W503',
            e.left.loc,
            `'${exprText(e.left)}' is never absent, so the default after ?? is never used`,
            'remove ?? and the default',
          ),
        );
        return l;
      }
      const r = x.check(e.right, l.of);
      // E164 ?? string widens to string: the default may be any text.
      if (!isOptional(r) && r.k !== 'error' && !assignable(r, l.of) && assignable(l.of, r)) return r;
      if (!assignable(r, l)) {
        x.out.push(
          diag(
            'E400',
            e.right.loc,
            `the default must be ${show(l.of)}, not ${show(r)}`,
            conversionHint(r, l.of),
          ),
        );
        return ERROR;
      }
      return isOptional(r) ? l : l.of;
    }
  }
}

function equality(x: ExprChecker, e: ExprOf<'binary'>): Type {
  const leftIsFree = e.left.kind === 'name' && x.symbols.bindings.get(e.left)?.kind === 'free';
  const [first, second] = leftIsFree ? [e.right, e.left] : [e.left, e.right];
  const a = x.check(first);
  const b = x.check(second, unwrap(a).k === 'enum' ? unwrap(a) : undefined);
  if (a.k === 'error' || b.k === 'error') return BOOL;
  const ua = unwrap(a);
  const ub = unwrap(b);
  if (!assignable(ua, ub) && !assignable(ub, ua)) {
    x.out.push(diag('E400', e.loc, `cannot compare ${show(a)} with ${show(b)}`, conversionHint(b, a)));
  }
  return BOOL;
}

function inOp(x: ExprChecker, e: ExprOf<'binary'>): Type {
  const right = x.check(e.right, e.right.kind === 'list' ? undefined : undefined);
  if (right.k === 'error') {
    x.check(e.left);
    return BOOL;
  }
  const item = right.k === 'list' ? right.of : right;
  if (item.k === 'cidr' || item.k === 'ip') x.expect(e.left, IP, "the left side of 'in'");
  else if (item.k === 'status') x.expect(e.left, INT, "the left side of 'in'");
  else if (right.k === 'list') {
    const l = x.check(e.left, item);
    if (l.k !== 'error' && !assignable(unwrap(l), item) && !assignable(item, unwrap(l)))
      x.out.push(diag('E400', e.left.loc, `cannot look for ${show(l)} in ${show(right)}`, undefined));
  } else {
    x.check(e.left);
    x.out.push(
      diag('E400', e.right.loc, `'in' needs a list, a CIDR or a status class, not ${show(right)}`, undefined),
    );
  }
  return BOOL;
}
