import type { ExprOf } from '../ast.ts';
import { FUNCTIONS } from '../builtins.ts';
import { diag } from '../diagnostics.ts';
import type { Expr } from '../ast.ts';
import { PLANS } from '../e164.ts';
import { didYouMean } from '../suggest.ts';
import { BOOL, ERROR, isOptional, show, STRING, type Type } from '../types.ts';
import type { ExprChecker } from './check-expr.ts';
import { exprText, optionalHint, signature } from './narrowing.ts';

/** Calls of built-in functions (docs/language.md §5.4): arity, named arguments, types, countries. */
export function checkCall(x: ExprChecker, e: ExprOf<'call'>): Type {
  const name = e.callee.name;
  const fn = FUNCTIONS[name];
  if (!fn) {
    for (const a of e.args) x.check(a.value);
    x.out.push(
      diag(
        'E305',
        e.callee.loc,
        `unknown function '${name}'`,
        didYouMean(name, Object.keys(FUNCTIONS)) ?? `functions: ${Object.keys(FUNCTIONS).join(', ')}`,
      ),
    );
    return ERROR;
  }
  if (name === 'has' || name === 'str') return genericCall(x, e, name);
  const bound = new Map<string, Expr>();
  let unknownArg = false;
  e.args.forEach((a, i) => {
    const param = a.name ? fn.params.find((p) => p.name === a.name!.name) : fn.params[i];
    if (!param) {
      unknownArg = true;
      x.check(a.value);
      const msg = a.name
        ? `${name}() has no argument '${a.name.name}'`
        : `${name}() takes at most ${fn.params.length} arguments`;
      x.out.push(diag('E403', (a.name ?? a.value).loc, msg, signature(name)));
      return;
    }
    if (bound.has(param.name)) {
      unknownArg = true;
      x.out.push(
        diag('E403', (a.name ?? a.value).loc, `argument '${param.name}' given twice`, signature(name)),
      );
      return;
    }
    bound.set(param.name, a.value);
    x.expect(a.value, param.type, `argument '${param.name}' of ${name}()`);
  });
  const missing = fn.params.filter((p) => !p.optional && !bound.has(p.name));
  if (missing.length > 0 && !unknownArg) {
    x.out.push(
      diag(
        'E403',
        e.loc,
        `${name}() needs argument${missing.length > 1 ? 's' : ''} ${missing.map((p) => `'${p.name}'`).join(', ')}`,
        signature(name),
      ),
    );
  }
  const country = bound.get('country');
  if (country?.kind === 'string' && !PLANS[country.value]) {
    x.out.push(
      diag(
        'E410',
        country.loc,
        `no numbering rules for country '${country.value}'`,
        didYouMean(country.value, Object.keys(PLANS)) ?? `known: ${Object.keys(PLANS).join(', ')}`,
      ),
    );
  }
  return fn.result;
}

function genericCall(x: ExprChecker, e: ExprOf<'call'>, name: 'has' | 'str'): Type {
  if (e.args.length !== 1 || e.args[0]!.name) {
    for (const a of e.args) x.check(a.value);
    x.out.push(diag('E403', e.loc, `${name}() takes exactly one argument`, signature(name)));
    return name === 'has' ? BOOL : STRING;
  }
  const arg = e.args[0]!.value;
  if (name === 'has') {
    const t = x.check(arg);
    if (t.k !== 'error' && !isOptional(t))
      x.out.push(
        diag(
          'W503',
          e.loc,
          `'${exprText(arg)}' is always present, so has() is always true`,
          'remove the check',
        ),
      );
    return BOOL;
  }
  const t = x.check(arg);
  if (isOptional(t)) x.out.push(diag('E401', arg.loc, `'${exprText(arg)}' may be absent`, optionalHint(arg)));
  else if (t.k === 'list' || t.k === 'record' || t.k === 'table' || t.k === 'uri' || t.k === 'nameaddr')
    x.out.push(diag('E400', arg.loc, `str() cannot convert ${show(t)}`, 'convert one field at a time'));
  return STRING;
}
