import type { Expr, ExprOf } from '../ast.ts';
import { FUNCTIONS } from '../builtins.ts';
import { type Diagnostic, diag } from '../diagnostics.ts';
import { PLANS } from '../e164.ts';
import { type FieldDef, membersOf, ROOTS, rootMembers } from '../fields.ts';
import { checkRegex } from '../regex-subset.ts';
import { didYouMean } from '../suggest.ts';
import type { Symbols } from '../symbols.ts';
import type { HookContext, TypeInfo } from '../typeinfo.ts';
import {
  assignable,
  BOOL,
  CIDR,
  DURATION,
  E164,
  ENUMS,
  ERROR,
  INT,
  IP,
  isOptional,
  listOf,
  optional,
  REGEX,
  STATUS,
  STRING,
  show,
  type Type,
  unwrap,
} from '../types.ts';

/**
 * Expression typing (docs/language.md §5). An expression that already produced a diagnostic has
 * type `error`, which is compatible with everything, so one mistake is reported once.
 */
export class ExprChecker {
  /** Paths known to be present here (after `has(x)`), by pathKey. */
  narrowed = new Set<string>();

  readonly symbols: Symbols;
  readonly info: TypeInfo;
  readonly out: Diagnostic[];
  hook: HookContext | undefined;

  constructor(symbols: Symbols, info: TypeInfo, out: Diagnostic[], hook: HookContext | undefined) {
    this.symbols = symbols;
    this.info = info;
    this.out = out;
    this.hook = hook;
  }

  check(e: Expr, expected?: Type): Type {
    const t = this.infer(e, expected);
    this.info.types.set(e, t);
    return t;
  }

  /** Check and require a type; reports E400/E401 and returns false on mismatch. */
  expect(e: Expr, want: Type, what: string, known?: Type): boolean {
    const got = known ?? this.check(e, want);
    if (assignable(got, want)) return true;
    if (isOptional(got) && assignable(got.of, want)) {
      this.out.push(diag('E401', e.loc, `${what} may be absent (${show(got)})`, optionalHint(e)));
    } else {
      this.out.push(
        diag('E400', e.loc, `${what} must be ${show(want)}, not ${show(got)}`, conversionHint(got, want)),
      );
    }
    return false;
  }

  private infer(e: Expr, expected: Type | undefined): Type {
    switch (e.kind) {
      case 'string':
        return STRING;
      case 'int':
        return INT;
      case 'bool':
        return BOOL;
      case 'duration':
        return DURATION;
      case 'ip':
        return IP;
      case 'cidr':
        return CIDR;
      case 'e164':
        return E164;
      case 'status':
        return STATUS;
      case 'regex':
        return this.regex(e);
      case 'error':
        return ERROR;
      case 'paren':
        return this.check(e.expr, expected);
      case 'list':
        return this.list(e, expected);
      case 'record': {
        const fields: Record<string, Type> = {};
        for (const en of e.entries) fields[en.key.name] = this.check(en.value);
        return { k: 'record', fields };
      }
      case 'name':
        return this.name(e, expected);
      case 'member':
        return this.member(e);
      case 'index':
        return this.index(e);
      case 'header': {
        this.expect(e.name, STRING, 'a header name');
        const present = this.narrowed.has(pathKey(e) ?? '');
        return e.all ? listOf(STRING) : present ? STRING : optional(STRING);
      }
      case 'call':
        return this.call(e);
      case 'unary':
        this.expect(e.operand, BOOL, "the operand of 'not'");
        return BOOL;
      case 'binary':
        return this.binary(e);
    }
  }

  regex(e: ExprOf<'regex'>): Type {
    const problem = checkRegex(e.source, e.flags);
    if (!problem) return REGEX;
    const col = problem.offset < 0 ? e.loc.column : e.loc.column + 1 + problem.offset;
    const loc = {
      ...e.loc,
      column: col,
      endColumn: problem.offset < 0 ? e.loc.endColumn : col + 1,
      endLine: e.loc.line,
    };
    this.out.push(diag(problem.code, loc, problem.message, problem.hint));
    return ERROR;
  }

  private list(e: ExprOf<'list'>, expected: Type | undefined): Type {
    const want = expected?.k === 'list' ? expected.of : undefined;
    let item: Type | undefined = want;
    for (const it of e.items) {
      if (item === undefined) {
        item = this.check(it);
        continue;
      }
      this.expect(it, item, 'every item of the list');
    }
    return listOf(item ?? ERROR);
  }

