import type { SourceFile } from '../ast.ts';
import { IR_VERSION, type IrGroup, type IrProgram, type IrTable, type IrTrunk } from '../ir.ts';
import type { Symbols } from '../symbols.ts';
import type { TypeInfo } from '../typeinfo.ts';
import { show } from '../types.ts';
import { BodyLowerer } from './lower-body.ts';
import { constValue, failover, media, options, peers, prop, span } from './lower-config.ts';

/**
 * Stage 6 — lower: the checked AST becomes the IR (ir.ts), the contract with the rules runtime.
 * Only runs on programs without errors, so every name and type here is known to be valid.
 */
export function lower(files: SourceFile[], symbols: Symbols, info: TypeInfo): IrProgram {
  const trunks: IrTrunk[] = [...symbols.trunks.values()].map((t) => {
    const p = (k: string) => prop(t.props, k);
    const v = (k: string) => (p(k) ? constValue(p(k)!) : undefined);
    const trunk: IrTrunk = {
      name: t.name.name,
      peers: peers(p('peers')),
      transport: (v('transport') as IrTrunk['transport']) ?? 'udp',
      sources: ((v('sources') as string[] | undefined) ?? []).map(String),
      span: span(t.loc),
    };
    if (p('media')) trunk.media = media(p('media'));
    if (p('options')) trunk.options = options(p('options'));
    if (p('failover')) trunk.failover = failover(p('failover'));
    if (p('prack')) trunk.prack = v('prack') as IrTrunk['prack'];
    if (p('early_offer')) trunk.earlyOffer = v('early_offer') as boolean;
    if (p('session_expires')) trunk.sessionExpiresMs = v('session_expires') as number;
    if (p('min_se')) trunk.minSeMs = v('min_se') as number;
    if (p('max_calls')) trunk.maxCalls = v('max_calls') as number;
    if (p('cps')) trunk.cps = v('cps') as number;
    return trunk;
  });
  const groups: IrGroup[] = [...symbols.groups.values()].map((g) => {
    const p = (k: string) => prop(g.props, k);
    const group: IrGroup = {
      name: g.name.name,
      members: ((p('members') ? constValue(p('members')!) : []) as string[]).map(String),
      policy: (p('policy') ? constValue(p('policy')!) : 'ordered') as IrGroup['policy'],
      span: span(g.loc),
    };
    const backup = p('backup');
    if (backup?.kind === 'name') group.backup = backup.name;
    if (p('failover')) group.failover = failover(p('failover'));
    return group;
  });
  const tables: IrTable[] = [...symbols.tables.values()].map((t) => {
    const ty = info.tables.get(t)!;
    const source: IrTable['source'] = t.source
      ? {
          kind: 'provisioning',
          name: t.source[1]?.name ?? '',
          fields: Object.fromEntries(
            (t.schema ?? []).map((f) => [
              f.name.name,
              show(ty.value.k === 'record' ? ty.value.fields[f.name.name]! : ty.value),
            ]),
          ),
        }
      : {
          kind: 'inline',
          entries: (t.entries ?? []).map((e) => [constValue(e.key) as string, constValue(e.value)]),
        };
    return { name: t.name.name, keyType: show(ty.key), valueType: show(ty.value), source, span: span(t.loc) };
  });
  const vars = [...symbols.vars.values()].map((v) => ({
    name: v.name.name,
    type: show(info.vars.get(v)!),
    initial: constValue(v.value),
    span: span(v.loc),
  }));
  const body = new BodyLowerer(symbols, info);
  const handlers = symbols.handlers.map((h, i) => body.handler(h, `h${i}`));
  return {
    irVersion: IR_VERSION,
    ruleset: symbols.ruleset,
    files: files.map((f) => f.path),
    trunks,
    groups,
    tables,
    vars,
    counters: [...symbols.counters.keys()],
    handlers,
  };
}
