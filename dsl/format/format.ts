import type { Block, Comment, Decl, Expr, Loc, Stmt, Target, TypeRef } from '../ast.ts';
import { capPerFile, type Diagnostic } from '../diagnostics.ts';
import { parseFile } from '../stages/parse.ts';
import { exprText } from './expr.ts';

/**
 * The formatter: one canonical layout (docs/language.md §12), idempotent, comments kept.
 * A file with syntax errors is returned unchanged together with its diagnostics.
 */
export interface FormatResult {
  text: string;
  ok: boolean;
  diagnostics: Diagnostic[];
}

const INDENT = '  ';
const INLINE_MAX = 80;

export function format(source: string, path = 'input.rules'): FormatResult {
  const parsed = parseFile(path, source);
  if (parsed.diagnostics.length > 0)
    return { text: source, ok: false, diagnostics: capPerFile(parsed.diagnostics) };
  const text = new Printer(source, parsed.file.comments).file(parsed.file.decls);
  // Safety net: never hand back output that lost a comment or does not parse.
  const again = parseFile(path, text);
  if (again.diagnostics.length > 0 || again.file.comments.length !== parsed.file.comments.length) {
    return { text: source, ok: false, diagnostics: [] };
  }
  return { text, ok: true, diagnostics: [] };
}

interface Item {
  loc: Loc;
  render: (indent: string) => string;
  oneLineKind?: string;
}

class Printer {
  private ci = 0;
  private readonly src: string;
  private readonly comments: Comment[];

  constructor(src: string, comments: Comment[]) {
    this.src = src;
    this.comments = comments;
  }

  file(decls: Decl[]): string {
    const items: Item[] = decls.map((d) => ({
      loc: d.loc,
      render: (i) => this.decl(d, i),
      oneLineKind: oneLine(d),
    }));
    const body = this.items(items, '', this.src.length, true);
    return body.length === 0 ? '' : `${body.join('\n')}\n`;
  }

  /** Lines for a sequence of items at one indentation, with their comments. */
  private items(items: Item[], indent: string, closeOffset: number, topLevel = false): string[] {
    const lines: string[] = [];
    let prev: Item | undefined;
    for (const item of items) {
      const leading = this.takeBefore(item.loc.start);
      const firstStart = leading[0]?.loc.start ?? item.loc.start;
      if (lines.length > 0) {
        const blank = this.blankBefore(firstStart);
        const forced =
          topLevel && !(prev?.oneLineKind && prev.oneLineKind === item.oneLineKind && leading.length === 0);
        if (blank || forced) lines.push('');
      }
      leading.forEach((c, i) => {
        if (i > 0 && this.blankBefore(c.loc.start)) lines.push('');
        lines.push(indent + c.text);
      });
      if (leading.length > 0 && this.blankBefore(item.loc.start)) lines.push('');
      let text = indent + item.render(indent);
      const trailing = this.takeTrailing(item.loc);
      if (trailing) text += `  ${trailing.text}`;
      lines.push(text);
      prev = item;
    }
    for (const c of this.takeBefore(closeOffset)) {
      if (lines.length > 0 && this.blankBefore(c.loc.start)) lines.push('');
      lines.push(indent + c.text);
    }
    return lines;
  }

  private takeBefore(offset: number): Comment[] {
    const out: Comment[] = [];
    while (this.ci < this.comments.length && this.comments[this.ci]!.loc.start < offset)
      out.push(this.comments[this.ci++]!);
    return out;
  }

  private takeTrailing(loc: Loc): Comment | undefined {
    const c = this.comments[this.ci];
    if (c && c.loc.line === loc.endLine && c.loc.start >= loc.end) {
      this.ci++;
      return c;
    }
    return undefined;
  }

  private hasCommentWithin(loc: Loc): boolean {
    const c = this.comments[this.ci];
    return c !== undefined && c.loc.start < loc.end;
  }

  private blankBefore(offset: number): boolean {
    let newlines = 0;
    for (let i = offset - 1; i >= 0; i--) {
      const ch = this.src[i]!;
      if (ch === '\n') newlines++;
      else if (ch !== ' ' && ch !== '\t' && ch !== '\r') break;
    }
    return newlines >= 2;
  }