  private name(e: ExprOf<'name'>, expected: Type | undefined): Type {
    const b = this.symbols.bindings.get(e) ?? { kind: 'free' };
    const want = expected ? unwrap(expected) : undefined;
    if (want?.k === 'enum' && b.kind === 'free') {
      const values = ENUMS[want.name];
      if (values.includes(e.name)) {
        this.info.enumValues.set(e, { enum: want.name, value: e.name });
        return want;
      }
      this.out.push(
        diag(
          'E306',
          e.loc,
          `'${e.name}' is not a ${want.name}`,
          didYouMean(e.name, values) ?? `one of: ${values.join(', ')}`,
        ),
      );
      return ERROR;
    }
    switch (b.kind) {
      case 'local':
        return this.narrow(e, this.info.lets.get(b.decl) ?? ERROR);
      case 'var':
        return this.info.vars.get(b.decl) ?? ERROR;
      case 'table': {
        const t = this.info.tables.get(b.decl);
        return t ? { k: 'table', key: t.key, value: t.value } : ERROR;
      }
      case 'root': {
        const root = ROOTS[b.name]!;
        if (!this.available(root, e)) return ERROR;
        this.info.fieldPaths.set(e, b.name);
        return this.narrow(e, root.type);
      }
      case 'free':
        return this.unknownName(e);
    }
  }

  private unknownName(e: ExprOf<'name'>): Type {
    if (this.symbols.trunks.has(e.name) || this.symbols.groups.has(e.name)) {
      this.out.push(
        diag(
          'E400',
          e.loc,
          `'${e.name}' is a trunk or group, not a value`,
          `compare source.trunk with "${e.name}"`,
        ),
      );
      return ERROR;
    }
    const enumOf = Object.entries(ENUMS).find(([, vs]) => vs.includes(e.name));
    const hint = enumOf
      ? `'${e.name}' is a ${enumOf[0]} value; it can only be used where a ${enumOf[0]} is expected`
      : didYouMean(e.name, [...this.visibleNames()]);
    this.out.push(diag('E300', e.loc, `unknown name '${e.name}'`, hint ?? 'declare it with let or var'));
    return ERROR;
  }

  private *visibleNames(): Iterable<string> {
    yield* Object.keys(ROOTS);
    yield* this.symbols.globals.keys();
    for (const l of this.info.lets.keys()) yield l.name.name;
  }

  private available(def: FieldDef, e: Expr): boolean {
    if (!def.hooks || !this.hook || def.hooks.includes(this.hook.kind)) return true;
    const name = e.kind === 'name' ? e.name : 'this field';
    this.out.push(
      diag(
        'E404',
        e.loc,
        `'${name}' is only available in ${def.hooks.join('/')} handlers`,
        `use it inside 'on ${def.hooks[0]} …'`,
      ),
    );
    return false;
  }

  narrow(e: Expr, t: Type): Type {
    const key = pathKey(e);
    return key !== undefined && this.narrowed.has(key) ? unwrap(t) : t;
  }

  private member(e: ExprOf<'member'>): Type {
    const objT = this.check(e.object);
    if (objT.k === 'error') return ERROR;
    if (isOptional(objT)) {
      this.out.push(
        diag(
          'E401',
          e.object.loc,
          `'${exprText(e.object)}' may be absent, so '.${e.name.name}' needs a check`,
          optionalHint(e.object),
        ),
      );
      return ERROR;
    }
    const rootName =
      e.object.kind === 'name' && this.symbols.bindings.get(e.object)?.kind === 'root'
        ? e.object.name
        : undefined;
    const members = rootName ? rootMembers(rootName) : membersOf(objT);
    if (!members) {
      this.out.push(diag('E302', e.name.loc, `${show(objT)} has no fields`, undefined));
      return ERROR;
    }
    const def = members[e.name.name];
    if (!def) {
      this.out.push(
        diag(
          'E302',
          e.name.loc,
          `unknown field '${e.name.name}' of ${rootName ?? show(objT)}`,
          didYouMean(e.name.name, Object.keys(members)) ?? `fields: ${Object.keys(members).join(', ')}`,
        ),
      );
      return ERROR;
    }
    const base = this.info.fieldPaths.get(e.object);
    if (base !== undefined) this.info.fieldPaths.set(e, `${base}.${e.name.name}`);
    if (def.type.k === 'record' && e.name.name === 'params')
      return { k: 'table', key: STRING, value: STRING };
    return this.narrow(e, def.type);
  }

