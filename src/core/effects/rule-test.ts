import type { IrValue } from '../../../dsl/ir.ts';
import { HOOK_NAMES, type HookName, type PreviewResult } from './preview.ts';
import { unifiedDiff } from './unified-diff.ts';

/**
 * Rule unit tests (docs/rule-tests.md): a `*.test.yaml` file next to the rules lists cases — a message
 * and its context — and what the rule set must do with them. This module validates a parsed file and
 * checks one case's preview result against its expectations; the CLI finds files and prints.
 */
export interface TestCase {
  name: string;
  /** A path relative to the test file, or the message itself when it contains a line break. */
  message: string;
  hook?: HookName;
  trunk?: string;
  source?: string;
  vars?: Record<string, IrValue>;
  /** Failure hooks: the failed attempt (default 503 Service Unavailable, no timeout). */
  failure?: { status: number; reason?: string; timeout?: boolean };
  expect: Expectations;
}

export interface Expectations {
  handler?: string | null;
  route?: string | null;
  reject?: number | { code: number; reason?: string } | null;
  reply?: number | { code: number; reason?: string } | null;
  /** Header name → first value, a list of every value, or null for "absent". */
  headers?: Record<string, string | string[] | null>;
  ruri?: string;
  status?: number;
  media?: Partial<Record<'inbound' | 'outbound', Record<string, unknown> | null>>;
  vars?: Record<string, IrValue>;
  counters?: string[];
  logs?: string[];
  /** true: the rule must fail (fallback); a string: the failure message must contain it. */
  error?: boolean | string;
  /** The message must leave unchanged. */
  unchanged?: boolean;
}

export interface TestFile {
  ruleset?: string;
  tables?: Record<string, Record<string, Record<string, unknown>>>;
  tests: TestCase[];
}

export interface Failure {
  what: string;
  expected: string;
  actual: string;
  diff: string;
}

export class TestFileError extends Error {}

const EXPECT_KEYS = new Set([
  'handler',
  'route',
  'reject',
  'reply',
  'headers',
  'ruri',
  'status',
  'media',
  'vars',
  'counters',
  'logs',
  'error',
  'unchanged',
]);
const CASE_KEYS = new Set(['name', 'message', 'hook', 'trunk', 'source', 'vars', 'failure', 'expect']);

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates the shape of a parsed test file; errors name the case and the key. */
export function validateTestFile(data: unknown): TestFile {
  if (!isMap(data)) throw new TestFileError('a test file is a map with a `tests:` list');
  for (const k of Object.keys(data))
    if (!['ruleset', 'tables', 'tests'].includes(k))
      throw new TestFileError(`unknown key '${k}' (expected ruleset, tables, tests)`);
  if (data.ruleset !== undefined && typeof data.ruleset !== 'string')
    throw new TestFileError('ruleset must be a path');
  if (data.tables !== undefined && !isMap(data.tables)) throw new TestFileError('tables must be a map');
  if (!Array.isArray(data.tests) || data.tests.length === 0)
    throw new TestFileError('`tests:` must be a non-empty list');
  data.tests.forEach((t, i) => {
    const where = `test ${i + 1}${isMap(t) && typeof t.name === 'string' ? ` (${t.name})` : ''}`;
    if (!isMap(t)) throw new TestFileError(`${where}: must be a map`);
    for (const k of Object.keys(t))
      if (!CASE_KEYS.has(k)) throw new TestFileError(`${where}: unknown key '${k}'`);
    if (typeof t.name !== 'string' || t.name === '') throw new TestFileError(`${where}: needs a name`);
    if (typeof t.message !== 'string' || t.message === '')
      throw new TestFileError(`${where}: needs a message`);
    if (t.hook !== undefined && !(HOOK_NAMES as readonly unknown[]).includes(t.hook))
      throw new TestFileError(`${where}: hook must be one of ${HOOK_NAMES.join(', ')}`);
    if (t.failure !== undefined && !(isMap(t.failure) && Number.isInteger(t.failure.status)))
      throw new TestFileError(`${where}: failure needs a status, e.g. { status: 503 }`);
    if (!isMap(t.expect)) throw new TestFileError(`${where}: needs an expect: map`);
    for (const k of Object.keys(t.expect))
      if (!EXPECT_KEYS.has(k))
        throw new TestFileError(
          `${where}: unknown expectation '${k}' (known: ${[...EXPECT_KEYS].join(', ')})`,
        );
  });
  return data as unknown as TestFile;
}

