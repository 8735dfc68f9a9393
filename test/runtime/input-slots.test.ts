/**
 * The runtime sends a program only the values it reads (src/runtime/input.ts, dsl/codegen/reads.ts),
 * with header lines it never reads the values of cut to their names. A rule must not be able to
 * tell: every shipped rule set, the examples and a rule set that reads every kind of field give the
 * same result for the cut input as for the whole snapshot, on every example message and hook.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CompiledRules, instantiate } from '../../dsl/codegen/index.ts';
import type { HookInput } from '../../dsl/effects.ts';
import { HOOK_NAMES, hookInputFor, loadMessage, messageSnapshot } from '../../src/core/effects/index.ts';
import { inputPayload, trimHeaders } from '../../src/runtime/input.ts';
import {
  compileRuleSet,
  loadRuleSetFromDisk,
  RuleSetRuntime,
  type TableSource,
} from '../../src/runtime/index.ts';
import { requestIn } from './helpers.ts';

const ROOT = join(import.meta.dirname, '../..');

/** Reads every kind of field, header lookups by literal and computed name, lists and edits. */
const EVERY_FIELD = `trunk zoom { peers ["162.12.233.59:5061"] }
trunk core { peers ["10.0.0.10:5060"] }
var seen: string = ""
on request INVITE from zoom {
  log ruri.user + "|" + ruri.host + "|" + ruri.scheme + "|" + str(ruri.port ?? 0) + "|" + (ruri.params["transport"] ?? "-")
  log (from.display ?? "-") + "|" + (from.params["tag"] ?? "-") + "|" + from.uri.host + "|" + str(from == to)
  log str(has(pai)) + "|" + str(has(ppi)) + "|" + str(has(contact))
  if has(contact) { log contact.user + "|" + str(contact.uri == ruri) }
  if has(pai) { log pai.host }
  log str(request.method) + "|" + request.uri + "|" + str(request.has_sdp) + "|" + str(request.in_dialog)
  log str(source.ip) + "|" + str(source.port) + "|" + str(source.transport) + "|" + source.trunk
  log call.id + "|" + str(call.attempt) + "|" + call.trunk + "|" + seen
  log (header["Call-ID"] ?? "-") + "|" + (header["i"] ?? "-") + "|" + (header[lower("X-ZOOM-SITE")] ?? "-")
  log str("timer" in headers["Supported"])
  replace header "Allow" /INVITE/ with "invite"
  remove header /^x-/i
  remove header /^Supp/
  set pai = from
  set seen = from.user
}
on request INVITE to core { log str(has(ruri.params["user"])) + (header["Via"] ?? "") }
on response 1xx, 2xx { log str(response.status) + response.reason + str(response.has_sdp) + str(request.method) + ruri.user }
on failure { log str(failure.status) + failure.reason + str(failure.timeout) + failure.trunk + ruri.user }`;

function ruleSets(): [string, CompiledRules][] {
  const sets: [string, CompiledRules][] = [];
  const dirs = [
    ...readdirSync(join(ROOT, 'rules')).map((d) => join(ROOT, 'rules', d)),
    ...readdirSync(join(ROOT, 'examples'))
      .filter((d) => !['messages', 'lib'].includes(d))
      .map((d) => join(ROOT, 'examples', d)),
    join(ROOT, 'bench/fixtures/zoom'),
  ];
  for (const dir of dirs) {
    const loaded = loadRuleSetFromDisk(dir);
    // Site files of the examples declare trunks only: nothing to run.
    if (loaded.ok && loaded.rules.handlers.length > 0) sets.push([dir.slice(ROOT.length + 1), loaded.rules]);
  }
  const every = compileRuleSet({ 'main.rules': EVERY_FIELD });
  if (!every.ok) throw new Error(JSON.stringify(every.diagnostics));
  sets.push(['every-field', every.rules]);
  const prefixed = compileRuleSet({
    'main.rules': 'on request INVITE {\n  remove header /^X-Zoom-T/\n  remove header /^Supp/\n}',
  });
  if (!prefixed.ok) throw new Error(JSON.stringify(prefixed.diagnostics));
  sets.push(['name-prefixes', prefixed.rules]);
  for (const name of readdirSync(join(ROOT, 'test/dsl/examples'))) {
    const r = compileRuleSet({ [name]: readFileSync(join(ROOT, 'test/dsl/examples', name), 'utf8') });
    if (r.ok) sets.push([name, r.rules]);
  }
  return sets;
}

/** A row of the declared fields for every other key, so rules take both their found and not-found paths. */
function rows(rules: CompiledRules): TableSource {
  return {
    get(table, key) {
      const info = rules.tables.find((t) => t.provisioning === table);
      if (info === undefined || key.length % 2 === 0) return undefined;
      const row: Record<string, unknown> = {};
      for (const [field, type] of Object.entries(info.fields ?? {}))
        row[field] = type.startsWith('bool') ? true : type.startsWith('int') ? 1 : 'example.com';
      return row;
    },
  };
}

