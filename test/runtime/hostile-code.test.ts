/**
 * Hostile generated-code inputs: JavaScript loaded into the rule isolate as if the compiled program
 * had been tampered with. Each case proves the host survives (no crash, no escape), the call gets a
 * result in bounded time, and the next call on the same rule set works again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HookResult } from '../../dsl/effects.ts';
import { InMemoryTables, RuleSetRuntime } from '../../src/runtime/index.ts';
import { OK_RESULT, rawProgram, rawRules, requestIn } from './helpers.ts';

const open: RuleSetRuntime[] = [];
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

function load(body: string, prologue = '', options: ConstructorParameters<typeof RuleSetRuntime>[1] = {}) {
  const errors: string[] = [];
  const rt = new RuleSetRuntime(rawRules(rawProgram(body, prologue)), {
    limits: { hookTimeoutMs: 50, watchdogMs: 100, memoryMb: 16 },
    routeTargets: ['core'],
    tables: new InMemoryTables({ numbers: { '+1': { zoom: true } } }),
    log: { error: (_o, msg) => errors.push(msg) },
    ...options,
  });
  open.push(rt);
  return { rt, errors };
}

/** Runs one call, checking it returns within `ms` and without throwing. */
function timed(rt: RuleSetRuntime, ms = 2000): HookResult {
  const t0 = performance.now();
  const r = rt.runHook(requestIn());
  expect(performance.now() - t0).toBeLessThan(ms);
  return r;
}

const FALLBACK = { kind: 'reject', code: 500 };

