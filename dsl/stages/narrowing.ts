import type { Expr } from '../ast.ts';
import { FUNCTIONS } from '../builtins.ts';
import { show, type Type } from '../types.ts';

/**
 * Presence narrowing (docs/language.md §5.3) and the wording of type hints: which paths a
 * condition proves present, and how to tell an engineer to fix a type mismatch.
 */
/** A stable key for a path expression (for has() narrowing), or undefined if not a path. */
export function pathKey(e: Expr): string | undefined {
  switch (e.kind) {
    case 'name':
      return e.name;
    case 'paren':
      return pathKey(e.expr);
    case 'member': {
      const b = pathKey(e.object);
      return b === undefined ? undefined : `${b}.${e.name.name}`;
    }
    case 'index': {
      const b = pathKey(e.object);
      return b === undefined || e.index.kind !== 'string' ? undefined : `${b}["${e.index.value}"]`;
    }
    case 'header':
      return e.name.kind === 'string' && !e.all ? `header["${e.name.value.toLowerCase()}"]` : undefined;
    default:
      return undefined;
  }
}

/** Paths proven present when `cond` is true: has(x), and chains of them. */
export function presentFacts(cond: Expr): string[] {
  if (cond.kind === 'paren') return presentFacts(cond.expr);
  if (cond.kind === 'binary' && cond.op === 'and')
    return [...presentFacts(cond.left), ...presentFacts(cond.right)];
  if (cond.kind === 'call' && cond.callee.name === 'has' && cond.args.length === 1) {
    const k = pathKey(cond.args[0]!.value);
    return k === undefined ? [] : [k];
  }
  return [];
}

/** Paths proven present when `cond` is false: not has(x). */
export function absentFacts(cond: Expr): string[] {
  if (cond.kind === 'paren') return absentFacts(cond.expr);
  if (cond.kind === 'unary') return presentFacts(cond.operand);
  return [];
}

export function exprText(e: Expr): string {
  return pathKey(e) ?? (e.kind === 'call' ? `${e.callee.name}(…)` : 'this value');
}

export function optionalHint(e: Expr): string {
  const t = exprText(e);
  return `check with 'if has(${t}) { … }', give a default with '${t} ?? …', or use 'let x = ${t} else reject …'`;
}

export function conversionHint(got: Type, want: Type): string | undefined {
  if (want.k === 'e164' && got.k === 'string') return 'normalise it with e164(value, country: "US")';
  if (want.k === 'string' && ['int', 'ip', 'duration', 'enum', 'cidr'].includes(got.k))
    return 'convert it with str(…)';
  if (want.k === 'duration' && got.k === 'int') return 'write a duration with its unit, e.g. 20ms or 30s';
  if (want.k === 'int' && got.k === 'string') return 'numbers are written without quotes';
  return undefined;
}

export function signature(name: string): string {
  const fn = FUNCTIONS[name]!;
  return `${name}(${fn.params.map((p) => `${p.name}${p.optional ? '?' : ''}: ${show(p.type)}`).join(', ')}) -> ${show(fn.result)}`;
}
