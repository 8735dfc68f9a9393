/** The rules runtime with real isolates: effects, variables, lookups, fallback policy and lifecycle. */
import { afterEach, describe, expect, it } from 'vitest';
import { fallbackFor, InMemoryTables, projectRow, type RuleSetRuntime } from '../../src/runtime/index.ts';
import { requestIn, runtimeFor } from './helpers.ts';

const open: RuleSetRuntime[] = [];
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

function rt(text: string, options: Parameters<typeof runtimeFor>[1] = {}) {
  const r = runtimeFor(text, options);
  open.push(r);
  return r;
}

const ZOOM = `trunk zoom { peers ["162.12.233.59:5061"] }
trunk core { peers ["10.0.0.10"] }
table numbers = provisioning.numbers { zoom: bool, tenant: string? }
var tenant: string = "none"
var attempts: int = 0
on request INVITE from zoom {
  let n = e164(ruri.user, country: "US") else reject 484
  let e = numbers[n] else reject 404 "Number not provisioned"
  if not e.zoom { reject 403 }
  set tenant = e.tenant ?? "unknown"
  set attempts = attempts + 1
  route core
}
on response 180 { log tenant }`;

describe('RuleSetRuntime', () => {
  it('returns effects with rule locations, the handler id and the trace', () => {
    const tables = new InMemoryTables({ numbers: { '+14085551212': { zoom: true, tenant: 'acme' } } });
    const r = rt(ZOOM, { tables }).runHook(requestIn());
    expect(r.error).toBeUndefined();
    expect(r.handler).toBe('h0');
    expect(r.effects).toEqual([
      { kind: 'var.set', name: 'tenant', value: 'acme', at: { file: 'main.rules', line: 10, column: 3 } },
      { kind: 'var.set', name: 'attempts', value: 1, at: { file: 'main.rules', line: 11, column: 3 } },
      { kind: 'route', target: 'core', targetKind: 'trunk', at: { file: 'main.rules', line: 12, column: 3 } },
    ]);
    expect(r.trace.map((t) => `${t.at.line}:${t.kind}`)).toEqual([
      '6:handler',
      '7:no-else',
      '8:no-else',
      '9:no-branch',
    ]);
  });

  it('keeps no state between calls: variables come in with the call and go out as effects', () => {
    const tables = new InMemoryTables({ numbers: { '+14085551212': { zoom: true } } });
    const runtime = rt(ZOOM, { tables });
    const first = runtime.runHook(requestIn());
    expect(first.effects[1]).toMatchObject({ name: 'attempts', value: 1 });
    expect(runtime.runHook(requestIn()).effects[1]).toMatchObject({ name: 'attempts', value: 1 });
    expect(runtime.runHook(requestIn({ vars: { attempts: 4 } })).effects[1]).toMatchObject({ value: 5 });
    const ringing = runtime.runHook(
      requestIn({ hook: 'response', vars: { tenant: 'acme' } }, { kind: 'response', status: 180 }),
    );
    expect(ringing.effects[0]).toMatchObject({ kind: 'log', message: 'acme' });
  });

  it('passes absent and disabled numbers to the right rejections', () => {
    const tables = new InMemoryTables({ numbers: { '+14085551212': { zoom: false } } });
    const runtime = rt(ZOOM, { tables });
    expect(runtime.runHook(requestIn()).effects[0]).toMatchObject({ kind: 'reject', code: 403 });
    const other = requestIn({}, { ruri: { scheme: 'sip', user: '4085550000', host: 'x', params: {} } });
    expect(runtime.runHook(other).effects[0]).toMatchObject({
      kind: 'reject',
      code: 404,
      reason: 'Number not provisioned',
    });
  });

  it('gives the same result for a copied snapshot and for its JSON text', () => {
    const tables = new InMemoryTables({ numbers: { '+14085551212': { zoom: true, tenant: 'acme' } } });
    const runtime = rt(ZOOM, { tables });
    const input = requestIn();
    expect(runtime.runJson(input, JSON.stringify(input))).toEqual(runtime.runHook(input));
  });

  it('refuses an input that cannot be copied (a function) with the fallback, not an exception', () => {
    const runtime = rt(ZOOM);
    runtime.runHook(requestIn());
    const r = runtime.runHook(requestIn({ vars: { tenant: (() => 'x') as never } }));
    expect(r.error).toBeDefined();
    // The call never ran, so no rule line is blamed (not the previous call's last line either).
    expect(r.error?.at).toBeUndefined();
    expect(r.effects[0]).toMatchObject({ kind: 'reject', code: 500 });
  });

  it('gives no effects when no handler matches', () => {
    const r = rt(ZOOM).runHook(requestIn({}, { method: 'OPTIONS' }));
    expect(r).toMatchObject({ handler: '', effects: [], trace: [] });
  });

  it('logs rule errors with the rule line and applies the fallback', () => {
    const logged: { obj: Record<string, unknown>; msg: string }[] = [];
    const tables = new InMemoryTables({ numbers: { '+14085551212': { zoom: 'yes' } } });
    const runtime = rt(ZOOM, { tables, log: { error: (obj, msg) => logged.push({ obj, msg }) } });
    const r = runtime.runHook(requestIn());
    expect(r.error).toMatchObject({ kind: 'throw', at: { file: 'main.rules', line: 8 } });
    expect(r.effects).toEqual([
      {
        kind: 'reject',
        code: 500,
        reason: 'Server Internal Error',
        headers: [['Reason', 'SIP;cause=500;text="rule throw at main.rules:8"']],
        at: { file: 'main.rules', line: 8, column: 3 },
      },
    ]);
    expect(logged[0]?.msg).toMatch(
      /^rule throw at main\.rules:8:3: lookup: field 'zoom' is not of type bool/,
    );
    expect(logged[0]?.obj).toMatchObject({ ruleset: 'main', hook: 'request', callId: 'call-1' });
  });

  it('uses the configured limits and fallback', () => {
    const runtime = rt('on request INVITE { stop }', { limits: { hookTimeoutMs: 7, memoryMb: 12 } });
    expect(runtime.limits).toMatchObject({ hookTimeoutMs: 7, memoryMb: 12, maxEffects: 1000 });
    expect(runtime.heapUsed()).toBeGreaterThan(0);
  });

  it('refuses calls after close with the fallback', () => {
    const runtime = rt('on request INVITE { stop }');
    runtime.close();
    expect(runtime.runHook(requestIn()).error?.kind).toBe('no-isolate');
  });
});

