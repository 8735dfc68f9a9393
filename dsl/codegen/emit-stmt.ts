import type { IrStmt } from '../ir.ts';
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

  private effect(kind: string, fields: string, at: number): string {
    return `$e.push({ kind: ${lit(kind)}${fields}, at: ${at} });`;
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
        const kind = `header.${s.mode}`;
        const param = s.param !== undefined && s.mode === 'set' ? `, param: ${lit(s.param)}` : '';
        this.line(
          `${mark} ${this.effect(kind, `, name: ${lit(s.name)}, value: ${x(s.value)}${param}`, at)}`,
          at,
        );
        return;
      }
      case 'removeHeader': {
        const param = s.param !== undefined ? `, param: ${lit(s.param)}` : '';
        this.line(`${mark} ${this.effect('header.remove', `, name: ${lit(s.name)}${param}`, at)}`, at);
        return;
      }
      case 'removeHeaders': {
        const rx = this.ex.regexRef({ op: 'regex', regex: s.pattern, type: 'Regex', span: s.span });
        this.line(`${mark} for (const n of $rt.headerNames($M)) if ($rt.rxTest(${rx}, n))`, at);
        this.line(`  ${this.effect('header.remove', ', name: n', at)}`, at);
        return;
      }
      case 'replaceHeader': {
        const rx = this.ex.regexRef({ op: 'regex', regex: s.pattern, type: 'Regex', span: s.span });
        this.line(
          `${mark} { const vs = $rt.headerLines($M, ${lit(s.name)}); const r = ${x(s.replacement)};`,
          at,
        );
        this.line(
          `  if (vs.length > 0) ${this.effect('header.replace', `, name: ${lit(s.name)}, values: vs.map((v) => $rt.rxReplace(${rx}, v, r))`, at)} }`,
          at,
        );
        return;
      }
      case 'setField':
        this.line(
          `${mark} ${this.effect('field.set', `, field: ${this.ctx.constant(s.field)}, value: ${x(s.value)}`, at)}`,
          at,
        );
        return;
      case 'removeField':
        this.line(`${mark} ${this.effect('field.remove', `, field: ${this.ctx.constant(s.field)}`, at)}`, at);
        return;
      case 'replaceField': {
        const rx = this.ex.regexRef({ op: 'regex', regex: s.pattern, type: 'Regex', span: s.span });
        const cur = fieldRead(s.field, s.span);
        this.line(`${mark} { const v = ${cur}; if (typeof v === 'string')`, at);
        this.line(
          `  ${this.effect('field.set', `, field: ${this.ctx.constant(s.field)}, value: $rt.rxReplace(${rx}, v, ${x(s.replacement)})`, at)} }`,
          at,
        );
        return;
      }
      case 'setVar':
        this.line(`${mark} $V[${lit(s.name)}] = ${x(s.value)};`, at);
        this.line(this.effect('var.set', `, name: ${lit(s.name)}, value: $V[${lit(s.name)}]`, at), at);
        return;
      case 'reject':
      case 'reply': {
        const reason = s.reason ? `, reason: ${x(s.reason)}` : '';
        this.line(`${mark} ${this.effect(s.op, `, code: ${lit(s.code)}${reason}`, at)} return;`, at);
        return;
      }
      case 'route': {
        const fo = s.failover ? `, failover: ${this.ctx.constant(s.failover)}` : '';
        const fields = `, target: ${lit(s.target)}, targetKind: ${lit(s.targetKind)}${fo}`;
        this.line(`${mark} ${this.effect('route', fields, at)} return;`, at);
        return;
      }
      case 'media':
        this.line(
          `${mark} ${this.effect('media', `, leg: ${lit(s.leg)}, policy: ${this.ctx.constant(s.policy)}`, at)}`,
          at,
        );
        return;
      case 'log':
        this.line(
          `${mark} ${this.effect('log', `, level: ${lit(s.level)}, message: ${x(s.message)}`, at)}`,
          at,
        );
        return;
      case 'count':
        this.line(`${mark} ${this.effect('count', `, counter: ${lit(s.counter)}`, at)}`, at);
        return;
      case 'stop':
        this.line(`${mark} return;`, at);
        return;
      default:
        throw new CodegenError(`unknown statement '${(s as { op: string }).op}'`, (s as IrStmt).span, 'E005');
    }
  }
}
