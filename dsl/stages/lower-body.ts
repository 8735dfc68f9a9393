import type { Expr, Stmt, Target } from '../ast.ts';
import { FUNCTIONS } from '../builtins.ts';
import type { IrExpr, IrFieldPath, IrHandler, IrHook, IrRegex, IrStmt } from '../ir.ts';
import type { HandlerDecl, Symbols } from '../symbols.ts';
import type { TypeInfo } from '../typeinfo.ts';
import { ERROR, show } from '../types.ts';
import { failover, media, span } from './lower-config.ts';

const NAMEADDR_ROOTS = new Set(['from', 'to', 'pai', 'ppi', 'contact']);

/** Lowering of handler bodies: statements become effects-producing IR, expressions typed IR. */
export class BodyLowerer {
  private readonly symbols: Symbols;
  private readonly info: TypeInfo;

  constructor(symbols: Symbols, info: TypeInfo) {
    this.symbols = symbols;
    this.info = info;
  }

  handler(h: HandlerDecl, id: string): IrHandler {
    const hk = h.hook;
    let hook: IrHook;
    if (hk.kind === 'request') {
      hook = {
        kind: 'request',
        methods: hk.methods.map((m) => m.name.toUpperCase()),
        direction: hk.direction === 'to' ? 'out' : 'in',
        inDialog: hk.inDialog,
      };
    } else if (hk.kind === 'response') {
      hook = {
        kind: 'response',
        statuses: hk.statuses.map((s) =>
          s.kind === 'int' ? String(s.value) : s.kind === 'status' ? s.value : '',
        ),
      };
    } else hook = { kind: 'failure' };
    if (hk.trunk) hook.trunk = hk.trunk.name;
    return { id, hook, body: this.stmts(h.body.stmts), span: span(h.loc) };
  }

  private stmts(list: Stmt[]): IrStmt[] {
    return list.map((s) => this.stmt(s));
  }

  private stmt(s: Stmt): IrStmt {
    const sp = span(s.loc);
    switch (s.kind) {
      case 'let': {
        const st: IrStmt = { op: 'let', name: s.name.name, value: this.expr(s.value), span: sp };
        if (s.orElse) st.orElse = this.stmts(s.orElse.stmts);
        return st;
      }
      case 'if': {
        const st: IrStmt = {
          op: 'if',
          branches: s.branches.map((b) => ({ cond: this.expr(b.cond), body: this.stmts(b.body.stmts) })),
          span: sp,
        };
        if (s.otherwise) st.otherwise = this.stmts(s.otherwise.stmts);
        return st;
      }
      case 'set': {
        if (s.target.kind === 'header') {
          const st: IrStmt = {
            op: 'setHeader',
            mode: s.mode,
            name: headerName(s.target),
            value: this.expr(s.value),
            span: sp,
          };
          if (s.target.param?.kind === 'string') st.param = s.target.param.value;
          return st;
        }
        const e = s.target.expr;
        if (e.kind === 'name' && this.symbols.bindings.get(e)?.kind === 'var')
          return { op: 'setVar', name: e.name, value: this.expr(s.value), span: sp };
        return { op: 'setField', field: this.path(e), value: this.expr(s.value), span: sp };
      }
      case 'remove': {
        if (s.target.kind === 'header') {
          const st: IrStmt = { op: 'removeHeader', name: headerName(s.target), span: sp };
          if (s.target.param?.kind === 'string') st.param = s.target.param.value;
          return st;
        }
        return { op: 'removeField', field: this.path(s.target.expr), span: sp };
      }
      case 'removeHeaders':
        return { op: 'removeHeaders', pattern: regex(s.pattern), span: sp };
      case 'replace': {
        const pattern = regex(s.pattern);
        const replacement = this.expr(s.replacement);
        return s.target.kind === 'header'
          ? { op: 'replaceHeader', name: headerName(s.target), pattern, replacement, span: sp }
          : { op: 'replaceField', field: this.path(s.target.expr), pattern, replacement, span: sp };
      }
      case 'reject':
      case 'reply': {
        const st: IrStmt = { op: s.kind, code: s.code.kind === 'int' ? s.code.value : 0, span: sp };
        if (s.reason) st.reason = this.expr(s.reason);
        return st;
      }
      case 'route': {
        const st: IrStmt = {
          op: 'route',
          target: s.target.name,
          targetKind: this.symbols.trunks.has(s.target.name) ? 'trunk' : 'group',
          span: sp,
        };
        if (s.failover) st.failover = failover(s.failover);
        return st;
      }
      case 'media':
        return { op: 'media', leg: s.leg.name as 'inbound' | 'outbound', policy: media(s.policy), span: sp };
      case 'log':
        return {
          op: 'log',
          level: (s.level?.name ?? 'info') as 'info',
          message: this.expr(s.message),
          span: sp,
        };
      case 'count':
        return { op: 'count', counter: s.counter.name, span: sp };
      case 'stop':
        return { op: 'stop', span: sp };
    }
  }

