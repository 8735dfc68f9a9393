/**
 * The code generator on its own (no isolate): generated programs run in-process on hand-made
 * snapshots, and their effects, locations, trace points and line map are checked.
 */
import { describe, expect, it } from 'vitest';
import {
  type CompiledRules,
  expandEffects,
  generate,
  instantiate,
  prelude,
  type RunOutput,
} from '../../../dsl/codegen/index.ts';
import { PLANS, toE164 } from '../../../dsl/e164.ts';
import type { HookInput } from '../../../dsl/effects.ts';
import { compile } from '../../../dsl/index.ts';
import { requestIn } from '../../runtime/helpers.ts';

function gen(text: string): CompiledRules {
  const r = compile({ 'main.rules': text });
  if (!r.ir) throw new Error(JSON.stringify(r.diagnostics));
  const g = generate(r.ir);
  if (!g.ok) throw new Error(JSON.stringify(g.diagnostics));
  return g.compiled;
}

/** A program's output with its effects expanded from their templates (effect-templates.ts). */
type Expanded = Omit<RunOutput, 'e'> & { e?: Record<string, unknown>[] };

function run(rules: CompiledRules, input: HookInput, rows: Record<string, unknown> = {}): Expanded {
  const p = instantiate(rules, (_t, key) => (key in rows ? JSON.stringify(rows[key]) : undefined));
  const out = JSON.parse(p.run(JSON.stringify(input))) as RunOutput;
  if (out.e === undefined) return out as Expanded;
  const expanded = expandEffects(rules.effects, out.e, 1000);
  if (!expanded.ok) throw new Error(expanded.message);
  return { ...out, e: expanded.effects };
}

const TRUNKS = 'trunk zoom { peers ["162.12.233.59:5061"] }\ntrunk core { peers ["10.0.0.10"] }\n';

