import { describe, expect, it } from 'vitest';
import { compile, type Diagnostic, format, ruleLexer } from '../../dsl/index.ts';
import { loadCases } from './conformance.ts';

/**
 * Property test (docs/language.md §9): random edits of valid programs never crash the compiler,
 * always yield diagnostics whose positions lie inside the file, and finish quickly. The random
 * generator is seeded so a failure can be replayed.
 */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SNIPPETS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '"',
  '/',
  '#',
  '\n',
  '=',
  '==',
  '??',
  ' else ',
  ' let x = ',
  'if ',
  'on ',
  'reject ',
  '+1',
  '10.0.0.',
  '\u0000',
  '\uffff',
  'ruri.',
  'header["',
  '5xx',
  '::',
  '\\',
];

function mutate(src: string, rand: () => number): string {
  const pos = Math.floor(rand() * (src.length + 1));
  switch (Math.floor(rand() * 6)) {
    case 0: // delete a range
      return src.slice(0, pos) + src.slice(pos + 1 + Math.floor(rand() * 20));
    case 1: // insert a snippet
      return src.slice(0, pos) + SNIPPETS[Math.floor(rand() * SNIPPETS.length)] + src.slice(pos);
    case 2: // insert random bytes
      return (
        src.slice(0, pos) +
        String.fromCharCode(
          ...Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Math.floor(rand() * 0x3000)),
        ) +
        src.slice(pos)
      );
    case 3: {
      // duplicate a line
      const lines = src.split('\n');
      const i = Math.floor(rand() * lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 4: // swap two characters
      return src.slice(0, pos) + src.slice(pos + 1, pos + 2) + src.slice(pos, pos + 1) + src.slice(pos + 2);
    default: // truncate
      return src.slice(0, pos);
  }
}

function assertInside(d: Diagnostic, files: Record<string, string>): void {
  const text = files[d.file];
  expect(text, `diagnostic for unknown file ${d.file}`).toBeDefined();
  const lines = text!.split(/\r\n|\r|\n/);
  expect(d.line).toBeGreaterThanOrEqual(1);
  expect(d.line).toBeLessThanOrEqual(lines.length);
  expect(d.column).toBeGreaterThanOrEqual(1);
  expect(d.column).toBeLessThanOrEqual((lines[d.line - 1]?.length ?? 0) + 2);
  expect(d.endLine).toBeGreaterThanOrEqual(d.line);
  expect(d.message.length).toBeGreaterThan(0);
}

const seeds = loadCases(new URL('./conformance', import.meta.url).pathname).filter(
  (c) => c.ok && Object.keys(c.files).length === 1,
);

describe('random edits of valid programs', () => {
  it('never crash, keep positions inside the file, and finish fast', () => {
    const rand = rng(20240611);
    let slowest = 0;
    for (let i = 0; i < 600; i++) {
      const base = seeds[Math.floor(rand() * seeds.length)]!.source;
      let src = base;
      const edits = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < edits; k++) src = mutate(src, rand);
      const files = { 'main.rules': src };
      const t0 = performance.now();
      const result = compile(files, { entry: 'main.rules' });
      const formatted = format(src, 'main.rules');
      slowest = Math.max(slowest, performance.now() - t0);
      for (const d of result.diagnostics) assertInside(d, files);
      if (formatted.ok) expect(format(formatted.text).text).toBe(formatted.text);
    }
    expect(slowest).toBeLessThan(1000);
  });

  it('a mutated program with errors always says so', () => {
    const result = compile({ 'main.rules': 'on request INVITE { reject 403 "x" ' });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E100']);
    expect(result.ir).toBeUndefined();
  });
});

describe('one mistake, one diagnostic (docs/language.md §3.1)', () => {
  it('deleting one token from a valid program almost always gives exactly one error', () => {
    let broken = 0;
    let single = 0;
    for (const c of seeds) {
      const tokens = ruleLexer.tokenize(c.source).tokens;
      for (let i = 0; i < tokens.length; i += 3) {
        const t = tokens[i]!;
        const src = c.source.slice(0, t.startOffset) + c.source.slice(t.endOffset! + 1);
        const errors = compile({ 'main.rules': src }).diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) broken++;
        if (errors.length === 1) single++;
      }
    }
    expect(broken).toBeGreaterThan(500);
    expect(single / broken).toBeGreaterThan(0.9);
  });
});

describe('formatting preserves meaning', () => {
  const withoutSpans = (v: unknown): unknown =>
    JSON.parse(
      JSON.stringify(v, (key, value: unknown) => (key === 'span' || key === 'files' ? undefined : value)),
    );
  it.each(seeds.map((c) => [c.title, c.source] as const))(
    '%s lowers to the same IR after fmt',
    (_title, src) => {
      const formatted = format(src, 'main.rules');
      expect(formatted.ok).toBe(true);
      const before = compile({ 'main.rules': src });
      const after = compile({ 'main.rules': formatted.text });
      expect(withoutSpans(after.ir)).toEqual(withoutSpans(before.ir));
      expect(after.diagnostics.map((d) => d.code)).toEqual(before.diagnostics.map((d) => d.code));
    },
  );
});

describe('hostile inputs', () => {
  const cases: [string, string][] = [
    [
      'random binary',
      Array.from({ length: 20_000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join(''),
    ],
    ['one huge line', `on request INVITE { log "${'a'.repeat(200_000)}" }`],
    ['deep brackets', `${'('.repeat(100_000)}`],
    ['deep blocks', `on request INVITE { ${'if true { '.repeat(5_000)}`],
    ['long operator chain', `on request INVITE { log "a"${' + "a"'.repeat(100_000)} }`],
    ['many not', `on request INVITE { if ${'not '.repeat(50_000)}true { stop } }`],
    ['1 MB of statements', `on request INVITE {\n${'  log "x"\n'.repeat(100_000)}}`],
    ['just over 1 MiB', `#${'x'.repeat(1_048_576)}`],
    ['unbalanced closers', '}'.repeat(50_000)],
    ['only a quote', '"'],
  ];
  it.each(cases)('%s gives diagnostics, not a crash or a hang', (_name, src) => {
    const t0 = performance.now();
    const result = compile({ 'main.rules': src });
    const elapsed = performance.now() - t0;
    for (const d of result.diagnostics) assertInside(d, { 'main.rules': src });
    expect(result.diagnostics.length).toBeLessThanOrEqual(101);
    expect(elapsed).toBeLessThan(5000);
  });

  it('the 1 MB file of valid statements compiles without errors', () => {
    const src = `on request INVITE {\n${'  log "x"\n'.repeat(100_000)}}`;
    expect(src.length).toBeGreaterThan(1_000_000);
    const result = compile({ 'main.rules': src });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