  private index(e: ExprOf<'index'>): Type {
    const o = e.object;
    if (
      o.kind === 'name' &&
      this.symbols.bindings.get(o)?.kind === 'free' &&
      !this.symbols.globals.has(o.name)
    ) {
      this.check(e.index);
      const tables = [...this.symbols.tables.keys()];
      this.out.push(
        diag(
          'E304',
          o.loc,
          `unknown table '${o.name}'`,
          didYouMean(o.name, tables) ?? `declare it with: table ${o.name} = provisioning.numbers { … }`,
        ),
      );
      this.info.types.set(o, ERROR);
      return ERROR;
    }
    const objT = this.check(e.object);
    if (objT.k === 'error') {
      this.check(e.index);
      return ERROR;
    }
    if (objT.k !== 'table') {
      this.check(e.index);
      this.out.push(
        diag(
          'E400',
          e.loc,
          `${show(objT)} cannot be indexed with [ ]`,
          'only tables and params can be looked up',
        ),
      );
      return ERROR;
    }
    if (!this.expect(e.index, objT.key, 'the lookup key')) return ERROR;
    const base = this.info.fieldPaths.get(e.object);
    if (base !== undefined && e.index.kind === 'string')
      this.info.fieldPaths.set(e, `${base}["${e.index.value}"]`);
    return this.narrow(e, optional(objT.value));
  }

