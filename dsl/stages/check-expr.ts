import type { Expr, ExprOf } from '../ast.ts';
import { type Diagnostic, diag } from '../diagnostics.ts';
import { type FieldDef, membersOf, ROOTS, rootMembers } from '../fields.ts';
import { checkRegex } from '../regex-subset.ts';
import { checkCall } from './check-call.ts';
import { checkBinary } from './check-operators.ts';
import { conversionHint, exprText, optionalHint, pathKey } from './narrowing.ts';
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
        // Inside handlers a record is only the argument of media/route failover (checked elsewhere).
        if (this.hook) {
          this.out.push(
            diag(
              'E400',
              e.loc,
              'a { … } record is only written after media, failover or in tables',
              undefined,
            ),
          );
          return ERROR;
        }
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
        return checkCall(this, e);
      case 'unary':
        this.expect(e.operand, BOOL, "the operand of 'not'");
        return BOOL;
      case 'binary':
        return checkBinary(this, e);
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
    if (
      want?.k === 'list' &&
      want.of.k === 'enum' &&
      b.kind === 'free' &&
      ENUMS[want.of.name].includes(e.name)
    ) {
      this.out.push(diag('E400', e.loc, `a list of ${want.of.name} is expected here`, `write: [${e.name}]`));
      return ERROR;
    }
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
}
