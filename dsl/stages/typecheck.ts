import type { Decl, Expr, SourceFile, TypeRef } from '../ast.ts';
import { type Diagnostic, diag } from '../diagnostics.ts';
import { GROUP_PROPS, TRUNK_PROPS } from '../schemas.ts';
import { didYouMean } from '../suggest.ts';
import type { Symbols, TableDecl } from '../symbols.ts';
import type { HookContext, TypeInfo } from '../typeinfo.ts';
import {
  E164,
  ENUMS,
  ERROR,
  listOf,
  NAMED_TYPES,
  optional,
  STRING,
  sameType,
  show,
  type Type,
} from '../types.ts';
import { checkProps, isConstant } from './check-config.ts';
import { ExprChecker } from './check-expr.ts';
import { StmtChecker } from './check-stmt.ts';

/**
 * Stage 4 — type-check: declarations (trunk/group properties, tables, vars), hooks, and every
 * statement and expression in handlers. Produces the TypeInfo the lint and lower stages use.
 */
const PROVISIONING_KEYS: Record<string, Type> = { numbers: E164, tenants: STRING };

export function typecheck(
  files: SourceFile[],
  symbols: Symbols,
): { info: TypeInfo; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const info: TypeInfo = {
    types: new Map(),
    enumValues: new Map(),
    fieldPaths: new Map(),
    lets: new Map(),
    vars: new Map(),
    tables: new Map(),
    hooks: new Map(),
  };
  const x = new ExprChecker(symbols, info, out, undefined);
  for (const file of files) {
    for (const d of file.decls) declaration(x, d);
  }
  const stmts = new StmtChecker(x);
  for (const h of symbols.handlers) {
    const ctx = hookContext(x, h.hook);
    info.hooks.set(h, ctx);
    x.hook = ctx;
    x.narrowed = new Set();
    stmts.hookStatuses =
      h.hook.kind === 'response'
        ? h.hook.statuses.map((s) =>
            s.kind === 'int' ? String(s.value) : s.kind === 'status' ? s.value : '',
          )
        : undefined;
    stmts.block(h.body);
  }
  return { info, diagnostics: out };
}

function declaration(x: ExprChecker, d: Decl): void {
  switch (d.kind) {
    case 'trunk':
      if (x.symbols.trunks.get(d.name.name) === d) checkProps(x, d.props, TRUNK_PROPS, d.name, 'trunk');
      return;
    case 'group':
      if (x.symbols.groups.get(d.name.name) === d) checkProps(x, d.props, GROUP_PROPS, d.name, 'group');
      return;
    case 'table':
      x.info.tables.set(d, table(x, d));
      return;
    case 'var': {
      const declared = d.type ? typeRef(x, d.type) : undefined;
      if (!isConstant(d.value) || d.value.kind === 'name') {
        x.out.push(
          diag(
            'E400',
            d.value.loc,
            'the initial value of a var must be a literal',
            'set it from a handler with: set NAME = …',
          ),
        );
        x.info.vars.set(d, declared ?? ERROR);
        return;
      }
      if (declared) {
        x.expect(d.value, declared, `the initial value of '${d.name.name}'`);
        x.info.vars.set(d, declared);
      } else x.info.vars.set(d, x.check(d.value));
      return;
    }
    default:
      return;
  }
}

function typeRef(x: ExprChecker, t: TypeRef): Type {
  const base = NAMED_TYPES[t.name];
  if (!base) {
    x.out.push(
      diag(
        'E306',
        t.loc,
        `unknown type '${t.name}'`,
        didYouMean(t.name, Object.keys(NAMED_TYPES)) ?? `types: ${Object.keys(NAMED_TYPES).join(', ')}`,
      ),
    );
    return ERROR;
  }
  const withList = t.list ? listOf(base) : base;
  return t.optional ? optional(withList) : withList;
}

function table(x: ExprChecker, d: TableDecl): { key: Type; value: Type } {
  if (d.recovered) return { key: ERROR, value: ERROR };
  if (d.source) {
    const key = PROVISIONING_KEYS[d.source[1]?.name ?? ''] ?? ERROR;
    const fields: Record<string, Type> = {};
    for (const f of d.schema ?? []) {
      if (fields[f.name.name])
        x.out.push(diag('E301', f.name.loc, `field '${f.name.name}' is declared twice`, undefined));
      fields[f.name.name] = typeRef(x, f.type);
    }
    return { key, value: { k: 'record', fields } };
  }
  let key: Type | undefined;
  let value: Type | undefined;
  const seen = new Map<string, number>();
  for (const e of d.entries ?? []) {
    const kt = x.check(e.key);
    const raw = e.key.kind === 'string' ? e.key.value : 'value' in e.key ? String(e.key.value) : '';
    const prev = seen.get(raw);
    if (prev !== undefined)
      x.out.push(
        diag('E301', e.key.loc, `key ${raw} is already in table '${d.name.name}' (line ${prev})`, undefined),
      );
    seen.set(raw, e.key.loc.line);
    if (!['string', 'e164', 'int', 'ip', 'error'].includes(kt.k))
      x.out.push(
        diag(
          'E400',
          e.key.loc,
          `table keys are strings, numbers, E.164 numbers or IP addresses, not ${show(kt)}`,
          undefined,
        ),
      );
    else if (key === undefined) key = kt;
    else if (!sameType(kt, key))
      x.out.push(
        diag(
          'E400',
          e.key.loc,
          `every key of '${d.name.name}' must be ${show(key)}, not ${show(kt)}`,
          undefined,
        ),
      );
    if (!isConstant(e.value)) {
      x.out.push(diag('E400', e.value.loc, 'table values must be literals', undefined));
      continue;
    }
    if (value === undefined) value = x.check(e.value);
    else x.expect(e.value, value, `every value of '${d.name.name}'`);
  }
  return { key: key ?? STRING, value: value ?? STRING };
}

function hookContext(x: ExprChecker, hook: Extract<Decl, { kind: 'handler' }>['hook']): HookContext {
  if (hook.kind === 'request') {
    for (const m of hook.methods) {
      if (!ENUMS.Method.includes(m.name))
        x.out.push(
          diag(
            'E306',
            m.loc,
            `'${m.name}' is not a SIP method`,
            didYouMean(m.name, ENUMS.Method) ?? `methods: ${ENUMS.Method.join(', ')}`,
          ),
        );
    }
    return {
      kind: 'request',
      direction: hook.direction,
      inDialog: hook.inDialog,
      methods: hook.methods.map((m) => m.name.toUpperCase()),
    };
  }
  if (hook.kind === 'response') {
    for (const s of hook.statuses) statusSelector(x, s);
  }
  return { kind: hook.kind, direction: 'from', inDialog: false, methods: [] };
}

function statusSelector(x: ExprChecker, s: Expr): void {
  if (s.kind === 'int' && (s.value < 100 || s.value > 699))
    x.out.push(
      diag(
        'E406',
        s.loc,
        `${s.value} is not a SIP status code (100-699)`,
        'use a class like 4xx to match a range',
      ),
    );
}