  private call(e: ExprOf<'call'>): Type {
    const name = e.callee.name;
    const fn = FUNCTIONS[name];
    if (!fn) {
      for (const a of e.args) this.check(a.value);
      this.out.push(
        diag(
          'E305',
          e.callee.loc,
          `unknown function '${name}'`,
          didYouMean(name, Object.keys(FUNCTIONS)) ?? `functions: ${Object.keys(FUNCTIONS).join(', ')}`,
        ),
      );
      return ERROR;
    }
    if (name === 'has' || name === 'str') return this.genericCall(e, name);
    const bound = new Map<string, Expr>();
    let unknownArg = false;
    e.args.forEach((a, i) => {
      const param = a.name ? fn.params.find((p) => p.name === a.name!.name) : fn.params[i];
      if (!param) {
        unknownArg = true;
        this.check(a.value);
        const msg = a.name
          ? `${name}() has no argument '${a.name.name}'`
          : `${name}() takes at most ${fn.params.length} arguments`;
        this.out.push(diag('E403', (a.name ?? a.value).loc, msg, signature(name)));
        return;
      }
      if (bound.has(param.name)) {
        unknownArg = true;
        this.out.push(
          diag('E403', (a.name ?? a.value).loc, `argument '${param.name}' given twice`, signature(name)),
        );
        return;
      }
      bound.set(param.name, a.value);
      this.expect(a.value, param.type, `argument '${param.name}' of ${name}()`);
    });
    const missing = fn.params.filter((p) => !p.optional && !bound.has(p.name));
    if (missing.length > 0 && !unknownArg) {
      this.out.push(
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
      this.out.push(
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

  private genericCall(e: ExprOf<'call'>, name: 'has' | 'str'): Type {
    if (e.args.length !== 1 || e.args[0]!.name) {
      for (const a of e.args) this.check(a.value);
      this.out.push(diag('E403', e.loc, `${name}() takes exactly one argument`, signature(name)));
      return name === 'has' ? BOOL : STRING;
    }
    const arg = e.args[0]!.value;
    if (name === 'has') {
      const t = this.check(arg);
      if (t.k !== 'error' && !isOptional(t))
        this.out.push(
          diag(
            'W503',
            e.loc,
            `'${exprText(arg)}' is always present, so has() is always true`,
            'remove the check',
          ),
        );
      return BOOL;
    }
    const t = this.check(arg);
    if (isOptional(t))
      this.out.push(diag('E401', arg.loc, `'${exprText(arg)}' may be absent`, optionalHint(arg)));
    else if (t.k === 'list' || t.k === 'record' || t.k === 'table' || t.k === 'uri' || t.k === 'nameaddr')
      this.out.push(diag('E400', arg.loc, `str() cannot convert ${show(t)}`, 'convert one field at a time'));
    return STRING;
  }

  private binary(e: ExprOf<'binary'>): Type {
    switch (e.op) {
      case 'and': {
        this.expect(e.left, BOOL, "the left side of 'and'");
        const saved = new Set(this.narrowed);
        for (const k of presentFacts(e.left)) this.narrowed.add(k);
        this.expect(e.right, BOOL, "the right side of 'and'");
        this.narrowed = saved;
        return BOOL;
      }
      case 'or':
        this.expect(e.left, BOOL, "the left side of 'or'");
        this.expect(e.right, BOOL, "the right side of 'or'");
        return BOOL;
      case '==':
      case '!=':
        return this.equality(e);
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const l = this.check(e.left);
        if (l.k === 'error') return BOOL;
        const want = unwrap(l).k === 'duration' ? DURATION : INT;
        this.expect(e.left, want, `the left side of '${e.op}'`, l);
        this.expect(e.right, want, `the right side of '${e.op}'`);
        return BOOL;
      }
      case 'in':
        return this.inOp(e);
      case 'matches':
        this.expect(e.left, STRING, "the left side of 'matches'");
        if (e.right.kind !== 'regex') {
          this.check(e.right);
          this.out.push(diag('E400', e.right.loc, "'matches' needs a regex literal like /^\\+1/", undefined));
        } else this.check(e.right);
        return BOOL;
      case '+':
      case '-': {
        const l = this.check(e.left);
        if (l.k === 'error') {
          this.check(e.right);
          return ERROR;
        }
        const want = e.op === '-' || unwrap(l).k === 'int' ? INT : STRING;
        if (!this.expect(e.left, want, `the left side of '${e.op}'`, l)) {
          this.check(e.right);
          return ERROR;
        }
        return this.expect(e.right, want, `the right side of '${e.op}'`) ? want : ERROR;
      }
      case '??': {
        const l = this.check(e.left);
        if (l.k === 'error') {
          this.check(e.right);
          return ERROR;
        }
        if (!isOptional(l)) {
          this.check(e.right, l);
          this.out.push(
            diag(
              'W503',
              e.left.loc,
              `'${exprText(e.left)}' is never absent, so the default after ?? is never used`,
              'remove ?? and the default',
            ),
          );
          return l;
        }
        const r = this.check(e.right, l.of);
        // E164 ?? string widens to string: the default may be any text.
        if (!isOptional(r) && r.k !== 'error' && !assignable(r, l.of) && assignable(l.of, r)) return r;
        if (!assignable(r, l)) {
          this.out.push(
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

  private equality(e: ExprOf<'binary'>): Type {
    const leftIsFree = e.left.kind === 'name' && this.symbols.bindings.get(e.left)?.kind === 'free';
    const [first, second] = leftIsFree ? [e.right, e.left] : [e.left, e.right];
    const a = this.check(first);
    const b = this.check(second, unwrap(a).k === 'enum' ? unwrap(a) : undefined);
    if (a.k === 'error' || b.k === 'error') return BOOL;
    const ua = unwrap(a);
    const ub = unwrap(b);
    if (!assignable(ua, ub) && !assignable(ub, ua)) {
      this.out.push(diag('E400', e.loc, `cannot compare ${show(a)} with ${show(b)}`, conversionHint(b, a)));
    }
    return BOOL;
  }

  private inOp(e: ExprOf<'binary'>): Type {
    const right = this.check(e.right, e.right.kind === 'list' ? undefined : undefined);
    if (right.k === 'error') {
      this.check(e.left);
      return BOOL;
    }
    const item = right.k === 'list' ? right.of : right;
    if (item.k === 'cidr' || item.k === 'ip') this.expect(e.left, IP, "the left side of 'in'");
    else if (item.k === 'status') this.expect(e.left, INT, "the left side of 'in'");
    else if (right.k === 'list') {
      const l = this.check(e.left, item);
      if (l.k !== 'error' && !assignable(unwrap(l), item) && !assignable(item, unwrap(l)))
        this.out.push(diag('E400', e.left.loc, `cannot look for ${show(l)} in ${show(right)}`, undefined));
    } else {
      this.check(e.left);
      this.out.push(
        diag(
          'E400',
          e.right.loc,
          `'in' needs a list, a CIDR or a status class, not ${show(right)}`,
          undefined,
        ),
      );
    }
    return BOOL;
  }
}

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

function optionalHint(e: Expr): string {
  const t = exprText(e);
  return `check with 'if has(${t}) { … }', give a default with '${t} ?? …', or use 'let x = ${t} else reject …'`;
}

function conversionHint(got: Type, want: Type): string | undefined {
  if (want.k === 'e164' && got.k === 'string') return 'normalise it with e164(value, country: "US")';
  if (want.k === 'string' && ['int', 'ip', 'duration', 'enum', 'cidr'].includes(got.k))
    return 'convert it with str(…)';
  if (want.k === 'duration' && got.k === 'int') return 'write a duration with its unit, e.g. 20ms or 30s';
  if (want.k === 'int' && got.k === 'string') return 'numbers are written without quotes';
  return undefined;
}

function signature(name: string): string {
  const fn = FUNCTIONS[name]!;
  return `${name}(${fn.params.map((p) => `${p.name}${p.optional ? '?' : ''}: ${show(p.type)}`).join(', ')}) -> ${show(fn.result)}`;
}
