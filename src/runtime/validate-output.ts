import { type CompiledRules, type EffectTemplate, expandEffects } from '../../dsl/codegen/index.ts';
import type { Effect, RuleLocation, TraceEvent } from '../../dsl/effects.ts';
import type { RuntimeLimits } from './limits.ts';

/**
 * Checks what a hook call returned before the core sees it. Generated code only produces valid
 * results, but the runtime treats the isolate as untrusted: anything malformed — wrong kinds, header
 * values with CR/LF (header injection), codes out of range, unknown routes or variables — is
 * "nonsense" and the call gets the fallback instead.
 */
export type Checked =
  | { ok: true; handler: number; effects: Effect[]; hits: number[] }
  | {
      ok: false;
      message: string;
      handler: number;
      hits: number[];
      /** The rule threw; `overTime` when what it threw was the hook time limit (lib-clock.ts). */
      thrown?: { message: string; at: number; overTime: boolean };
    };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
const SAFE_TEXT = /^[^\r\n\0]*$/;
const LEVELS = new Set(['debug', 'info', 'warn', 'error']);
const FIELD_ROOTS = new Set(['ruri', 'from', 'to', 'pai', 'ppi', 'contact', 'response']);
const MEDIA_KEYS = new Set([
  'codecs',
  'strip',
  'srtp',
  'ptimeMs',
  'maxptimeMs',
  'dtmf',
  'transcode',
  'ringback',
  'comfortNoise',
]);

class Nonsense extends Error {}

/** An effect template checked once (OutputChecker.prepare). */
interface Prepared {
  /** The checked effect, with a stand-in where the computed value goes. */
  base?: Effect;
  /** The check of the computed value. */
  check?: (v: unknown) => unknown;
  /** Why the template is refused (a call that uses it gets the fallback). */
  error?: string;
}

/** A fresh copy of a checked effect: callers own their effects, so nothing is shared between calls
 * but the rule locations, which are shared anyway. */
function copyEffect(base: Effect): Effect {
  const e = { ...base } as Record<string, unknown>;
  for (const k in e) if (k !== 'at' && typeof e[k] === 'object' && e[k] !== null) e[k] = copyData(e[k]);
  return e as unknown as Effect;
}

function copyData(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(copyData);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = copyData((v as Record<string, unknown>)[k]);
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);

export class OutputChecker {
  private readonly rules: CompiledRules;
  private readonly limits: RuntimeLimits;
  private readonly targets: Set<string>;
  /** Each effect template, checked once (prepare). */
  private readonly prepared: Prepared[];

  constructor(rules: CompiledRules, limits: RuntimeLimits, targets: Iterable<string>) {
    this.rules = rules;
    this.limits = limits;
    this.targets = new Set(targets);
    this.prepared = (rules.effects ?? []).map((t) => this.prepare(t));
  }

  check(json: unknown): Checked {
    let handler = -1;
    let hits: number[] = [];
    try {
      if (typeof json !== 'string') throw new Nonsense('result is not a string');
      if (json.length > this.limits.maxResultChars)
        throw new Nonsense(`result larger than ${this.limits.maxResultChars} characters`);
      const out: unknown = JSON.parse(json);
      if (!isObj(out)) throw new Nonsense('result is not an object');
      if (!isInt(out.h) || out.h < -1 || out.h >= this.rules.handlers.length)
        throw new Nonsense('bad handler index');
      handler = out.h;
      hits = this.hits(out.t);
      if (out.x !== undefined) {
        const at = isInt(out.w) ? out.w : -1;
        return {
          ok: false,
          message: String(out.x).slice(0, 300),
          handler,
          hits,
          thrown: { message: String(out.x).slice(0, 300), at, overTime: out.o === 1 },
        };
      }
      // Template indexes and computed values, or effects written out in full (effect-templates.ts).
      const expanded = expandEffects(
        this.rules.effects ?? [],
        out.e,
        this.limits.maxEffects,
        (fixed, key, value, index) => this.fromTemplate(fixed, key, value, index),
      );
      if (!expanded.ok) throw new Nonsense(expanded.message);
      return { ok: true, handler, effects: expanded.effects, hits };
    } catch (e) {
      if (e instanceof Nonsense || e instanceof SyntaxError)
        return { ok: false, message: `invalid result: ${e.message}`, handler, hits };
      throw e;
    }
  }

