import type { Span } from '../diagnostics.ts';
import type { IrExpr, IrFieldPath } from '../ir.ts';
import { CodegenError, type GenContext, lit } from './context.ts';
import { fieldLocation, type ReadRecorder } from './reads.ts';

/**
 * Expressions to JavaScript. Generated code names: $S the input slots (reads.ts: every snapshot value
 * the program reads), $V call variables, $rt the prelude, $RX regex programs, $T tables. Reads of
 * values held in locals use optional chaining, so a malformed value yields `undefined`, never a TypeError.
 */
const base = (t: string): string => (t.endsWith('?') ? t.slice(0, -1) : t);

const URI_KEYS = new Set(['user', 'host', 'port', 'scheme']);

function uriPath(obj: string, rest: string[], span: Span): string {
  if (rest.length === 0) return obj;
  const [head, key] = rest;
  if (head === 'params' && rest.length === 2) return `$rt.own(${obj}?.params, ${lit(key!.toLowerCase())})`;
  if (head === 'params' && rest.length === 1) return `${obj}?.params`;
  if (rest.length === 1 && URI_KEYS.has(head!)) return `${obj}?.${head}`;
  throw new CodegenError(`unknown URI field ${rest.join('.')}`, span, 'E005');
}

function nameAddrPath(obj: string, rest: string[], span: Span): string {
  if (rest.length === 0) return obj;
  const [head] = rest;
  if (head === 'display' && rest.length === 1) return `${obj}?.display`;
  if (head === 'uri') return uriPath(`${obj}?.uri`, rest.slice(1), span);
  if (head === 'user' || head === 'host') return uriPath(`${obj}?.uri`, rest, span);
  if (head === 'params') return uriPath(obj, rest, span);
  throw new CodegenError(`unknown address field ${rest.join('.')}`, span, 'E005');
}

/**
 * A rule field: the input slot holding it (reads.ts), and a parameter looked up in that value. With
 * `presence`, the slot says only whether the field is there.
 */
export function fieldRead(path: IrFieldPath, span: Span, reads: ReadRecorder, presence = false): string {
  const at = fieldLocation(path);
  if (at === undefined) throw new CodegenError(`unknown field ${path.join('.')}`, span, 'E005');
  if (at.param !== undefined) return `$rt.own($S[${reads.slot(at.from, at.path)}], ${lit(at.param)})`;
  return `$S[${reads.slot(at.from, at.path, presence)}]`;
}

export class ExprEmitter {
  private readonly ctx: GenContext;

  constructor(ctx: GenContext) {
    this.ctx = ctx;
  }

  regexRef(e: IrExpr): string {
    if (e.op !== 'regex') throw new CodegenError('a regex literal is expected here', e.span, 'E005');
    return `$RX[${this.ctx.regex(e.regex, e.span)}]`;
  }

  expr(e: IrExpr): string {
    switch (e.op) {
      case 'lit':
        return lit(e.value);
      case 'enum':
        return lit(e.value);
      case 'regex':
        throw new CodegenError(
          'a regex can only be used with matches, substitute, capture or replace',
          e.span,
        );
      case 'field':
        return fieldRead(e.field, e.span, this.ctx.reads);
      case 'header': {
        const literal = e.name.op === 'lit' && typeof e.name.value === 'string' ? e.name.value : undefined;
        const text = `$S[${this.ctx.reads.header(literal)}]`;
        return `$rt.${e.all ? 'headers' : 'header'}(${text}, ${this.expr(e.name)})`;
      }
      case 'local':
        return this.ctx.local(e.name, e.span);
      case 'var':
        return `$V[${lit(e.name)}]`;
      case 'lookup':
        return this.lookup(e.table, e.key, e.span);
      case 'param':
        return `$rt.own(${this.expr(e.object)}, String(${this.expr(e.key)}).toLowerCase())`;
      case 'member':
        return this.member(e.object, e.name);
      case 'call':
        return this.call(e.fn, e.args, e.span);
      case 'not':
        return `!(${this.expr(e.operand)})`;
      case 'binary':
        return this.binary(e.operator, e.left, e.right);
      case 'default':
        return `(${this.expr(e.value)} ?? ${this.expr(e.fallback)})`;
      case 'list':
        return `[${e.items.map((i) => this.expr(i)).join(', ')}]`;
    }
  }

