import { type Diagnostic, diag } from '../diagnostics.ts';
import { PLANS } from '../e164.ts';
import type { CoveragePoint, RuleLocation } from '../effects.ts';
import type { IrHandler, IrHook, IrProgram, IrTable, IrValue } from '../ir.ts';
import { CodegenError, GenContext, lit } from './context.ts';
import type { EffectTemplate } from './effect-templates.ts';
import { ExprEmitter } from './emit-expr.ts';
import { type Line, StmtEmitter } from './emit-stmt.ts';
import { preludeSource } from './prelude.ts';
import { type InputReads, type ReadRecorder, type SlotRoot, slotsFromInputCode } from './reads.ts';

/**
 * Code generation (docs/runtime.md): the IR of a rule set becomes one JavaScript program for the
 * isolate, with one function per handler, and tables that map every effect, trace point and
 * generated line back to the rule file. The program defines two globals:
 *   __sbc_run(input, budgetMs) -> resultJson   one hook call (RunOutput), under a time budget (0: none);
 *                                              input: the slots of reads.ts as a JSON array, or a
 *                                              whole HookInput as JSON text or a copied object
 *   __sbc_where() -> number                location index of the statement running last
 * and reads one host function, $lookup(table, key) -> rowJson | undefined, captured at load time.
 */
export const CODEGEN_VERSION = 3;

export interface TableInfo {
  name: string;
  /** The provisioning source ('numbers') or undefined for an inline table. */
  provisioning?: string;
  /** Declared fields and their types ('bool', 'string?', …) for provisioning rows. */
  fields?: Record<string, string>;
}

export interface CompiledRules {
  codegenVersion: typeof CODEGEN_VERSION;
  ruleset: string;
  files: string[];
  /** The program for the isolate. */
  source: string;
  /** Effect `at` and `$w` values index this table. */
  locations: RuleLocation[];
  /** What the program's effects hold that is known before a call; RunOutput `e` indexes this. */
  effects: EffectTemplate[];
  /** For each generated line (1-based; index 0 unused), the location index it comes from, or -1. */
  lineMap: number[];
  /** Decision points, for traces and coverage. */
  points: CoveragePoint[];
  handlers: { id: string; hook: IrHook; at: RuleLocation }[];
  tables: TableInfo[];
  vars: Record<string, IrValue>;
  /** Trunks with their peers and source ranges, so tools can classify a message by its source. */
  trunks: { name: string; peers: string[]; sources: string[] }[];
  /**
   * The values of a HookInput the program reads (reads.ts): the runtime sends only these, as an
   * array. Absent (a program not made by this generator): the whole input is copied in.
   */
  reads?: InputReads;
}

/** What __sbc_run returns (as JSON). */
export interface RunOutput {
  /** Handler index, -1 when none matched. */
  h: number;
  /** Effects: template indexes, each followed by its computed value (effect-templates.ts). */
  e?: unknown[];
  t: number[];
  /** Error message when the rule threw, and the location index that was running. */
  x?: string;
  w?: number;
  /** 1 when the error is the hook time limit. */
  o?: 1;
}

export type GenerateResult = { ok: true; compiled: CompiledRules } | { ok: false; diagnostics: Diagnostic[] };

export function generate(ir: IrProgram): GenerateResult {
  try {
    return { ok: true, compiled: generateOrThrow(ir) };
  } catch (e) {
    if (e instanceof CodegenError) return { ok: false, diagnostics: [diag(e.code, e.span, e.message)] };
    throw e;
  }
}

/** The dispatch test of one handler ($select below), reading input slots (reads.ts). */
function hookCondition(hook: IrHook, reads: ReadRecorder): string {
  const at = (from: SlotRoot, path: string[]) => `$S[${reads.slot(from, path)}]`;
  const trunk = (path: string[]) =>
    hook.trunk !== undefined ? ` && ${at('input', path)} === ${lit(hook.trunk)}` : '';
  switch (hook.kind) {
    case 'request':
      return (
        `k === 'request' && ${lit(hook.methods)}.includes(${at('message', ['method'])})` +
        ` && d === ${lit(hook.direction)} && dlg === ${hook.inDialog}` +
        trunk(hook.direction === 'out' ? ['target'] : ['source', 'trunk'])
      );
    case 'response':
      return `k === 'response' && $rt.inAnyClass(${at('message', ['status'])}, ${lit(hook.statuses)})${trunk(['source', 'trunk'])}`;
    case 'failure':
      return `k === 'failure'${trunk(['failure', 'trunk'])}`;
  }
}

function tableInfo(t: IrTable): TableInfo {
  return t.source.kind === 'provisioning'
    ? { name: t.name, provisioning: t.source.name, fields: t.source.fields }
    : { name: t.name };
}