function inputs(rules: CompiledRules): HookInput[] {
  const dir = join(ROOT, 'examples/messages');
  const sources = [
    { ip: '192.0.2.1', port: 5060 },
    ...rules.trunks.flatMap((t) => t.peers.map((ip) => ({ ip: ip.replace(/:.*$/, ''), port: 5061 }))),
  ];
  const out: HookInput[] = [];
  for (const file of readdirSync(dir)) {
    const message = messageSnapshot(loadMessage(readFileSync(join(dir, file), 'utf8')).message);
    for (const hook of HOOK_NAMES)
      for (const source of sources) {
        const { input } = hookInputFor(message, rules, { hook, source, vars: rules.vars });
        // Response and failure hooks carry the request they answer.
        if (hook === 'response' || hook === 'failure') input.request = requestIn().message;
        out.push(input);
        // Names written with spaces, other cases and other letters, as a peer might send them.
        const odd = '\n X-Zoom-Trace: a\nX-Zoom-T\t: b\nx-zoom-t: c\nX-Z\u00f6om-T: d\nSupp: e';
        out.push({ ...input, message: { ...input.message, headers: input.message.headers + odd } });
      }
  }
  return out;
}

const sets = ruleSets();
const runtimes: RuleSetRuntime[] = [];
afterAll(() => {
  for (const r of runtimes) r.close();
});

describe('input slots', () => {
  it('covers the shipped rule sets and examples', () => {
    expect(sets.length).toBeGreaterThanOrEqual(10);
  });

  it.each(sets)('%s: the values sent give the same result as the whole snapshot', (_name, rules) => {
    const tables = rows(rules);
    const program = instantiate(rules, (t, k) => {
      const row = tables.get(t, k);
      return row === undefined ? undefined : JSON.stringify(row);
    });
    let ran = 0;
    for (const input of inputs(rules)) {
      const whole = program.run(JSON.stringify(input));
      const sent = program.run(inputPayload(input, rules.reads) as string);
      expect(sent, JSON.stringify(input).slice(0, 200)).toBe(whole);
      if ((JSON.parse(whole) as { h: number }).h >= 0) ran++;
    }
    expect(ran).toBeGreaterThan(0);
  });

  it('in the isolate too: runHook (values sent) equals runJson (whole snapshot)', () => {
    const [, rules] = sets.find(([name]) => name === 'every-field')!;
    const runtime = new RuleSetRuntime(rules, { routeTargets: ['zoom', 'core'], tables: rows(rules) });
    runtimes.push(runtime);
    const all = inputs(rules);
    for (const input of all)
      expect(runtime.runHook(input)).toEqual(runtime.runJson(input, JSON.stringify(input)));
    const logs = all.flatMap((i) => runtime.runHook(i).effects).filter((e) => e.kind === 'log');
    expect(logs.length).toBeGreaterThan(20);
  });

  it('sends only what the rules read', () => {
    const [, rules] = sets.find(([name]) => name === 'bench/fixtures/zoom')!;
    const text = readFileSync(join(ROOT, 'examples/messages/zoom-invite.sip'), 'utf8');
    const { input } = hookInputFor(messageSnapshot(loadMessage(text).message), rules, {
      source: { ip: '162.12.233.59', port: 5061 },
    });
    const sent = inputPayload(input, rules.reads) as string;
    expect(sent.length).toBeLessThan(JSON.stringify(input).length / 3);
    // The Zoom rules read no header value, and list only names that can match /^X-Zoom-/.
    expect(sent).toContain('"X-Zoom-Trace-Id:\\nX-Zoom-Site:"');
    expect(sent).not.toContain('Via');
    expect(sent).not.toContain('branch=');
    expect(sent).not.toContain(input.call.id);
  });

  it('cuts header lines to what is read, keeping names and order', () => {
    const text = 'Via: a\nf: <sip:x@y>\nX-A : 1\nnot a header\n: empty\nVia: b\nFROM: z';
    const spec = { slot: 0, all: false, names: true, values: ['from'] };
    expect(trimHeaders(text, spec)).toBe('Via:\nf: <sip:x@y>\nX-A :\nVia:\nFROM: z');
    expect(trimHeaders(text, { ...spec, names: false })).toBe('f: <sip:x@y>\nFROM: z');
    expect(trimHeaders(text, { ...spec, names: false, values: [] })).toBe('');
    expect(trimHeaders(text, { ...spec, all: true })).toBe(text);
    // With prefixes, only names that can match: trimmed as the program trims them before matching.
    const prefixed = 'Via: a\n X-A-1 : 1\nX-B: 2\nx-a-2: 3\nX-\u00e4: 4\nX-A-: 5';
    const only = { ...spec, values: [], namePrefixes: ['X-A-'] };
    expect(trimHeaders(prefixed, only)).toBe(' X-A-1 :\nX-\u00e4:\nX-A-:');
    expect(trimHeaders(prefixed, { ...only, values: ['via'] })).toBe('Via: a\n X-A-1 :\nX-\u00e4:\nX-A-:');
  });

  it('refuses input that is not data, where the structured copy refused it', () => {
    const [, rules] = sets.find(([name]) => name === 'every-field')!;
    const bad = requestIn({ call: { id: (() => 'x') as never, attempt: 1, trunk: 'zoom' } });
    expect(() => inputPayload(bad, rules.reads)).toThrow(/not data/);
    // A value the rules never read is not sent, so it cannot stop the call.
    const unread = requestIn({}, { kind: (() => 'x') as never });
    expect(() => inputPayload(unread, rules.reads)).not.toThrow();
  });
});
