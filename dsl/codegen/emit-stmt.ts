import type { IrExpr, IrStmt } from '../ir.ts';
import { CodegenError, type GenContext, lit } from './context.ts';
import { type ExprEmitter, fieldRead } from './emit-expr.ts';

/** One generated line and the rule location (index into GenContext.locations) it comes from, or -1. */
export interface Line {
  code: string;
  loc: number;
}

/**
 * Statements to JavaScript. Each statement first stores its location index in `$w`, so an error or a
 * timeout can be reported at the rule line that was running, and ticks the hook clock (lib-clock.ts); each effect carries its location index
 * (`at`) which the host turns into file:line:column. reject, reply, route and stop end the handler.
 */
export class StmtEmitter {
  private readonly ctx: GenContext;
  private readonly ex: ExprEmitter;
  readonly lines: Line[] = [];
  private depth = 1;

  constructor(ctx: GenContext, ex: ExprEmitter) {
    this.ctx = ctx;
    this.ex = ex;
  }

  private line(code: string, loc = -1): void {
    this.lines.push({ code: `${'  '.repeat(this.depth)}${code}`, loc });
  }

  block(stmts: IrStmt[]): void {
    this.depth++;
    for (const s of stmts) this.stmt(s);
    this.depth--;
  }

  /**
   * Code that appends one effect (effect-templates.ts): the index of its template, then the value
   * the call computes, if any. A literal value is known already and goes into the template.
   */
  private effect(fixed: Record<string, unknown>, at: number, key?: string, value?: IrExpr | string): string {
    const template = { ...fixed, at };
    if (key === undefined || value === undefined) return `$e.push(${this.ctx.effect({ fixed: template })});`;
    if (typeof value !== 'string' && (value.op === 'lit' || value.op === 'enum'))
      return `$e.push(${this.ctx.effect({ fixed: { ...template, [key]: value.value } })});`;
    const code = typeof value === 'string' ? value : this.ex.expr(value);
    return `$e.push(${this.ctx.effect({ fixed: template, computed: key })}, ${code});`;
  }