function generateOrThrow(ir: IrProgram): CompiledRules {
  const ctx = new GenContext(ir.tables);
  const ex = new ExprEmitter(ctx);
  const handlerLines: Line[][] = [];
  const handlerPoints: number[] = [];
  ir.handlers.forEach((h: IrHandler, i) => {
    handlerPoints.push(ctx.point('handler', h.span, `handler ${h.id}`));
    const st = new StmtEmitter(ctx, ex);
    st.block(h.body);
    handlerLines.push([
      { code: `function $h${i}($S, $V, $e, $t) {`, loc: ctx.loc(h.span) },
      ...st.lines,
      { code: '}', loc: -1 },
    ]);
  });

  const lines: Line[] = [];
  const add = (code: string, loc = -1) => {
    for (const part of code.split('\n')) lines.push({ code: part, loc });
  };
  add("'use strict';");
  add(`const $rt = ${preludeSource(PLANS)};`);
  add('const $tick = $rt.tick;');
  add(`const $RX = ${lit(ctx.regexes)};`);
  const inline = ir.tables.map((t) =>
    t.source.kind === 'inline' ? `new Map(${lit(t.source.entries)})` : 'undefined',
  );
  add(`const $T = [${inline.join(', ')}];`);
  add(`const $P = ${lit(ir.tables.map((t) => (t.source.kind === 'provisioning' ? t.source.name : '')))};`);
  add('const $host = globalThis.$lookup;');
  add('function $look(slot, key) {');
  add('  const t = $T[slot];');
  add('  if (t !== undefined) return t.get(key);');
  add('  const row = $host($P[slot], key);');
  add('  return row === undefined ? undefined : JSON.parse(row);');
  add('}');
  // The call's variables as an object literal with exactly the declared names (computed keys, so a
  // variable named __proto__ is an own property, never the prototype); missing ones start at their
  // declared value. A fixed-shape literal is cheaper than a dictionary object built per call.
  add('function $vars(given) {');
  add("  const ok = given !== null && typeof given === 'object';");
  add('  const has = (n) => ok && Object.prototype.hasOwnProperty.call(given, n);');
  add(
    `  return { ${ir.vars.map((v) => `[${lit(v.name)}]: has(${lit(v.name)}) ? given[${lit(v.name)}] : ${lit(v.initial)}`).join(', ')} };`,
  );
  add('}');
  add('let $w = -1;');
  for (const hl of handlerLines) lines.push(...hl);
  add(`const $H = [${ir.handlers.map((_, i) => `$h${i}`).join(', ')}];`);
  add(`const $HP = ${lit(handlerPoints)};`);
  const slot = (path: string[]) => `$S[${ctx.reads.slot('input', path)}]`;
  add('function $select($S) {');
  add(
    `  const k = ${slot(['hook'])}; const d = ${slot(['direction'])} ?? "in"; const dlg = ${slot(['inDialog'])} === true;`,
  );
  ir.handlers.forEach((h, i) => {
    add(`  if (${hookCondition(h.hook, ctx.reads)}) return ${i};`, ctx.loc(h.span));
  });
  add('  return -1;');
  add('}');
  add(`function $callVars($S) { return $vars(${ir.vars.length > 0 ? slot(['vars']) : 'undefined'}); }`);
  const reads = ctx.reads.result();
  add(slotsFromInputCode(reads));
  add(`const $SLOTS = ${reads.slots.length};`);
  add(RUN_WRAPPER);

  const lineMap = [-1, ...lines.map((l) => l.loc)];
  return {
    codegenVersion: CODEGEN_VERSION,
    ruleset: ir.ruleset,
    files: ir.files,
    source: lines.map((l) => l.code).join('\n'),
    locations: ctx.locations,
    effects: ctx.effects,
    lineMap,
    points: ctx.points,
    handlers: ir.handlers.map((h) => ({
      id: h.id,
      hook: h.hook,
      at: { file: h.span.file, line: h.span.line, column: h.span.column },
    })),
    tables: ir.tables.map(tableInfo),
    vars: Object.fromEntries(ir.vars.map((v) => [v.name, v.initial])),
    trunks: ir.trunks.map((t) => ({ name: t.name, peers: t.peers.map((p) => p.host), sources: t.sources })),
    reads,
  };
}

/**
 * The entry point: never throws; a rule error comes back as `x` with the running location `w`, and
 * `o` when it was the time limit.
 */
const RUN_WRAPPER = `globalThis.__sbc_where = function () { return $w; };
globalThis.__sbc_run = function (json, budgetMs) {
  $rt.startClock(budgetMs);
  $w = -1;
  const e = [];
  const t = [];
  let h = -1;
  try {
    // The runtime sends the input slots as an array (reads.ts); tools send a whole HookInput.
    const p = typeof json === 'string' ? JSON.parse(json) : json;
    const $S = Array.isArray(p) ? p : $slotsOf(p);
    if ($S.length !== $SLOTS) throw new TypeError('hook input has the wrong number of values');
    // JSON has no undefined: an absent value crosses as null (a snapshot holds no nulls).
    for (let i = 0; i < $SLOTS; i++) if ($S[i] === null) $S[i] = undefined;
    h = $select($S);
    if (h >= 0) {
      const $V = $callVars($S);
      t.push($HP[h]);
      $H[h]($S, $V, e, t);
    }
    return JSON.stringify({ h, e, t });
  } catch (err) {
    let text = 'error';
    try { text = String(err instanceof Error ? err.message : err).slice(0, 300); } catch {}
    return JSON.stringify($rt.overTime() ? { h, t, x: text, w: $w, o: 1 } : { h, t, x: text, w: $w });
  }
};`;