  location(index: number): RuleLocation | undefined {
    return index >= 0 ? this.rules.locations[index] : undefined;
  }

  trace(hits: number[]): TraceEvent[] {
    return hits.map((id) => {
      const p = this.rules.points[id]!;
      return { kind: p.kind, at: p.at, label: p.label };
    });
  }

  private hits(t: unknown): number[] {
    if (!Array.isArray(t) || t.length > 10_000) throw new Nonsense('bad trace');
    for (const id of t)
      if (!isInt(id) || id < 0 || id >= this.rules.points.length) throw new Nonsense('bad trace point');
    return t as number[];
  }

  private text(v: unknown, what: string): string {
    if (typeof v !== 'string') throw new Nonsense(`${what} is not text`);
    if (v.length > this.limits.maxValueChars)
      throw new Nonsense(`${what} longer than ${this.limits.maxValueChars}`);
    if (!SAFE_TEXT.test(v)) throw new Nonsense(`${what} contains CR, LF or NUL`);
    return v;
  }

  private name(v: unknown): string {
    if (typeof v !== 'string' || !TOKEN.test(v)) throw new Nonsense('bad header name');
    return v;
  }

  private effect(raw: unknown): Effect {
    if (!isObj(raw)) throw new Nonsense('effect is not an object');
    const at = isInt(raw.at) ? this.rules.locations[raw.at] : undefined;
    if (at === undefined) throw new Nonsense('effect without a rule location');
    switch (raw.kind) {
      case 'header.set': {
        const name = this.name(raw.name);
        const value = this.text(raw.value, 'header value');
        return raw.param === undefined
          ? { kind: 'header.set', name, value, at }
          : { kind: 'header.set', name, value, param: this.name(raw.param), at };
      }
      case 'header.add':
      case 'header.default':
        return { kind: raw.kind, name: this.name(raw.name), value: this.text(raw.value, 'header value'), at };
      case 'header.remove': {
        const name = this.name(raw.name);
        return raw.param === undefined
          ? { kind: 'header.remove', name, at }
          : { kind: 'header.remove', name, param: this.name(raw.param), at };
      }
      case 'header.replace':
        if (!Array.isArray(raw.values) || raw.values.length > 100) throw new Nonsense('bad header values');
        return {
          kind: 'header.replace',
          name: this.name(raw.name),
          values: raw.values.map((v) => this.text(v, 'header value')),
          at,
        };
      case 'field.set':
        return { kind: 'field.set', field: this.field(raw.field), value: this.fieldValue(raw.value), at };
      case 'field.remove':
        return { kind: 'field.remove', field: this.field(raw.field), at };
      case 'reject':
      case 'reply': {
        const kind = raw.kind;
        const lo = kind === 'reject' ? 300 : 200;
        if (!isInt(raw.code) || raw.code < lo || raw.code > 699) throw new Nonsense(`bad ${kind} code`);
        return raw.reason === undefined
          ? { kind, code: raw.code, at }
          : { kind, code: raw.code, reason: this.text(raw.reason, 'reason'), at };
      }
      case 'route': {
        const { target, targetKind } = raw;
        if (typeof target !== 'string' || !this.targets.has(target))
          throw new Nonsense('unknown route target');
        if (targetKind !== 'trunk' && targetKind !== 'group') throw new Nonsense('bad route kind');
        return raw.failover === undefined
          ? { kind: 'route', target, targetKind, at }
          : { kind: 'route', target, targetKind, failover: this.plain(raw.failover) as never, at };
      }
      case 'media': {
        if (raw.leg !== 'inbound' && raw.leg !== 'outbound') throw new Nonsense('bad media leg');
        if (!isObj(raw.policy) || Object.keys(raw.policy).some((k) => !MEDIA_KEYS.has(k)))
          throw new Nonsense('bad media policy');
        return { kind: 'media', leg: raw.leg, policy: this.plain(raw.policy) as never, at };
      }
      case 'var.set':
        if (typeof raw.name !== 'string' || !Object.hasOwn(this.rules.vars, raw.name))
          throw new Nonsense('unknown variable');
        return { kind: 'var.set', name: raw.name, value: this.plain(raw.value) as never, at };
      case 'log':
        if (typeof raw.level !== 'string' || !LEVELS.has(raw.level)) throw new Nonsense('bad log level');
        return {
          kind: 'log',
          level: raw.level as 'info',
          message: this.text(raw.message, 'log message'),
          at,
        };
      case 'count':
        if (typeof raw.counter !== 'string' || raw.counter.length > 128) throw new Nonsense('bad counter');
        return { kind: 'count', counter: raw.counter, at };
      default:
        throw new Nonsense(`unknown effect kind ${JSON.stringify(String(raw.kind).slice(0, 40))}`);
    }
  }