  /** A field path with aliases expanded: from.user -> from.uri.user. */
  private path(e: Expr): IrFieldPath {
    switch (e.kind) {
      case 'name':
        return [e.name];
      case 'paren':
        return this.path(e.expr);
      case 'member': {
        const base = this.path(e.object);
        if (
          base.length === 1 &&
          NAMEADDR_ROOTS.has(base[0]!) &&
          (e.name.name === 'user' || e.name.name === 'host')
        )
          return [...base, 'uri', e.name.name];
        return [...base, e.name.name];
      }
      case 'index':
        return [...this.path(e.object), e.index.kind === 'string' ? e.index.value : ''];
      default:
        return [];
    }
  }

  private isField(e: Expr): boolean {
    if (e.kind === 'name') return this.symbols.bindings.get(e)?.kind === 'root';
    if (e.kind === 'member') return this.isField(e.object);
    if (e.kind === 'index')
      return (
        e.index.kind === 'string' &&
        e.object.kind === 'member' &&
        e.object.name.name === 'params' &&
        this.isField(e.object)
      );
    return false;
  }

  /** Member of a value; on a NameAddr, user/host are short for uri.user/uri.host (as for fields). */
  private member(e: Extract<Expr, { kind: 'member' }>, base: { type: string; span: IrExpr['span'] }): IrExpr {
    const object = this.expr(e.object);
    const t = this.info.types.get(e.object);
    if (t?.k === 'nameaddr' && (e.name.name === 'user' || e.name.name === 'host')) {
      const uri: IrExpr = { type: 'Uri', span: base.span, op: 'member', object, name: 'uri' };
      return { ...base, op: 'member', object: uri, name: e.name.name };
    }
    return { ...base, op: 'member', object, name: e.name.name };
  }

  expr(e: Expr): IrExpr {
    const type = show(this.info.types.get(e) ?? ERROR);
    const sp = span(e.loc);
    const base = { type, span: sp };
    if (this.isField(e)) return { ...base, op: 'field', field: this.path(e) };
    switch (e.kind) {
      case 'string':
      case 'int':
      case 'bool':
      case 'ip':
      case 'cidr':
      case 'e164':
      case 'status':
        return { ...base, op: 'lit', value: e.value };
      case 'duration':
        return { ...base, op: 'lit', value: e.ms };
      case 'regex':
        return { ...base, op: 'regex', regex: regex(e) };
      case 'paren':
        return this.expr(e.expr);
      case 'list':
        return { ...base, op: 'list', items: e.items.map((i) => this.expr(i)) };
      case 'record':
        return { ...base, op: 'lit', value: '' };
      case 'name': {
        const ev = this.info.enumValues.get(e);
        if (ev) return { ...base, op: 'enum', enum: ev.enum, value: ev.value };
        const b = this.symbols.bindings.get(e);
        if (b?.kind === 'var') return { ...base, op: 'var', name: e.name };
        return { ...base, op: 'local', name: e.name };
      }
      case 'member':
        return this.member(e, base);
      case 'index': {
        const o = e.object;
        if (o.kind === 'name' && this.symbols.bindings.get(o)?.kind === 'table')
          return { ...base, op: 'lookup', table: o.name, key: this.expr(e.index) };
        return { ...base, op: 'param', object: this.expr(o), key: this.expr(e.index) };
      }
      case 'header':
        return { ...base, op: 'header', name: this.expr(e.name), all: e.all };
      case 'call': {
        const fn = FUNCTIONS[e.callee.name]!;
        const byName = new Map<string, Expr>();
        e.args.forEach((a, i) => {
          byName.set(a.name?.name ?? fn.params[i]?.name ?? String(i), a.value);
        });
        const args = fn.params.flatMap((p) => {
          const a = byName.get(p.name);
          return a ? [this.expr(a)] : [];
        });
        return { ...base, op: 'call', fn: e.callee.name, args };
      }
      case 'unary':
        return { ...base, op: 'not', operand: this.expr(e.operand) };
      case 'binary':
        if (e.op === '??')
          return { ...base, op: 'default', value: this.expr(e.left), fallback: this.expr(e.right) };
        return { ...base, op: 'binary', operator: e.op, left: this.expr(e.left), right: this.expr(e.right) };
      case 'error':
        return { ...base, op: 'lit', value: '' };
    }
  }
}

function headerName(t: Extract<Target, { kind: 'header' }>): string {
  return t.name.kind === 'string' ? t.name.value : '';
}

function regex(e: Expr): IrRegex {
  return e.kind === 'regex' ? { source: e.source, flags: e.flags } : { source: '', flags: '' };
}