  private block(b: Block, indent: string): string {
    const inner = indent + INDENT;
    const lines = this.items(
      b.stmts.map((s) => ({ loc: s.loc, render: (i) => this.stmt(s, i) })),
      inner,
      b.loc.end - 1,
    );
    return lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n${indent}}`;
  }

  private decl(d: Decl, indent: string): string {
    switch (d.kind) {
      case 'ruleset':
        return `ruleset ${d.name.name}`;
      case 'import':
        return `import ${exprText(d.path)}`;
      case 'counter':
        return `counter ${d.name.name}`;
      case 'var':
        return `var ${d.name.name}${d.type ? `: ${typeText(d.type)}` : ''} = ${this.value(d.value, indent)}`;
      case 'trunk':
      case 'group': {
        const inner = indent + INDENT;
        const lines = this.items(
          d.props.map((p) => ({ loc: p.loc, render: (i) => `${p.key.name} ${this.value(p.value, i)}` })),
          inner,
          d.loc.end - 1,
        );
        return `${d.kind} ${d.name.name} ${lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n${indent}}`}`;
      }
      case 'table': {
        const inner = indent + INDENT;
        const head = `table ${d.name.name}`;
        if (d.source) {
          const src = `${head} = ${d.source.map((s) => s.name).join('.')}`;
          if (!d.schema) return src;
          const lines = this.items(
            d.schema.map((f) => ({ loc: f.loc, render: () => `${f.name.name}: ${typeText(f.type)}` })),
            inner,
            d.loc.end - 1,
          );
          return `${src} ${lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n${indent}}`}`;
        }
        const lines = this.items(
          (d.entries ?? []).map((e) => ({
            loc: e.loc,
            render: (i) => `${exprText(e.key)}: ${this.value(e.value, i)}`,
          })),
          inner,
          d.loc.end - 1,
        );
        return `${head} ${lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n${indent}}`}`;
      }
      case 'handler':
        return `on ${hookText(d.hook)} ${this.block(d.body, indent)}`;
    }
  }

  /** A value that may be laid out over several lines (records and lists that are long or hold comments). */
  private value(e: Expr, indent: string): string {
    if (e.kind !== 'record' && e.kind !== 'list') return exprText(e);
    const inline = exprText(e);
    const nested = e.kind === 'record' && e.entries.some((en) => en.value.kind === 'record');
    if (inline.length <= INLINE_MAX && !nested && !this.hasCommentWithin(e.loc)) return inline;
    const inner = indent + INDENT;
    if (e.kind === 'record') {
      const lines = this.items(
        e.entries.map((en) => ({ loc: en.loc, render: (i) => `${en.key.name}: ${this.value(en.value, i)}` })),
        inner,
        e.loc.end - 1,
      );
      return `{\n${lines.join('\n')}\n${indent}}`;
    }
    const lines = this.items(
      e.items.map((it) => ({ loc: it.loc, render: (i) => `${this.value(it, i)},` })),
      inner,
      e.loc.end - 1,
    );
    return `[\n${lines.join('\n')}\n${indent}]`;
  }

  private stmt(s: Stmt, indent: string): string {
    switch (s.kind) {
      case 'let': {
        const head = `let ${s.name.name} = ${this.value(s.value, indent)}`;
        if (!s.orElse) return head;
        const only = s.orElse.stmts[0];
        const simple =
          s.orElse.stmts.length === 1 &&
          only &&
          ['reject', 'reply', 'route', 'stop'].includes(only.kind) &&
          !this.hasCommentWithin(s.orElse.loc);
        if (simple) {
          this.takeBefore(only.loc.start);
          return `${head} else ${this.stmt(only, indent)}`;
        }
        return `${head} else ${this.block(s.orElse, indent)}`;
      }
      case 'if': {
        const parts = s.branches.map(
          (b, i) => `${i === 0 ? 'if' : ' else if'} ${exprText(b.cond)} ${this.block(b.body, indent)}`,
        );
        return parts.join('') + (s.otherwise ? ` else ${this.block(s.otherwise, indent)}` : '');
      }
      case 'set':
        return `${s.mode} ${targetText(s.target)} = ${this.value(s.value, indent)}`;
      case 'remove':
        return `remove ${targetText(s.target)}`;
      case 'removeHeaders':
        return `remove header ${s.pattern.raw}`;
      case 'replace':
        return `replace ${targetText(s.target)} ${exprText(s.pattern)} with ${exprText(s.replacement)}`;
      case 'reject':
      case 'reply':
        return `${s.kind} ${exprText(s.code)}${s.reason ? ` ${exprText(s.reason)}` : ''}`;
      case 'route':
        return `route ${s.target.name}${s.failover ? ` failover ${this.value(s.failover, indent)}` : ''}`;
      case 'media':
        return `media ${s.leg.name} ${this.value(s.policy, indent)}`;
      case 'log':
        return `log ${s.level ? `${s.level.name} ` : ''}${exprText(s.message)}`;
      case 'count':
        return `count ${s.counter.name}`;
      case 'stop':
        return 'stop';
    }
  }
}

function oneLine(d: Decl): string | undefined {
  if (d.kind === 'import' || d.kind === 'var' || d.kind === 'counter') return d.kind;
  if (d.kind === 'table' && d.source && !d.schema) return 'table';
  return undefined;
}

function typeText(t: TypeRef): string {
  return `${t.list ? `[${t.name}]` : t.name}${t.optional ? '?' : ''}`;
}

function targetText(t: Target): string {
  if (t.kind === 'path') return exprText(t.expr);
  return `header ${exprText(t.name)}${t.param ? ` param ${exprText(t.param)}` : ''}`;
}

function hookText(h: Extract<Decl, { kind: 'handler' }>['hook']): string {
  const from = h.trunk
    ? ` ${h.kind === 'request' && h.direction === 'to' ? 'to' : 'from'} ${h.trunk.name}`
    : '';
  if (h.kind === 'request')
    return `request ${h.methods.map((m) => m.name).join(', ')}${h.inDialog ? ' in dialog' : ''}${from}`;
  if (h.kind === 'response') return `response ${h.statuses.map(exprText).join(', ')}${from}`;
  return `failure${from}`;
}