describe('fallback policy', () => {
  const err = { kind: 'timeout' as const, message: 'x', at: { file: 'a.rules', line: 3, column: 1 } };
  it('rejects initial inbound requests and passes everything else through', () => {
    expect(fallbackFor(requestIn(), err)[0]).toMatchObject({ kind: 'reject', code: 500 });
    expect(fallbackFor(requestIn({ direction: 'out' }), err)).toEqual([]);
    expect(fallbackFor(requestIn({ inDialog: true }), err)).toEqual([]);
    expect(fallbackFor(requestIn({ hook: 'response' }), err)).toEqual([]);
    expect(fallbackFor(requestIn({ hook: 'failure' }), err)).toEqual([]);
  });

  it('is configurable: code, reason, header and pass-through', () => {
    const policy = { code: 503, reason: 'Rules Unavailable', reasonHeader: false, passThrough: false };
    expect(fallbackFor(requestIn(), err, policy)).toEqual([
      { kind: 'reject', code: 503, reason: 'Rules Unavailable', at: err.at },
    ]);
    expect(fallbackFor(requestIn({ inDialog: true }, { method: 'INFO' }), err, policy)[0]).toMatchObject({
      code: 503,
    });
    // A response cannot be rejected, and an ACK gets no answer: those pass through regardless.
    expect(fallbackFor(requestIn({ hook: 'response' }), err, policy)).toEqual([]);
    expect(fallbackFor(requestIn({ inDialog: true }, { method: 'ACK' }), err, policy)).toEqual([]);
  });
});

describe('provisioning rows', () => {
  it('are projected to the declared fields and types', () => {
    expect(projectRow({ zoom: true, extra: 1 }, { zoom: 'bool', tenant: 'string?' })).toEqual({ zoom: true });
    expect(() => projectRow({}, { zoom: 'bool' })).toThrow(/no value for 'zoom'/);
    expect(() => projectRow({ n: 1.5 }, { n: 'int' })).toThrow(/not of type int/);
  });
});