  private lookup(table: string, key: IrExpr, span: Span): string {
    const t = this.ctx.tables.get(table);
    if (t === undefined) throw new CodegenError(`unknown table '${table}'`, span, 'E005');
    return `$look(${t.slot}, ${this.expr(key)})`;
  }

  private member(object: IrExpr, name: string): string {
    const o = this.expr(object);
    const t = base(object.type);
    if (t === 'NameAddr') return nameAddrPath(`(${o})`, [name], object.span);
    if (t === 'Uri') return uriPath(`(${o})`, [name], object.span);
    return `$rt.own(${o}, ${lit(name)})`;
  }

  private call(fn: string, args: IrExpr[], span: Span): string {
    const a = (i: number) => {
      const arg = args[i];
      if (arg === undefined) throw new CodegenError(`${fn}: missing argument ${i + 1}`, span, 'E005');
      return this.expr(arg);
    };
    switch (fn) {
      case 'e164':
        return `$rt.e164(${a(0)}, ${a(1)})`;
      case 'national':
        return `$rt.national(${a(0)}, ${a(1)})`;
      case 'lower':
        return `${a(0)}.toLowerCase()`;
      case 'upper':
        return `${a(0)}.toUpperCase()`;
      case 'trim':
        return `${a(0)}.trim()`;
      case 'digits':
        return `${a(0)}.replace(/[^0-9]/g, '')`;
      case 'len':
        return `$rt.len(${a(0)})`;
      case 'starts_with':
        return `${a(0)}.startsWith(${a(1)})`;
      case 'ends_with':
        return `${a(0)}.endsWith(${a(1)})`;
      case 'contains':
        return `${a(0)}.includes(${a(1)})`;
      case 'substitute':
        return `$rt.rxReplace(${this.regexRef(args[1]!)}, ${a(0)}, ${a(2)})`;
      case 'capture':
        return `$rt.rxCapture(${this.regexRef(args[1]!)}, ${a(0)}, ${args[2] ? a(2) : '1'})`;
      case 'has': {
        // Only the presence of a field is read: the input need not carry what is inside it.
        const arg = args[0];
        if (arg?.op !== 'field') return `(${a(0)} !== undefined)`;
        return `(${fieldRead(arg.field, arg.span, this.ctx.reads, true)} !== undefined)`;
      }
      case 'str': {
        const t = base(args[0]?.type ?? '');
        if (t === 'NameAddr') return `$rt.fmtNameAddr(${a(0)})`;
        if (t === 'Uri') return `$rt.fmtUri(${a(0)})`;
        return `String(${a(0)})`;
      }
      default:
        throw new CodegenError(`unknown function '${fn}'`, span, 'E005');
    }
  }

  private binary(op: string, left: IrExpr, right: IrExpr): string {
    const l = this.expr(left);
    if (op === 'matches') return `$rt.rxTest(${this.regexRef(right)}, ${l})`;
    const r = this.expr(right);
    switch (op) {
      case '==':
      case '!=': {
        const t = base(left.type);
        const neg = op === '!=' ? '!' : '';
        if (t === 'NameAddr') return `${neg}$rt.sameText($rt.fmtNameAddr, ${l}, ${r})`;
        if (t === 'Uri') return `${neg}$rt.sameText($rt.fmtUri, ${l}, ${r})`;
        return `(${l} ${op}= ${r})`;
      }
      case '<':
      case '<=':
      case '>':
      case '>=':
      case '+':
      case '-':
        return `(${l} ${op} ${r})`;
      case 'and':
        return `(${l} && ${r})`;
      case 'or':
        return `(${l} || ${r})`;
      case 'in': {
        const t = right.type;
        if (t === 'CIDR') return `$rt.inCidr(${l}, ${r})`;
        if (t === 'StatusClass') return `$rt.inClass(${l}, ${r})`;
        if (t === '[CIDR]') return `$rt.inAnyCidr(${l}, ${r})`;
        if (t === '[StatusClass]') return `$rt.inAnyClass(${l}, ${r})`;
        return `${r}.includes(${l})`;
      }
      default:
        throw new CodegenError(`unknown operator '${op}'`, left.span, 'E005');
    }
  }
}
