/**
 * Hostile rule programs: rule files written to break out of the generated code or to make a hook
 * run long. The language has no loops and the generator emits every literal as JSON, so each one
 * either fails to compile or runs as plain data in bounded time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compileRuleSet, InMemoryTables, type RuleSetRuntime } from '../../src/runtime/index.ts';
import { requestIn, runtimeFor } from './helpers.ts';

const open: RuleSetRuntime[] = [];
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

function rt(text: string, tables?: InMemoryTables): RuleSetRuntime {
  const r = runtimeFor(text, tables ? { tables } : {});
  open.push(r);
  return r;
}

describe('hostile rule programs', () => {
  /** A rule-language string literal for any text (escapes: \\ \" \n \r \t). */
  const dsl = (text: string) =>
    `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;

  it('a string literal that looks like JavaScript stays a string', () => {
    const evil = '"); globalThis.pwned = 1; ("\\';
    const r = rt(`on request INVITE { set header "X-A" = ${dsl(evil)} }`).runHook(requestIn());
    expect(r.error).toBeUndefined();
    expect(r.effects[0]).toMatchObject({ kind: 'header.set', name: 'X-A', value: evil });
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it('a header value with CR LF (header injection) is refused and the fallback applies', () => {
    const r = rt(`on request INVITE { set header "X-A" = ${dsl('a\r\nVia: SIP/2.0/UDP evil')} }`).runHook(
      requestIn(),
    );
    expect(r.error?.message).toMatch(/CR, LF or NUL/);
    expect(r.effects).toEqual([expect.objectContaining({ kind: 'reject', code: 500 })]);
  });

  it('a catastrophic regex runs in linear time on a long input', () => {
    const runtime = rt('on request INVITE { if ruri.user matches /^(a+)+$/ { reject 403 } }');
    const user = `${'a'.repeat(20_000)}!`;
    const t0 = performance.now();
    const r = runtime.runHook(requestIn({}, { ruri: { scheme: 'sip', user, host: 'x', params: {} } }));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.error).toBeUndefined();
    expect(r.effects).toEqual([]);
  });

  it('nested alternation with stars (exponential for backtracking engines) is linear too', () => {
    const runtime = rt('on request INVITE { if from.user matches /^(a|a)*(b|ab)*c$/ { stop } }');
    const user = 'a'.repeat(30_000);
    const t0 = performance.now();
    const r = runtime.runHook(
      requestIn({}, { from: { uri: { scheme: 'sip', user, host: 'x', params: {} }, params: {} } }),
    );
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(r.error).toBeUndefined();
  });

  it('repetition nested to a huge program is refused at compile time', () => {
    const r = compileRuleSet({
      'main.rules': 'on request INVITE { if ruri.user matches /((a{900}){900}){900}/ { stop } }',
    });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.diagnostics.map((d) => d.code)).toContain('E006');
  });

  it('backreferences and lookaround never reach the runtime', () => {
    for (const re of ['/(a)\\1/', '/(?=a)/', '/(?<!a)b/']) {
      const r = compileRuleSet({ 'main.rules': `on request INVITE { if ruri.user matches ${re} { stop } }` });
      expect(r.ok).toBe(false);
    }
  });

  it('prototype names as table keys, parameters and headers read nothing', () => {
    const tables = new InMemoryTables({ numbers: {}, tenants: {} });
    const runtime = rt(
      `table numbers = provisioning.numbers { zoom: bool }
       table tenants = provisioning.tenants { screening: bool }
       table inline { "a": "b" }
       on request INVITE {
         if has(tenants["__proto__"]) or has(inline["constructor"]) or has(to.params["__proto__"]) or has(header["__proto__"]) {
           reject 500
         }
         log "clean"
       }`,
      tables,
    );
    const r = runtime.runHook(requestIn());
    expect(r.error).toBeUndefined();
    expect(r.effects).toEqual([expect.objectContaining({ kind: 'log', message: 'clean' })]);
  });

  it('string growth is bounded by the expression: no loop can repeat it', () => {
    const big = 'x'.repeat(8000);
    const parts = Array(200).fill('header["X-Big"] ?? ""').join(' + ');
    const runtime = rt(`on request INVITE { log ${parts} }`);
    const t0 = performance.now();
    const r = runtime.runHook(requestIn({}, { headers: `X-Big: ${big}` }));
    expect(performance.now() - t0).toBeLessThan(1000);
    // 1.6 MB of log text is more than an effect may carry: refused, fallback applied.
    expect(r.error?.kind).toBe('invalid-result');
  });

  it('a provisioning row of the wrong type is an error at the lookup line, not a crash', () => {
    const tables = new InMemoryTables({ numbers: { '+14085551212': { zoom: 'yes' } } });
    const runtime = rt(
      `table numbers = provisioning.numbers { zoom: bool }
