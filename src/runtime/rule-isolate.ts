import ivm from 'isolated-vm';
import type { TableInfo } from '../../dsl/codegen/index.ts';
import type { RuntimeLimits } from './limits.ts';
import type { TableSource } from './table-source.ts';
import { IsolateWatchdog } from './watchdog.ts';

/**
 * One isolate holding one compiled rule set: created when the version is loaded, the program
 * compiled and run once, then every hook call is a single synchronous `applySync` of the entry
 * function with a JSON string in and a JSON string out (docs/runtime.md "Why JSON strings").
 * The only thing the isolate can call is `$lookup`, a synchronous read-only table lookup.
 */
export type CallOutcome =
  | { ok: true; json: unknown }
  | { ok: false; kind: 'timeout' | 'memory' | 'throw' | 'disposed'; message: string; where: number };

const KEY_MAX = 256;
/** A provisioning row is a handful of short fields; anything larger is a data error, not a row. */
const ROW_MAX = 65_536;
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export class RuleIsolate {
  private readonly isolate: ivm.Isolate;
  private readonly context: ivm.Context;
  private readonly run: ivm.Reference<(input: string | object, budgetMs: number) => string>;
  private readonly limits: RuntimeLimits;
  private readonly watchdog: IsolateWatchdog | undefined;
  private lookupsLeft = 0;

  constructor(source: string, tables: TableInfo[], data: TableSource, limits: RuntimeLimits) {
    this.limits = limits;
    this.isolate = new ivm.Isolate({ memoryLimit: Math.max(8, limits.memoryMb) });
    try {
      this.context = this.isolate.createContextSync();
      const provisioning = new Map<string, TableInfo>();
      for (const t of tables) if (t.provisioning !== undefined) provisioning.set(t.provisioning, t);
      const lookup = (table: unknown, key: unknown): string | undefined => {
        // Arguments come from untrusted code: only short strings of declared tables are served.
        if (typeof table !== 'string' || !TABLE_NAME.test(table)) throw new Error('lookup: bad table name');
        const info = provisioning.get(table);
        if (info === undefined) throw new Error('lookup: table not declared');
        if (typeof key !== 'string' || key.length > KEY_MAX)
          throw new Error('lookup: key must be text of at most 256 characters');
        if (--this.lookupsLeft < 0)
          throw new Error(`lookup: more than ${this.limits.maxLookups} lookups in one call`);
        const row = data.get(table, key);
        if (row === undefined) return undefined;
        const json = JSON.stringify(projectRow(row, info.fields ?? {}));
        if (json.length > ROW_MAX) throw new Error(`lookup: row larger than ${ROW_MAX} characters`);
        return json;
      };
      // Rules need none of these; removing them leaves hostile code fewer ways to block or grow.
      this.context.evalSync(
        'delete globalThis.WebAssembly; delete globalThis.SharedArrayBuffer; delete globalThis.Atomics;',
      );
      this.context.global.setSync('$lookup', new ivm.Callback(lookup));
      const script = this.isolate.compileScriptSync(source, { filename: 'rules.js' });
      script.runSync(this.context, {
        timeout: Math.max(limits.hookTimeoutMs, limits.watchdogMs, 1000),
      });
      script.release();
      this.context.global.deleteSync('$lookup');
      this.run = this.context.global.getSync('__sbc_run', { reference: true });
      if (this.run.typeof !== 'function') throw new Error('the program does not define __sbc_run');
      this.watchdog =
        limits.watchdogMs > 0 ? new IsolateWatchdog(this.isolate, limits.watchdogMs) : undefined;
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  get disposed(): boolean {
    return this.isolate.isDisposed;
  }

  /**
   * One hook call. The input is JSON text, or a plain object that isolated-vm copies in (structured
   * clone: data only, no code runs). The result is always JSON text made inside the call, so nothing
   * of the rule's runs after the time limit is lifted.
   */
  call(input: string | object): CallOutcome {
    if (this.isolate.isDisposed)
      return { ok: false, kind: 'disposed', message: 'isolate is disposed', where: -1 };
    this.lookupsLeft = this.limits.maxLookups;
    const watchdog = this.watchdog;
    const seq = watchdog?.arm() ?? 0;
    try {
      // The program keeps hookTimeoutMs itself (lib-clock.ts); the watchdog is the backstop.
      const budget = this.limits.hookTimeoutMs;
      const json =
        typeof input === 'string'
          ? this.run.applySync(undefined, [input, budget])
          : this.run.applySync(undefined, [input as never, budget], { arguments: { copy: true } });
      watchdog?.disarm();
      return { ok: true, json };
    } catch (e) {
      watchdog?.disarm();
      const message = e instanceof Error ? e.message : String(e);
      if (watchdog?.fired(seq)) {
        this.dispose();
        const limit = this.limits.watchdogMs;
        return {
          ok: false,
          kind: 'timeout',
          message: `watchdog: hook ran longer than ${limit} ms`,
          where: -1,
        };
      }
      if (this.isolate.isDisposed) {
        const kind = /memory limit/i.test(message) ? 'memory' : 'disposed';
        return { ok: false, kind, message, where: -1 };
      }
      // Generated code catches its own errors (and reports where), the time limit included; what
      // escapes is a failure before the call ran (an input that cannot be copied).
      return { ok: false, kind: 'throw', message, where: -1 };
    }
  }

  heapUsed(): number {
    return this.isolate.isDisposed ? 0 : this.isolate.getHeapStatisticsSync().used_heap_size;
  }

  dispose(): void {
    this.watchdog?.stop();
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}

/**
 * A provisioning row as the rule's schema declares it: only declared fields, with their declared
 * types, so a rule never sees data of a type it was not checked against. A wrong type is an error.
 */
export function projectRow(
  row: Record<string, unknown>,
  fields: Record<string, string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(fields)) {
    const v = Object.hasOwn(row, name) ? row[name] : undefined;
    const optional = type.endsWith('?');
    const base = optional ? type.slice(0, -1) : type;
    if (v === undefined || v === null) {
      if (!optional) throw new Error(`lookup: row has no value for '${name}'`);
      continue;
    }
    const ok =
      base === 'bool'
        ? typeof v === 'boolean'
        : base === 'int' || base === 'duration'
          ? Number.isInteger(v)
          : typeof v === 'string';
    if (!ok) throw new Error(`lookup: field '${name}' is not of type ${base}`);
    out[name] = v;
  }
  return out;
}