const show = (v: unknown): string => (v === undefined ? '(nothing)' : JSON.stringify(v, null, 2));

function failure(what: string, expected: unknown, actual: unknown): Failure {
  const e = show(expected);
  const a = show(actual);
  return {
    what,
    expected: e,
    actual: a,
    diff: unifiedDiff(`${e}\n`, `${a}\n`, { a: 'expected', b: 'actual' }),
  };
}

function headerValues(text: string, name: string): string[] {
  const head = text.split(/\r?\n\r?\n/)[0] ?? '';
  const out: string[] = [];
  const key = name.toLowerCase();
  for (const line of head.split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === key)
      out.push(line.slice(colon + 1).trim());
  }
  return out;
}

/** Does `actual` contain every key of `expected` with an equal value? */
function subset(expected: unknown, actual: unknown): boolean {
  if (isMap(expected))
    return isMap(actual) && Object.keys(expected).every((k) => subset(expected[k], actual[k]));
  return JSON.stringify(expected) === JSON.stringify(actual);
}

function answerMatches(
  exp: number | { code: number; reason?: string },
  act: { code: number; reason?: string },
) {
  const e = typeof exp === 'number' ? { code: exp } : exp;
  return e.code === act.code && (e.reason === undefined || e.reason === act.reason);
}

export function checkCase(c: TestCase, r: PreviewResult): Failure[] {
  const x = c.expect;
  const f: Failure[] = [];
  const d = r.decisions;
  if (r.error && x.error === undefined)
    f.push(
      failure('rule error', 'no error', `${r.error.kind} at ${r.error.at?.line ?? '?'}: ${r.error.message}`),
    );
  if (x.error !== undefined) {
    const ok =
      x.error === false
        ? !r.error
        : r.error !== undefined && (x.error === true || r.error.message.includes(x.error));
    if (!ok) f.push(failure('error', x.error, r.error?.message ?? false));
  }
  if (x.handler !== undefined && (r.handler?.id ?? null) !== x.handler)
    f.push(failure('handler', x.handler, r.handler?.id ?? null));
  if (x.route !== undefined && (d.route?.target ?? null) !== x.route)
    f.push(failure('route', x.route, d.route?.target ?? null));
  for (const kind of ['reject', 'reply'] as const) {
    const exp = x[kind];
    if (exp === undefined) continue;
    const act = d[kind];
    if (exp === null ? act !== undefined : act === undefined || !answerMatches(exp, act))
      f.push(failure(kind, exp, act ? { code: act.code, reason: act.reason } : null));
  }
  const text = r.output.kind === 'message' ? r.output.text : '';
  for (const [name, exp] of Object.entries(x.headers ?? {})) {
    const act = headerValues(text, name);
    const ok = exp === null ? act.length === 0 : Array.isArray(exp) ? subset(exp, act) : act[0] === exp;
    if (!ok)
      f.push(failure(`header ${name}`, exp, exp === null || Array.isArray(exp) ? act : (act[0] ?? null)));
  }
  if (x.ruri !== undefined) {
    const act = /^\S+ (\S+) SIP\//.exec(text)?.[1] ?? null;
    if (act !== x.ruri) f.push(failure('request-URI', x.ruri, act));
  }
  if (x.status !== undefined) {
    const act = Number(/^SIP\/\d\.\d (\d{3})/.exec(text)?.[1] ?? Number.NaN);
    if (act !== x.status) f.push(failure('status', x.status, Number.isNaN(act) ? null : act));
  }
  for (const [leg, exp] of Object.entries(x.media ?? {})) {
    const act = d.media.filter((m) => m.leg === leg).at(-1)?.policy;
    if (exp === null ? act !== undefined : !subset(exp, act))
      f.push(failure(`media ${leg}`, exp, act ?? null));
  }
  if (x.vars !== undefined && !subset(x.vars, d.vars)) f.push(failure('vars', x.vars, d.vars));
  if (
    x.counters !== undefined &&
    JSON.stringify([...x.counters].sort()) !== JSON.stringify([...d.counters].sort())
  )
    f.push(failure('counters', x.counters, d.counters));
  if (x.logs !== undefined) {
    const msgs = d.logs.map((l) => l.message);
    if (!x.logs.every((want) => msgs.some((m) => m.includes(want)))) f.push(failure('logs', x.logs, msgs));
  }
  if (x.unchanged !== undefined && (r.diff === '') !== x.unchanged)
    f.push(failure('unchanged', x.unchanged, r.diff === ''));
  return f;
}
