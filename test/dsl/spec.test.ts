import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CODES, ENUMS, FUNCTIONS, KEYWORDS } from '../../dsl/index.ts';
import { loadCases } from './conformance.ts';

/** docs/language.md and the compiler must agree: every code documented, every cited section present. */
const spec = readFileSync(new URL('../../docs/language.md', import.meta.url), 'utf8');
const diagnosticsSection = spec.slice(spec.indexOf('## 10. Diagnostics'), spec.indexOf('## 11.'));

describe('docs/language.md', () => {
  it.each(Object.keys(CODES))('documents %s with an example in §10', (code) => {
    const row = diagnosticsSection.split('\n').find((l) => l.startsWith(`| ${code} |`));
    expect(row, `${code} missing from the §10 table`).toBeDefined();
    expect(row!.split('|').length).toBeGreaterThanOrEqual(5);
  });

  it('has a heading for every section the conformance cases cite', () => {
    const headings = new Set(
      [...spec.matchAll(/^#{2,4} ([0-9.]+?)\.? /gm)].map((m) => m[1]!.replace(/\.$/, '')),
    );
    const cited = new Set(
      loadCases(new URL('./conformance', import.meta.url).pathname).map((c) => c.section.slice(1)),
    );
    const missing = [...cited].filter((s) => !headings.has(s));
    expect(missing).toEqual([]);
  });

  it('lists exactly the reserved words of the lexer in §2.3', () => {
    const section = spec.slice(spec.indexOf('### 2.3'), spec.indexOf('### 2.4'));
    const block = /```\n([^`]+)```/.exec(section)![1]!;
    expect(block.split(/\s+/).filter(Boolean).sort()).toEqual([...KEYWORDS].sort());
  });

  it('documents every built-in function in §5.4 and every enumeration value in §4.4', () => {
    const functions = spec.slice(spec.indexOf('### 5.4'), spec.indexOf('## 6.'));
    for (const name of Object.keys(FUNCTIONS)) expect(functions, name).toContain(`\`${name}(`);
    const enums = spec.slice(spec.indexOf('### 4.4'), spec.indexOf('### 4.5'));
    for (const values of Object.values(ENUMS)) for (const v of values) expect(enums, v).toContain(v);
  });
});
