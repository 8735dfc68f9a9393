import type { Expr } from '../ast.ts';

/** Inline text of an expression in canonical spacing (docs/language.md §12). */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'string':
    case 'int':
    case 'duration':
    case 'regex':
      return e.raw;
    case 'bool':
      return String(e.value);
    case 'ip':
    case 'cidr':
    case 'e164':
    case 'status':
      return e.value;
    case 'name':
      return e.name;
    case 'list':
      return `[${e.items.map(exprText).join(', ')}]`;
    case 'record':
      return e.entries.length === 0
        ? '{}'
        : `{ ${e.entries.map((en) => `${en.key.name}: ${exprText(en.value)}`).join(', ')} }`;
    case 'member':
      return `${exprText(e.object)}.${e.name.name}`;
    case 'index':
      return `${exprText(e.object)}[${exprText(e.index)}]`;
    case 'header':
      return `${e.all ? 'headers' : 'header'}[${exprText(e.name)}]`;
    case 'call':
      return `${e.callee.name}(${e.args.map((a) => (a.name ? `${a.name.name}: ${exprText(a.value)}` : exprText(a.value))).join(', ')})`;
    case 'unary':
      return `not ${exprText(e.operand)}`;
    case 'binary':
      return `${exprText(e.left)} ${e.op} ${exprText(e.right)}`;
    case 'paren':
      return `(${exprText(e.expr)})`;
    case 'error':
      return '';
  }
}