describe('hostile generated code is cut off and the runtime recovers', () => {
  it('an infinite loop is cut off by the watchdog, gets the fallback, and the isolate is replaced', () => {
    const { rt, errors } = load(
      `if ((typeof json === 'string' ? JSON.parse(json) : json).call.id === 'loop') for (;;) {} ${OK_RESULT}`,
    );
    // Warm: the loop then runs in optimised code, where V8 delivers termination latest (watchdog.ts).
    for (let i = 0; i < 2000; i++) rt.runHook(requestIn());
    const t0 = performance.now();
    const bad = rt.runHook(requestIn({ call: { id: 'loop', attempt: 1, trunk: 'zoom' } }));
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(bad.error?.kind).toBe('timeout');
    expect(bad.effects[0]).toMatchObject(FALLBACK);
    expect(errors[0]).toMatch(/rule timeout at unknown location: watchdog: hook ran longer than 100 ms/);
    const good = timed(rt);
    expect(good.error).toBeUndefined();
    expect(rt.restarts).toBe(1);
  });

  it('a memory bomb hits the memory limit; the isolate is rebuilt for the next call', () => {
    const { rt } = load(
      `if ((typeof json === 'string' ? JSON.parse(json) : json).call.id === 'bomb') { const a = []; for (;;) a.push(new Array(1e5).fill(a.length)); } ${OK_RESULT}`,
      '',
      { limits: { hookTimeoutMs: 5000, watchdogMs: 5000, memoryMb: 16 } },
    );
    const bad = rt.runHook(requestIn({ call: { id: 'bomb', attempt: 1, trunk: 'zoom' } }));
    expect(['memory', 'timeout']).toContain(bad.error?.kind);
    expect(bad.effects[0]).toMatchObject(FALLBACK);
    expect(timed(rt).error).toBeUndefined();
  });

  it('deep recursion throws a RangeError inside the isolate, not in the host', () => {
    const { rt } = load(`const f = (n) => f(n + 1) + 1; f(0); ${OK_RESULT}`);
    const r = timed(rt);
    expect(r.error?.kind).toBe('throw');
    expect(r.error?.message).toMatch(/call stack/i);
  });

  it('a huge string is refused by the memory or length limits', () => {
    const { rt } = load(`let s = 'x'; for (let i = 0; i < 40; i++) s += s; ${OK_RESULT}`, '', {
      limits: { hookTimeoutMs: 5000, watchdogMs: 5000, memoryMb: 16 },
    });
    const r = timed(rt, 10_000);
    expect(r.error).toBeDefined();
    expect(r.effects[0]).toMatchObject(FALLBACK);
  });

  it('an infinite loop at load time fails the load, not the process', () => {
    expect(() => load(OK_RESULT, 'for (;;) {}')).toThrow(/timed out/);
  });

  it('an endless chain of microtasks is cut off by the same time limit', () => {
    const { rt } = load(`Promise.resolve().then(function f() { Promise.resolve().then(f); }); ${OK_RESULT}`);
    expect(timed(rt).error?.kind).toBe('timeout');
  });

  it('blocking primitives and timers are not there to use', () => {
    const { rt } = load(
      "const names = ['process','require','module','setTimeout','setInterval','setImmediate','Atomics','SharedArrayBuffer','WebAssembly','fetch','Buffer'];" +
        "return JSON.stringify({ h: 0, t: [], e: [{ kind: 'log', level: 'info', at: 0, message: names.map((n) => typeof globalThis[n]).join(',') }] });",
    );
    const r = timed(rt);
    expect(r.effects[0]).toMatchObject({ kind: 'log', message: Array(11).fill('undefined').join(',') });
  });

  it('constructor.constructor reaches only the isolate: no process, no require', () => {
    const { rt } = load(
      "const g = ({}).constructor.constructor('return this')(); let p; try { p = g.constructor.constructor('return process')(); } catch (e) { p = 'blocked:' + e.name; }" +
        "return JSON.stringify({ h: 0, t: [], e: [{ kind: 'log', level: 'info', at: 0, message: String(p) + ',' + typeof g.require }] });",
    );
    expect(timed(rt).effects[0]).toMatchObject({ message: 'blocked:ReferenceError,undefined' });
  });

  it('eval and import() cannot load host modules', () => {
    const { rt } = load(
      "let out = []; try { eval('require(\"fs\")'); out.push('eval ran'); } catch (e) { out.push(e.name); }" +
        "try { import('node:fs').then(() => {}, () => {}); out.push('import queued'); } catch (e) { out.push(e.name); }" +
        "return JSON.stringify({ h: 0, t: [], e: [{ kind: 'log', level: 'info', at: 0, message: out.join(',') }] });",
    );
    const r = timed(rt);
    expect(r.effects[0]?.kind === 'log' && r.effects[0].message.startsWith('ReferenceError')).toBe(true);
    expect(typeof (globalThis as Record<string, unknown>).process).toBe('object');
  });

  it('prototype pollution stays inside the isolate, and polluted results are refused', () => {
    const { rt } = load(
      "Object.prototype.polluted = 'yes'; return JSON.stringify({ h: 0, t: [], e: [{ kind: 'var.set', name: 'x', value: JSON.parse('{\"__proto__\": {\"polluted\": 1}}'), at: 0 }] });",
    );
    const r = timed(rt);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.error?.kind).toBe('invalid-result');
  });

  it('a result that is not JSON, not a string, or a Promise counts as nonsense', () => {
    for (const body of [
      "return 'not json {';",
      'return 42;',
      'return Promise.resolve("{}");',
      'return undefined;',
    ]) {
      const { rt } = load(body);
      const r = timed(rt);
      expect(r.error).toBeDefined();
      expect(r.effects[0]).toMatchObject(FALLBACK);
    }
  });

  it('an oversized result is refused before it is parsed', () => {
    const { rt } = load("return JSON.stringify({ h: 0, t: [], e: [], pad: 'x'.repeat(2e6) });");
    expect(timed(rt).error?.message).toMatch(/larger than/);
  });

  it('header injection through CR/LF in an effect is refused', () => {
    const { rt } = load(
      "return JSON.stringify({ h: 0, t: [], e: [{ kind: 'header.set', name: 'X-A', value: 'a\\r\\nVia: evil', at: 0 }] });",
    );
    const r = timed(rt);
    expect(r.error?.message).toMatch(/CR, LF or NUL/);
    expect(r.effects).toEqual([expect.objectContaining(FALLBACK)]);
  });

  it('unknown effect kinds, bad codes, unknown routes and bad header names are refused', () => {
    const effects = [
      "{ kind: 'exec', cmd: 'rm -rf /', at: 0 }",
      "{ kind: 'reject', code: 200, at: 0 }",
      "{ kind: 'route', target: 'evil', targetKind: 'trunk', at: 0 }",
      "{ kind: 'header.set', name: 'Bad Name:', value: 'x', at: 0 }",
      "{ kind: 'header.set', name: 'X', value: 'x', at: 99 }",
      "{ kind: 'var.set', name: 'undeclared', value: 1, at: 0 }",
    ];
    for (const e of effects) {
      const { rt } = load(`return JSON.stringify({ h: 0, t: [], e: [${e}] });`);
      expect(timed(rt).error?.kind).toBe('invalid-result');
    }
  });

  it('effect templates: only the computed value comes from the isolate, and it is checked', () => {
    const at = 0;
    const effects = [
      { fixed: { kind: 'header.set', name: 'X-A', at }, computed: 'value' },
      { fixed: { kind: 'header.remove', at }, computed: 'name' },
      { fixed: { kind: 'route', target: 'core', targetKind: 'trunk', at } },
      { fixed: { kind: 'log', level: 'info', at }, computed: 'message' },
      // A template that is not valid (a tampered rule set) refuses every call that uses it.
      { fixed: { kind: 'route', target: 'evil', targetKind: 'trunk', at } },
      { fixed: { kind: 'header.replace', name: 'X-B', at }, computed: 'values' },
      { fixed: { kind: 'media', leg: 'outbound', policy: { codecs: ['PCMU'] }, at } },
    ];
    const run = (e: string) => {
      const rt = new RuleSetRuntime(
        rawRules(rawProgram(`return JSON.stringify({ h: 0, t: [], e: ${e} });`), { effects }),
        {
          routeTargets: ['core'],
        },
      );
      open.push(rt);
      return timed(rt);
    };
    const good = run('[0, "1", 1, "X-Old", 5, ["a", "b"], 2]');
    expect(good.error).toBeUndefined();
    expect(good.effects).toEqual([
      { kind: 'header.set', name: 'X-A', value: '1', at: { file: 'raw.rules', line: 7, column: 3 } },
      { kind: 'header.remove', name: 'X-Old', at: { file: 'raw.rules', line: 7, column: 3 } },
      {
        kind: 'header.replace',
        name: 'X-B',
        values: ['a', 'b'],
        at: { file: 'raw.rules', line: 7, column: 3 },
      },
      { kind: 'route', target: 'core', targetKind: 'trunk', at: { file: 'raw.rules', line: 7, column: 3 } },
    ]);
    // Each call gets its own objects: changing one result changes nothing in the next.
    const rt = new RuleSetRuntime(
      rawRules(rawProgram(`return JSON.stringify({ h: 0, t: [], e: [6] });`), { effects }),
    );
    open.push(rt);
    (timed(rt).effects[0] as { policy: { codecs: string[] } }).policy.codecs.push('PCMA');
    expect(timed(rt).effects[0]).toMatchObject({ policy: { codecs: ['PCMU'] } });
    for (const [e, why] of [
      ['[0, "a\\r\\nVia: evil"]', /CR, LF or NUL/],
      ['[1, "Bad Name:"]', /bad header name/],
      ['[3, 42]', /log message is not text/],
      ['[5, "not a list"]', /bad header values/],
      ['[0]', /effect value missing/],
      ['[9]', /unknown effect template/],
      ['[-1]', /unknown effect template/],
      ['[1.5]', /unknown effect template/],
      ['["x"]', /effect is not an object/],
      ['[4]', /unknown route target/],
    ] as const) {
      const r = run(e);
      expect(r.error?.kind, e).toBe('invalid-result');
      expect(r.error?.message, e).toMatch(why);
      expect(r.effects[0]).toMatchObject(FALLBACK);
    }
  });

  it('overriding JSON inside the isolate cannot smuggle a non-string result', () => {
    const { rt } = load(
      `JSON.stringify = () => ({ toString() { return '{}'; } }); return JSON.stringify({});`,
    );
    expect(timed(rt).error).toBeDefined();
  });

  it('the lookup host function refuses huge keys, cyclic objects and undeclared tables', () => {
    const cases = [
      "$look('numbers', 'x'.repeat(1e6))",
      "(() => { const a = {}; a.self = a; return $look('numbers', a); })()",
      "$look('secrets', '+1')",
      "$look('__proto__', '+1')",
    ];
    for (const call of cases) {
      const { rt } = load(`${call}; ${OK_RESULT}`, 'const $look = globalThis.$lookup;');
      const r = timed(rt);
      expect(r.error?.kind).toBe('throw');
      expect(r.error?.message).toMatch(/lookup:/);
    }
  });

  it('the lookup host function serves only a bounded number of lookups per call', () => {
    const { rt } = load(`for (;;) $look('numbers', '+1'); ${OK_RESULT}`, 'const $look = globalThis.$lookup;');
    const r = timed(rt);
    expect(r.error?.message).toMatch(/more than 100 lookups/);
  });

  it('a lookup row is projected to the declared schema; host objects are copied, not shared', () => {
    const tables = new InMemoryTables({ numbers: { '+1': { zoom: true, secret: 'hidden' } } });
    const { rt } = load(
      "const row = JSON.parse($look('numbers', '+1')); row.zoom = 'changed';" +
        "return JSON.stringify({ h: 0, t: [], e: [{ kind: 'log', level: 'info', at: 0, message: Object.keys(row).join(',') }] });",
      'const $look = globalThis.$lookup;',
      { tables },
    );
    expect(timed(rt).effects[0]).toMatchObject({ message: 'zoom' });
    expect(tables.get('numbers', '+1')).toEqual({ zoom: true, secret: 'hidden' });
  });

  it('an oversized provisioning row is refused before it reaches the isolate', () => {
    const tables = new InMemoryTables({ numbers: { '+1': { zoom: true } } });
    tables.set('numbers', '+2', { zoom: true, tenant: 'x'.repeat(100_000) });
    const { rt } = load(`$look('numbers', '+2'); ${OK_RESULT}`, 'const $look = globalThis.$lookup;', {
      tables,
    });
    // Only declared fields cross: 'tenant' is not in this schema, so the row is small and served.
    expect(timed(rt).error).toBeUndefined();
    const wide = new RuleSetRuntime(
      rawRules(rawProgram(`$look('numbers', '+2'); ${OK_RESULT}`, 'const $look = globalThis.$lookup;'), {
        tables: [{ name: 'numbers', provisioning: 'numbers', fields: { zoom: 'bool', tenant: 'string' } }],
      }),
      { tables },
    );
    open.push(wide);
    expect(timed(wide).error?.message).toMatch(/row larger than 65536/);
  });

  it('the lookup function is not reachable from the global object after load', () => {
    const { rt } = load(
      "return JSON.stringify({ h: 0, t: [], e: [{ kind: 'log', level: 'info', at: 0, message: typeof globalThis.$lookup }] });",
    );
    expect(timed(rt).effects[0]).toMatchObject({ message: 'undefined' });
  });

  it('a program without the entry points is refused at load', () => {
    expect(() => new RuleSetRuntime(rawRules('globalThis.x = 1;'))).toThrow(/__sbc_run/);
  });

  it('a failure in one call does not affect calls on another rule set', () => {
    const a = load(`for (;;) {}`);
    const b = load(OK_RESULT);
    expect(a.rt.runHook(requestIn()).error?.kind).toBe('timeout');
    expect(b.rt.runHook(requestIn()).error).toBeUndefined();
  });
});