  stmt(s: IrStmt): void {
    const at = this.ctx.loc(s.span);
    const mark = `$w = ${at}; $tick();`;
    const x = (e: Parameters<ExprEmitter['expr']>[0]) => this.ex.expr(e);
    switch (s.op) {
      case 'let': {
        const name = this.ctx.local(s.name, s.span);
        this.line(`${mark} const ${name} = ${x(s.value)};`, at);
        if (s.orElse) {
          const present = this.ctx.point('no-else', s.span, `${s.name} is present`);
          const absent = this.ctx.point('else', s.span, `${s.name} is absent: else`);
          this.line(`if (${name} === undefined) {`, at);
          this.line(`  $t.push(${absent});`, at);
          this.block(s.orElse);
          this.line(`} else $t.push(${present});`, at);
        }
        return;
      }
      case 'if': {
        s.branches.forEach((b, i) => {
          const p = this.ctx.point('branch', b.cond.span, `branch ${i + 1} of ${s.branches.length}`);
          this.line(`${i === 0 ? `${mark} if` : '} else if'} (${x(b.cond)}) {`, at);
          this.line(`  $t.push(${p});`, at);
          this.block(b.body);
        });
        const none = this.ctx.point(
          s.otherwise ? 'branch' : 'no-branch',
          s.span,
          s.otherwise ? 'else branch' : 'no branch taken',
        );
        this.line('} else {', at);
        this.line(`  $t.push(${none});`, at);
        if (s.otherwise) this.block(s.otherwise);
        this.line('}', at);
        return;
      }
      case 'setHeader': {
        const param = s.param !== undefined && s.mode === 'set' ? { param: s.param } : {};
        const fixed = { kind: `header.${s.mode}`, name: s.name, ...param };
        this.line(`${mark} ${this.effect(fixed, at, 'value', s.value)}`, at);
        return;
      }
      case 'removeHeader': {
        const param = s.param !== undefined ? { param: s.param } : {};
        this.line(`${mark} ${this.effect({ kind: 'header.remove', name: s.name, ...param }, at)}`, at);
        return;
      }
      case 'removeHeaders': {
        const rx = this.ex.regexRef({ op: 'regex', regex: s.pattern, type: 'Regex', span: s.span });
        // Only names that start as every match must start are sent (regex.ts literalPrefix).
        const prefix = this.ctx.regexes[this.ctx.regex(s.pattern, s.span)]!.prefix;
        const text = `$S[${this.ctx.reads.names(prefix)}]`;
        this.line(`${mark} for (const n of $rt.headerNamesMatching(${text}, ${rx}))`, at);
        this.line(`  ${this.effect({ kind: 'header.remove' }, at, 'name', 'n')}`, at);
        return;
      }
      case 'replaceHeader': {
        const rx = this.ex.regexRef({ op: 'regex', regex: s.pattern, type: 'Regex', span: s.span });
        const text = `$S[${this.ctx.reads.header(s.name)}]`;
        this.line(
          `${mark} { const vs = $rt.headerLines(${text}, ${lit(s.name)}); const r = ${x(s.replacement)};`,
          at,
        );
        const values = `vs.map((v) => $rt.rxReplace(${rx}, v, r))`;
        this.line(
          `  if (vs.length > 0) ${this.effect({ kind: 'header.replace', name: s.name }, at, 'values', values)} }`,
          at,
        );
        return;
      }
      case 'setField':
        this.line(`${mark} ${this.effect({ kind: 'field.set', field: s.field }, at, 'value', s.value)}`, at);
        return;
      case 'removeField':
        this.line(`${mark} ${this.effect({ kind: 'field.remove', field: s.field }, at)}`, at);
        return;
      case 'replaceField': {
        const rx = this.ex.regexRef({ op: 'regex', regex: s.pattern, type: 'Regex', span: s.span });
        const cur = fieldRead(s.field, s.span, this.ctx.reads);
        const value = `$rt.rxReplace(${rx}, v, ${x(s.replacement)})`;
        this.line(`${mark} { const v = ${cur}; if (typeof v === 'string')`, at);
        this.line(`  ${this.effect({ kind: 'field.set', field: s.field }, at, 'value', value)} }`, at);
        return;
      }
      case 'setVar':
        this.line(`${mark} $V[${lit(s.name)}] = ${x(s.value)};`, at);
        this.line(
          this.effect(
            { kind: 'var.set', name: s.name },
            at,
            'value',
            s.value.op === 'lit' ? s.value : `$V[${lit(s.name)}]`,
          ),
          at,
        );
        return;
      case 'reject':
      case 'reply': {
        const e = this.effect({ kind: s.op, code: s.code }, at, 'reason', s.reason);
        this.line(`${mark} ${e} return;`, at);
        return;
      }
      case 'route': {
        const fo = s.failover ? { failover: s.failover } : {};
        const fixed = { kind: 'route', target: s.target, targetKind: s.targetKind, ...fo };
        this.line(`${mark} ${this.effect(fixed, at)} return;`, at);
        return;
      }
      case 'media':
        this.line(`${mark} ${this.effect({ kind: 'media', leg: s.leg, policy: s.policy }, at)}`, at);
        return;
      case 'log':
        this.line(`${mark} ${this.effect({ kind: 'log', level: s.level }, at, 'message', s.message)}`, at);
        return;
      case 'count':
        this.line(`${mark} ${this.effect({ kind: 'count', counter: s.counter }, at)}`, at);
        return;
      case 'stop':
        this.line(`${mark} return;`, at);
        return;
      default:
        throw new CodegenError(`unknown statement '${(s as { op: string }).op}'`, (s as IrStmt).span, 'E005');
    }
  }
}
