import type { Expr, Property } from '../ast.ts';
import type { Span } from '../diagnostics.ts';
import type { IrFailover, IrMediaPolicy, IrOptions, IrPeer, IrValue } from '../ir.ts';

/** Constant folding of configuration values (trunk/group properties, media, failover) into IR. */
export function span(loc: Span): Span {
  return {
    file: loc.file,
    line: loc.line,
    column: loc.column,
    endLine: loc.endLine,
    endColumn: loc.endColumn,
  };
}

export function constValue(e: Expr): IrValue {
  switch (e.kind) {
    case 'string':
    case 'int':
    case 'bool':
    case 'ip':
    case 'cidr':
    case 'e164':
    case 'status':
      return e.value;
    case 'duration':
      return e.ms;
    case 'regex':
      return e.raw;
    case 'name':
      return e.name;
    case 'paren':
      return constValue(e.expr);
    case 'list':
      return e.items.map(constValue);
    case 'record':
      return Object.fromEntries(e.entries.map((en) => [en.key.name, constValue(en.value)]));
    default:
      return '';
  }
}

export function recordOf(e: Expr | undefined): Record<string, IrValue> {
  const v = e ? constValue(e) : {};
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

export function prop(props: Property[], key: string): Expr | undefined {
  return props.find((p) => p.key.name === key)?.value;
}

const num = (v: IrValue | undefined) => (typeof v === 'number' ? v : undefined);
const strs = (v: IrValue | undefined) => (Array.isArray(v) ? v.map(String) : undefined);

function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export function media(e: Expr | undefined): IrMediaPolicy {
  const r = recordOf(e);
  return compact({
    codecs: strs(r.codecs),
    strip: strs(r.strip),
    srtp: r.srtp as IrMediaPolicy['srtp'],
    ptimeMs: num(r.ptime),
    maxptimeMs: num(r.maxptime),
    dtmf: r.dtmf as IrMediaPolicy['dtmf'],
    transcode: r.transcode as boolean | undefined,
    ringback: r.ringback as IrMediaPolicy['ringback'],
    comfortNoise: r.comfort_noise as boolean | undefined,
    stripAttributes: strs(r.strip_attributes),
  });
}

export function options(e: Expr | undefined): IrOptions {
  const r = recordOf(e);
  return compact({
    enabled: r.enabled !== false,
    intervalMs: num(r.interval),
    timeoutMs: num(r.timeout),
    downAfter: num(r.down_after),
    upAfter: num(r.up_after),
  });
}

export function failover(e: Expr | undefined): IrFailover {
  const r = recordOf(e);
  const on = Array.isArray(r.on) ? r.on.map((v) => (typeof v === 'number' ? v : String(v))) : undefined;
  return compact({ on, retry: num(r.retry), timeoutMs: num(r.timeout) });
}

export function peers(e: Expr | undefined): IrPeer[] {
  if (e?.kind !== 'list') return [];
  return e.items.flatMap((i) => {
    if (i.kind !== 'string') return [];
    const v6 = /^\[([^\]]+)\](?::([0-9]+))?$/.exec(i.value);
    const m = v6 ?? /^([^:]+)(?::([0-9]+))?$/.exec(i.value);
    if (!m) return [];
    return [m[2] ? { host: m[1]!, port: Number(m[2]) } : { host: m[1]! }];
  });
}
