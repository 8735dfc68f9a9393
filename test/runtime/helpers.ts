import type { CompiledRules } from '../../dsl/codegen/index.ts';
import type { HookInput, MessageSnapshot } from '../../dsl/effects.ts';
import { compileRuleSet, RuleSetRuntime, type RuntimeOptions } from '../../src/runtime/index.ts';

/** Test helpers: rule sets from text or from raw (hostile) JavaScript, and hook inputs. */
export function compiled(text: string): { rules: CompiledRules; routeTargets: string[] } {
  const r = compileRuleSet({ 'main.rules': text });
  if (!r.ok) throw new Error(`rule set does not compile: ${JSON.stringify(r.diagnostics)}`);
  return { rules: r.rules, routeTargets: r.routeTargets };
}

export function runtimeFor(text: string, options: RuntimeOptions = {}): RuleSetRuntime {
  const c = compiled(text);
  return new RuleSetRuntime(c.rules, { routeTargets: c.routeTargets, ...options });
}

/** A CompiledRules around arbitrary JavaScript, as if the generated code had been tampered with. */
export function rawRules(source: string, extra: Partial<CompiledRules> = {}): CompiledRules {
  return {
    codegenVersion: 3,
    ruleset: 'raw',
    files: ['raw.rules'],
    source,
    locations: [{ file: 'raw.rules', line: 7, column: 3 }],
    effects: [],
    lineMap: [],
    points: [],
    handlers: [
      {
        id: 'h0',
        hook: { kind: 'request', methods: ['INVITE'], direction: 'in', inDialog: false },
        at: { file: 'raw.rules', line: 1, column: 1 },
      },
    ],
    tables: [{ name: 'numbers', provisioning: 'numbers', fields: { zoom: 'bool' } }],
    vars: {},
    trunks: [],
    ...extra,
  };
}

/** JavaScript for a program whose hook body is `body` (it may return a result string itself). */
export function rawProgram(body: string, prologue = ''): string {
  return `${prologue}
globalThis.__sbc_where = function () { return 0; };
globalThis.__sbc_run = function (json) { ${body} };`;
}

export const OK_RESULT = 'return JSON.stringify({ h: 0, e: [], t: [] });';

const uri = (user: string, host: string) => ({ scheme: 'sip', user, host, params: {} });

export function invite(over: Partial<MessageSnapshot> = {}): MessageSnapshot {
  return {
    kind: 'request',
    method: 'INVITE',
    uri: 'sip:+14085551212@203.0.113.10',
    ruri: uri('+14085551212', '203.0.113.10'),
    from: { display: 'amiller', uri: uri('+14085551213', 'zoom.us'), params: { tag: 'a1' } },
    to: { uri: uri('+14085551212', '203.0.113.10'), params: {} },
    headers: [
      'Via: SIP/2.0/TLS 162.12.233.59:5061;branch=z9hG4bK1',
      'X-Zoom-Trace: abc',
      'Diversion: <sip:+1@a>;reason=unconditional, <sip:+2@b>;reason=busy',
    ].join('\n'),
    hasSdp: true,
    ...over,
  };
}

export function requestIn(over: Partial<HookInput> = {}, message: Partial<MessageSnapshot> = {}): HookInput {
  return {
    hook: 'request',
    direction: 'in',
    inDialog: false,
    message: invite(message),
    source: { ip: '162.12.233.59', port: 5061, transport: 'tls', trunk: 'zoom' },
    call: { id: 'call-1', attempt: 1, trunk: 'zoom' },
    vars: {},
    ...over,
  };
}
