import { describe, expect, it } from 'vitest';
import { CODES, compile } from '../../dsl/index.ts';
import { at, loadCases } from './conformance.ts';

const cases = loadCases(new URL('./conformance', import.meta.url).pathname);

describe('conformance suite', () => {
  it('has at least 150 cases, each citing a section of docs/language.md', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    for (const c of cases) expect(c.section, c.title).toMatch(/^§[0-9]/);
  });

  it('exercises every diagnostic code', () => {
    const used = new Set(cases.flatMap((c) => c.expect.map((e) => e.code)));
    const missing = Object.keys(CODES).filter((code) => !used.has(code));
    expect(missing).toEqual([]);
  });
});

describe.each(cases.map((c) => [`${c.origin}: ${c.title}`, c] as const))('%s', (_name, c) => {
  it(
    c.ok
      ? 'compiles cleanly'
      : `reports ${c.expect.map((e) => `${e.code}@${e.line}:${e.column}`).join(', ')}`,
    () => {
      const result = compile(c.files, { entry: 'main.rules' });
      const got = result.diagnostics.map((d) => `${d.code} @${d.line}:${d.column}`);
      if (c.ok) {
        expect(got).toEqual([]);
        expect(result.ir).toBeDefined();
      } else {
        expect(got).toEqual(c.expect.map((e) => `${e.code} @${e.line}:${e.column}`));
        if (c.expect.some((e) => e.code.startsWith('E'))) expect(result.ir).toBeUndefined();
      }
      for (const check of c.ir) expect(at(result.ir, check.path), check.path).toEqual(check.value);
      for (const d of result.diagnostics) {
        expect(d.message.length).toBeGreaterThan(0);
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.column).toBeGreaterThanOrEqual(1);
      }
    },
  );
});