describe('code generation', () => {
  it('turns statements into effects with the location of their rule line', () => {
    const rules = gen(`${TRUNKS}on request INVITE from zoom {
  set header "X-A" = "1"
  add header "Diversion" = "<sip:+1@a>"
  default header "P-Asserted-Identity" = "<sip:" + from.user + "@" + from.host + ">"
  remove header "X-Zoom-Trace"
  set ruri.user = "+1" + ruri.user
  media outbound { srtp: off, codecs: [PCMU] }
  count calls
  route core
}
counter calls`);
    const out = run(rules, requestIn());
    expect(out.e?.map((e) => e.kind)).toEqual([
      'header.set',
      'header.add',
      'header.default',
      'header.remove',
      'field.set',
      'media',
      'count',
      'route',
    ]);
    expect(out.e?.[2]).toMatchObject({ value: '<sip:+14085551213@zoom.us>' });
    expect(out.e?.[4]).toMatchObject({ field: ['ruri', 'user'], value: '+1+14085551212' });
    expect(rules.locations[out.e?.[4]?.at as number]).toEqual({ file: 'main.rules', line: 8, column: 3 });
  });

  it('selects the first matching handler by method, direction, trunk, status class and dialog state', () => {
    const rules = gen(`${TRUNKS}on request INVITE from zoom { log "zoom" }
on request INVITE { log "any" }
on request INVITE to core { log "out" }
on request BYE in dialog { log "bye" }
on response 18x from core { log "early" }
on failure { log "failed" }`);
    const msg = (o: Partial<HookInput>) => run(rules, requestIn(o)).e?.[0]?.message;
    expect(msg({})).toBe('zoom');
    expect(msg({ source: { ip: '1.1.1.1', port: 5060, transport: 'udp', trunk: '' } })).toBe('any');
    expect(msg({ direction: 'out', target: 'core' })).toBe('out');
    expect(run(rules, requestIn({ inDialog: true }, { method: 'BYE' })).e?.[0]?.message).toBe('bye');
    expect(run(rules, requestIn({ inDialog: false }, { method: 'BYE' })).h).toBe(-1);
    const resp = requestIn(
      { hook: 'response', source: { ip: '10.0.0.10', port: 5060, transport: 'udp', trunk: 'core' } },
      { kind: 'response', status: 183 },
    );
    expect(run(rules, resp).e?.[0]?.message).toBe('early');
    expect(run(rules, { ...resp, message: { ...resp.message, status: 200 } }).h).toBe(-1);
    expect(run(rules, requestIn({ hook: 'failure' })).e?.[0]?.message).toBe('failed');
  });

  it('evaluates built-ins, optionals, lists, CIDRs, status classes and header lists', () => {
    const rules = gen(`on request INVITE {
  log lower("AbC") + upper("x") + trim("  t ") + digits("+1 (408) 555") + str(len("😀ab"))
  log str(starts_with("abc", "ab")) + str(ends_with("abc", "bc")) + str(contains("abc", "d"))
  log substitute(ruri.user, /^\\+1/, "00") + "|" + (capture(from.user, /(\\d{3})$/) ?? "none")
  log (header["x-zoom-trace"] ?? "absent") + "|" + (header["X-Missing"] ?? "absent")
  if source.ip in [10.0.0.0/8, 162.12.0.0/16] and "<sip:+2@b>;reason=busy" in headers["Diversion"] { log "in" }
  log e164("(408) 555-1212", country: "US") ?? "bad"
  log national("+442071234567", country: "GB") ?? "bad"
  log from.uri.host + " " + (from.display ?? "")
}`);
    const msgs = run(rules, requestIn()).e?.map((e) => e.message);
    expect(msgs).toEqual([
      'abcXt1408555' + '3',
      'truetruefalse',
      '004085551212|213',
      'abc|absent',
      'in',
      '+14085551212',
      '02071234567',
      'zoom.us amiller',
    ]);
  });

  it('keeps its e164 and national rules identical to dsl/e164.ts', () => {
    const rt = prelude(PLANS);
    const inputs = [
      '4085551212',
      '14085551212',
      '+14085551212',
      '011442071234567',
      '(408) 555-1212',
      '020 7123 4567',
      '0049301234567',
      'abc',
      '',
      '+0123',
      '1'.repeat(20),
    ];
    for (const country of Object.keys(PLANS))
      for (const s of inputs)
        expect([country, s, rt.e164(s, country)]).toEqual([country, s, toE164(s, country)]);
    expect(rt.e164('4085551212', 'XX')).toBeUndefined();
    expect(rt.e164('4085551212', '__proto__')).toBeUndefined();
  });

  it('records trace points for handlers, branches and let-else, with labels', () => {
    const rules = gen(`table numbers = provisioning.numbers { zoom: bool }
on request INVITE {
  let n = e164(ruri.user, country: "US") else reject 484
  let e = numbers[n] else reject 404
  if e.zoom { log "zoom" } else if ruri.user == "x" { log "x" } else { log "other" }
}`);
    const hit = run(rules, requestIn(), { '+14085551212': { zoom: true } });
    expect(hit.t.map((id) => rules.points[id]?.label)).toEqual([
      'handler h0',
      'n is present',
      'e is present',
      'branch 1 of 2',
    ]);
    const miss = run(rules, requestIn());
    expect(miss.t.map((id) => rules.points[id]?.kind)).toEqual(['handler', 'no-else', 'else']);
    expect(rules.points.filter((p) => p.kind === 'branch')).toHaveLength(3);
  });

  it('emits rule text only inside JSON literals, or as template data outside the program', () => {
    const tricky = '*/ }); globalThis.x = 1; (function(){ //';
    const rules = gen(`on request INVITE {\n  log "${tricky}"\n  log "${tricky}" + ruri.user\n}`);
    // A literal message is known at compile time: it is template data, not program text.
    expect(rules.effects.map((t) => t.fixed.message)).toContain(tricky);
    expect(rules.source).toContain(JSON.stringify(tricky));
    expect(run(rules, requestIn()).e?.map((e) => e.message)).toEqual([tricky, `${tricky}+14085551212`]);
  });

  it('maps generated lines back to rule lines', () => {
    const rules = gen('on request INVITE {\n  log "a"\n\n  reject 403\n}');
    const lines = rules.source.split('\n');
    const reject = rules.effects.findIndex((t) => t.fixed.kind === 'reject');
    const rejectLine = lines.findIndex((l) => l.includes(`$e.push(${reject});`)) + 1;
    expect(rejectLine).toBeGreaterThan(0);
    expect(rules.locations[rules.lineMap[rejectLine]!]).toEqual({ file: 'main.rules', line: 4, column: 3 });
  });

  it('reports the running statement when a rule throws', () => {
    const rules = gen(
      'table numbers = provisioning.numbers { zoom: bool }\non request INVITE {\n  let n = e164(ruri.user, country: "US") else reject 484\n  let e = numbers[n] else reject 404\n  log str(e.zoom)\n}',
    );
    const p = instantiate(rules, () => {
      throw new Error('lookup failed');
    });
    const out = JSON.parse(p.run(JSON.stringify(requestIn()))) as RunOutput;
    expect(out.x).toBe('lookup failed');
    expect(rules.locations[out.w!]).toMatchObject({ line: 4 });
  });

  it('evaluates regex edits, header parameters, pattern removal and replies in the rule', () => {
    const rules = gen(`on request INVITE {
  replace header "Diversion" /sip:\\+1/ with "sip:1"
  replace ruri.user /^\\+1/ with "001"
  remove header /^x-zoom-/i
  set header "Contact" param "transport" = "tls"
  remove header "Contact" param "ob"
  remove pai
  set pai = from
  reply 200 "OK"
}`);
    const out = run(rules, requestIn());
    expect(out.e?.map(({ at: _at, ...e }) => e)).toEqual([
      {
        kind: 'header.replace',
        name: 'Diversion',
        values: ['<sip:1@a>;reason=unconditional, <sip:+2@b>;reason=busy'],
      },
      { kind: 'field.set', field: ['ruri', 'user'], value: '0014085551212' },
      { kind: 'header.remove', name: 'X-Zoom-Trace' },
      { kind: 'header.set', name: 'Contact', param: 'transport', value: 'tls' },
      { kind: 'header.remove', name: 'Contact', param: 'ob' },
      { kind: 'field.remove', field: ['pai'] },
      { kind: 'field.set', field: ['pai'], value: requestIn().message.from },
      { kind: 'reply', code: 200, reason: 'OK' },
    ]);
  });

  it('removes each distinct header name a pattern matches once, in order, however many there are', () => {
    const rules = gen('on request INVITE {\n  remove header /^X-/\n}');
    const names = Array.from({ length: 40 }, (_, i) => `X-H${i % 25}`);
    const headers = [' X-Lead : 1', 'Via: v', ...names.map((n) => `${n}: v`), 'x-lower: 2', 'X-\u00e4 : 3'];
    const out = run(rules, requestIn({}, { headers: headers.join('\n') }));
    const expected = ['X-Lead', ...new Set(names), 'X-\u00e4'];
    expect(out.e?.map((e) => e.name)).toEqual(expected);
  });

  it('changes a response status and reads response fields in response handlers', () => {
    const rules = gen(
      'on response 180 {\n  if not response.has_sdp { set response.status = 183 }\n  log response.reason + str(response.status)\n}',
    );
    const input = requestIn(
      { hook: 'response' },
      { kind: 'response', status: 180, reason: 'Ringing', hasSdp: false },
    );
    const out = run(rules, input);
    expect(out.e?.map((e) => (e.kind === 'log' ? e.message : e.value))).toEqual([183, 'Ringing180']);
  });

  it('refuses a regex escape outside the linear subset with a diagnostic at the rule', () => {
    const r = compile({ 'main.rules': 'on request INVITE {\n  if ruri.user matches /\\p{L}/ { stop }\n}' });
    if (!r.ir) return expect(r.diagnostics.some((d) => d.code === 'E005' || d.code === 'E006')).toBe(true);
    const g = generate(r.ir);
    expect(g.ok).toBe(false);
    expect(g.ok ? [] : g.diagnostics).toEqual([
      expect.objectContaining({
        code: 'E006',
        line: 2,
        message: expect.stringMatching(/unsupported escape/),
      }),
    ]);
  });
});
