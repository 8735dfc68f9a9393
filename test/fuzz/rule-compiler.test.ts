// Issue 11 item 2: the rule compiler at a larger count. test/dsl/fuzz.test.ts edits characters of
// the conformance programs 600 times with a fixed seed; this run makes 20,000 token-level edits
// (tokens deleted, repeated, swapped, replaced by keywords or by tokens of another program) of the
// conformance programs and of the shipped example rule sets, with a new seed each run
// (FUZZ_SEED=n replays one). Compiling never throws, every diagnostic lies inside the file, a
// program with errors has no IR, each compile finishes fast, and formatting is idempotent.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { compile, type Diagnostic, format, ruleLexer } from '../../dsl/index.ts';
import { loadCases } from '../dsl/conformance.ts';
import { caseRng, fuzzSeed, int, pick, type Rand } from './support/random.ts';

const EDITS = 20_000;
const seed = fuzzSeed();

const EXAMPLES = join(import.meta.dirname, '../dsl/examples');
const programs = [
  ...loadCases(join(import.meta.dirname, '../dsl/conformance'))
    .filter((c) => c.ok && Object.keys(c.files).length === 1)
    .map((c) => c.source),
  ...readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.rules'))
    .map((f) => readFileSync(join(EXAMPLES, f), 'utf8')),
];

const KEYWORDS = [
  'on',
  'request',
  'response',
  'failure',
  'route',
  'reject',
  'reply',
  'set',
  'remove',
  'header',
  'if',
  'else',
  'let',
  'table',
  'trunk',
  'group',
  'var',
  'counter',
  'import',
  'matches',
  'in',
  'dialog',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '??',
  '==',
  '"',
  '/a+/',
  '+1',
  '10.0.0.0/8',
  '5xx',
  '30s',
];

interface Token {
  start: number;
  end: number;
  text: string;
}

function tokensOf(src: string): Token[] {
  return ruleLexer.tokenize(src).tokens.map((t) => ({
    start: t.startOffset,
    end: (t.endOffset ?? t.startOffset) + 1,
    text: t.image,
  }));
}

function edit(src: string, rand: Rand): string {
  const tokens = tokensOf(src);
  if (tokens.length === 0) return src + pick(rand, KEYWORDS);
  const t = pick(rand, tokens);
  const splice = (text: string, from = t.start, to = t.end) => src.slice(0, from) + text + src.slice(to);
  switch (int(rand, 5)) {
    case 0:
      return splice('');
    case 1:
      return splice(`${t.text} ${t.text}`);
    case 2: {
      const u = pick(rand, tokens);
      if (u.start <= t.start) return splice(`${t.text} ${u.text}`, u.start, t.end);
      return src.slice(0, t.start) + u.text + src.slice(t.end, u.start) + t.text + src.slice(u.end);
    }
    case 3:
      return splice(pick(rand, KEYWORDS));
    default:
      return splice(pick(rand, tokensOf(pick(rand, programs))).text ?? '');
  }
}

function inside(d: Diagnostic, src: string): boolean {
  const lines = src.split(/\r\n|\r|\n/);
  return (
    d.line >= 1 &&
    d.line <= lines.length &&
    d.column >= 1 &&
    d.column <= (lines[d.line - 1]?.length ?? 0) + 2 &&
    d.endLine >= d.line &&
    d.message.length > 0
  );
}

it(`compiles ${EDITS} token-level edits of valid rule sets without throwing (FUZZ_SEED=${seed})`, () => {
  expect(programs.length).toBeGreaterThan(50);
  let slowest = 0;
  let broken = 0;
  for (let n = 0; n < EDITS; n++) {
    const rand = caseRng(seed, n);
    let src = pick(rand, programs);
    for (let k = 1 + int(rand, 3); k > 0; k--) src = edit(src, rand);
    const what = `FUZZ_SEED=${seed} edit ${n}: ${JSON.stringify(src.slice(0, 300))}`;
    const t0 = performance.now();
    let result: ReturnType<typeof compile>;
    try {
      result = compile({ 'main.rules': src }, { entry: 'main.rules' });
    } catch (error) {
      throw new Error(`compile threw on ${what}`, { cause: error });
    }
    slowest = Math.max(slowest, performance.now() - t0);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) broken++;
    expect(
      result.diagnostics.every((d) => inside(d, src)),
      what,
    ).toBe(true);
    if (errors.length > 0) expect(result.ir, what).toBeUndefined();
    else expect(result.ir, what).toBeDefined();
    const formatted = format(src, 'main.rules');
    if (formatted.ok) expect(format(formatted.text).text, what).toBe(formatted.text);
  }
  // Most edits break a program, some keep it valid: both paths were exercised.
  expect(broken).toBeGreaterThan(EDITS / 4);
  expect(broken).toBeLessThan(EDITS);
  expect(slowest).toBeLessThan(1000);
}, 60_000);
