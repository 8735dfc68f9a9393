import type { CompiledRules } from '../../dsl/codegen/index.ts';
import type { Effect, HookInput, HookResult, RuleError, RuleLocation } from '../../dsl/effects.ts';
import { type FallbackPolicy, fallbackFor } from './fallback.ts';
import { inputPayload } from './input.ts';
import { DEFAULT_LIMITS, type RuntimeLimits } from './limits.ts';
import { type CallOutcome, RuleIsolate } from './rule-isolate.ts';
import { NO_TABLES, type TableSource } from './table-source.ts';
import { OutputChecker } from './validate-output.ts';

/** Where rule errors are reported (pino's logger fits). */
export interface RuntimeLog {
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface RuntimeOptions {
  limits?: Partial<RuntimeLimits>;
  tables?: TableSource;
  fallback?: Partial<FallbackPolicy>;
  log?: RuntimeLog;
  /** Names of the trunks and groups the rule set may route to (defaults to none: routes are refused). */
  routeTargets?: Iterable<string>;
}

/**
 * One loaded rule-set version: its isolate, limits and fallback. `runHook` never throws: whatever
 * the rule does (throws, runs too long, exhausts memory, returns nonsense) the call gets a result,
 * with `error` set and the fallback as effects, and an error is logged with the rule line. A dead
 * or timed-out isolate is replaced before the next call; other calls never see the failure.
 */
export class RuleSetRuntime {
  readonly rules: CompiledRules;
  readonly limits: RuntimeLimits;
  private readonly tables: TableSource;
  private readonly policy: Partial<FallbackPolicy>;
  private readonly log: RuntimeLog | undefined;
  private readonly checker: OutputChecker;
  private isolate: RuleIsolate | undefined;
  private closed = false;
  /** How many times the isolate was replaced after a failure (for metrics and tests). */
  restarts = 0;

  constructor(rules: CompiledRules, options: RuntimeOptions = {}) {
    this.rules = rules;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.tables = options.tables ?? NO_TABLES;
    this.policy = options.fallback ?? {};
    this.log = options.log;
    this.checker = new OutputChecker(rules, this.limits, options.routeTargets ?? []);
    // Created eagerly: a program that cannot even load fails when the version is loaded, not on a call.
    this.isolate = this.createIsolate();
  }

  private createIsolate(): RuleIsolate {
    return new RuleIsolate(this.rules.source, this.rules.tables, this.tables, this.limits);
  }

  /**
   * One hook call. Only the parts of the snapshot the program reads cross into the isolate, as JSON
   * text (input.ts; docs/runtime.md "Crossing into the isolate").
   */
  runHook(input: HookInput): HookResult {
    let payload: HookInput | string;
    try {
      payload = inputPayload(input, this.rules.reads);
    } catch (e) {
      // Not data (a function in the snapshot): the call cannot run, and no rule line is to blame.
      return this.fail(input, { kind: 'throw', message: String(e instanceof Error ? e.message : e) }, -1, []);
    }
    return this.runWith(input, payload);
  }

  /** The same call with the whole input already serialised as JSON text (nothing is left out). */
  runJson(input: HookInput, json: string): HookResult {
    return this.runWith(input, json);
  }

  private runWith(input: HookInput, payload: HookInput | string): HookResult {
    if (this.closed) return this.fail(input, { kind: 'no-isolate', message: 'rule set is closed' }, -1, []);
    let iso = this.isolate;
    if (iso === undefined || iso.disposed) {
      try {
        iso = this.isolate = this.createIsolate();
        this.restarts++;
      } catch (e) {
        this.isolate = undefined;
        return this.fail(
          input,
          { kind: 'no-isolate', message: `cannot start the rule isolate: ${String(e)}` },
          -1,
          [],
        );
      }
    }
    // A snapshot isolated-vm cannot copy (a function in it) fails here too, as a 'throw'.
    const outcome: CallOutcome = iso.call(payload);
    if (!outcome.ok) {
      // Stopped by the preemptive timer: the isolate is alive but its program state is suspect (it
      // was cut off at any instruction), so it is replaced too.
      if (outcome.kind !== 'throw') {
        iso.dispose();
        this.isolate = undefined;
      }
      const kind = outcome.kind === 'disposed' ? 'memory' : outcome.kind;
      return this.fail(input, { kind, message: outcome.message, ...this.at(outcome.where) }, -1, []);
    }
    const checked = this.checker.check(outcome.json);
    if (!checked.ok) {
      const error: RuleError = checked.thrown
        ? {
            // The program stopped itself at its time limit; its isolate is sound and stays.
            kind: checked.thrown.overTime ? 'timeout' : 'throw',
            message: checked.thrown.message,
            ...this.at(checked.thrown.at),
          }
        : { kind: 'invalid-result', message: checked.message };
      return this.fail(input, error, checked.handler, checked.hits);
    }
    return {
      handler: this.handlerId(checked.handler),
      effects: checked.effects,
      trace: this.checker.trace(checked.hits),
      hits: checked.hits,
    };
  }

  private at(where: number): { at?: RuleLocation } {
    const at = this.checker.location(where);
    return at === undefined ? {} : { at };
  }

  private handlerId(index: number): string {
    return index >= 0 ? (this.rules.handlers[index]?.id ?? '') : '';
  }

  private fail(input: HookInput, error: RuleError, handler: number, hits: number[]): HookResult {
    const effects: Effect[] = fallbackFor(input, error, this.policy);
    const where = error.at ? `${error.at.file}:${error.at.line}:${error.at.column}` : 'unknown location';
    this.log?.error(
      { ruleset: this.rules.ruleset, hook: input.hook, callId: input.call?.id, error },
      `rule ${error.kind} at ${where}: ${error.message}`,
    );
    return { handler: this.handlerId(handler), effects, trace: this.checker.trace(hits), hits, error };
  }

  heapUsed(): number {
    return this.isolate?.heapUsed() ?? 0;
  }

  /** Disposes the isolate; later calls get the fallback. */
  close(): void {
    this.closed = true;
    this.isolate?.dispose();
    this.isolate = undefined;
  }
}