  /**
   * An effect of the program's list. A whole effect is checked field by field; a template's fixed
   * part was checked when the rule set was loaded, so only its computed value is checked here, and
   * the effect is a copy of the checked template with that value in place.
   */
  private fromTemplate(
    fixed: Record<string, unknown>,
    key?: string,
    value?: unknown,
    index?: number,
  ): Effect {
    const p = index === undefined ? undefined : this.prepared[index];
    if (p === undefined) return this.effect(fixed);
    if (p.error !== undefined) throw new Nonsense(p.error);
    if (p.base === undefined) {
      // A computed value without a check of its own: laid over the template, the whole is checked.
      const raw = Object.create(fixed) as Record<string, unknown>;
      if (key !== undefined) raw[key] = value;
      return this.effect(raw);
    }
    const e = copyEffect(p.base);
    if (key !== undefined) {
      if (p.check === undefined) throw new Nonsense('effect value not expected');
      (e as unknown as Record<string, unknown>)[key] = p.check(value);
    }
    return e;
  }

  /** A template checked once: its effect (with a stand-in for the computed value), or why it is refused. */
  private prepare(t: EffectTemplate): Prepared {
    try {
      if (t.computed === undefined) return { base: this.effect(t.fixed) };
      const check = this.computedCheck(String(t.fixed.kind), t.computed);
      if (check === undefined) return {};
      const raw = Object.create(t.fixed) as Record<string, unknown>;
      raw[t.computed] = t.computed === 'values' ? ['x'] : 'x';
      return { base: this.effect(raw), check };
    } catch (e) {
      if (e instanceof Nonsense) return { error: e.message };
      throw e;
    }
  }

  /** The check effect() makes of the field `key` of an effect of this kind, alone. */
  private computedCheck(kind: string, key: string): ((v: unknown) => unknown) | undefined {
    switch (`${kind}:${key}`) {
      case 'header.set:value':
      case 'header.add:value':
      case 'header.default:value':
        return (v) => this.text(v, 'header value');
      case 'header.remove:name':
        return (v) => this.name(v);
      case 'header.replace:values':
        return (v) => {
          if (!Array.isArray(v) || v.length > 100) throw new Nonsense('bad header values');
          return v.map((x) => this.text(x, 'header value'));
        };
      case 'field.set:value':
        return (v) => this.fieldValue(v);
      case 'var.set:value':
        return (v) => this.plain(v);
      case 'log:message':
        return (v) => this.text(v, 'log message');
      case 'reject:reason':
      case 'reply:reason':
        return (v) => this.text(v, 'reason');
      default:
        return undefined;
    }
  }

  private field(v: unknown): string[] {
    if (!Array.isArray(v) || v.length < 1 || v.length > 4 || !FIELD_ROOTS.has(v[0]))
      throw new Nonsense('bad field');
    return v.map((p) => this.text(p, 'field name'));
  }

  private fieldValue(v: unknown): string | number {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string') return this.text(v, 'field value');
    if (isObj(v)) return this.plain(v) as never;
    throw new Nonsense('bad field value');
  }

  /** JSON data of bounded size with safe text, for values the core interprets by type. */
  private plain(v: unknown, depth = 0): unknown {
    if (depth > 6) throw new Nonsense('value nested too deep');
    if (typeof v === 'string') return this.text(v, 'value');
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
    if (Array.isArray(v)) {
      if (v.length > 100) throw new Nonsense('list too long');
      return v.map((x) => this.plain(x, depth + 1));
    }
    if (isObj(v)) {
      const keys = Object.keys(v);
      if (keys.length > 100) throw new Nonsense('record too large');
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        if (k === '__proto__' || k === 'constructor' || k === 'prototype')
          throw new Nonsense('forbidden key');
        out[this.text(k, 'key')] = this.plain(v[k], depth + 1);
      }
      return out;
    }
    throw new Nonsense('value is not data');
  }
}