on request INVITE {
  let n = e164(ruri.user, country: "US") else reject 484
  let e = numbers[n] else reject 404
  if e.zoom { reject 403 }
}`,
      tables,
    );
    const r = runtime.runHook(requestIn());
    expect(r.error).toMatchObject({ kind: 'throw', at: { line: 4 } });
    expect(r.error?.message).toMatch(/not of type bool/);
    expect(r.effects[0]).toMatchObject({ kind: 'reject', code: 500 });
  });

  it('a malformed snapshot (missing fields) gives the fallback, not a host exception', () => {
    const runtime = rt('on request INVITE { set ruri.user = lower(ruri.user) }');
    const input = requestIn();
    delete (input.message as { ruri?: unknown }).ruri;
    const r = runtime.runHook(input);
    // The missing URI reads as absent, and lower() of nothing throws at the rule's line.
    expect(r.error).toMatchObject({ kind: 'throw', at: { file: 'main.rules', line: 1 } });
    expect(r.effects[0]).toMatchObject({ kind: 'reject', code: 500 });
    // Without a message at all the call cannot run: the fallback, and no rule line is blamed.
    const none = runtime.runHook({ ...requestIn(), message: undefined as never });
    expect(none.error).toMatchObject({ kind: 'throw', message: 'hook input has no message' });
    expect(none.error?.at).toBeUndefined();
    expect(none.effects[0]).toMatchObject({ kind: 'reject', code: 500 });
    expect(runtime.runHook(requestIn()).error).toBeUndefined();
  });

  it('deeply nested ifs compile and run within limits', () => {
    let body = 'stop';
    for (let i = 0; i < 30; i++) body = `if ruri.user != "${i}" { ${body} }`;
    const r = rt(`on request INVITE { ${body} }`).runHook(requestIn());
    expect(r.error).toBeUndefined();
    expect(r.trace.length).toBe(31);
  });

  it('hostile snapshot data: __proto__ keys in parameters and variables stay plain data', () => {
    const runtime = rt(
      'var t: string = "none"\non request INVITE { log (to.params["polluted"] ?? "clean") + " " + t }',
    );
    const json = JSON.stringify(requestIn())
      .replace('"to":{', '"to":{"__proto__":{"polluted":"yes"},')
      .replace('"vars":{}', '"vars":{"__proto__":{"t":"evil"}}');
    const first = runtime.runJson(requestIn(), json);
    const second = runtime.runHook(requestIn());
    expect(first.effects[0]).toMatchObject({ kind: 'log', message: 'clean none' });
    expect(second.effects[0]).toMatchObject({ kind: 'log', message: 'clean none' });
  });

  it('a message with thousands of headers is handled in bounded time; too many edits are refused', () => {
    const runtime = rt('on request INVITE { remove header /^X-/ }');
    const headers = Array.from({ length: 5000 }, (_, i) => `X-H${i}: v`).join('\n');
    const t0 = performance.now();
    const r = runtime.runHook(requestIn({}, { headers }));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.error?.message).toMatch(/more than 1000 effects/);
  });
});
