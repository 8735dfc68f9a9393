import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, format } from '../../dsl/index.ts';

/** The example rule sets (docs/language.md §14) compile cleanly and are in canonical layout. */
const dir = new URL('./examples', import.meta.url).pathname;
const examples = readdirSync(dir).filter((f) => f.endsWith('.rules'));

describe.each(examples)('example %s', (name) => {
  const text = readFileSync(`${dir}/${name}`, 'utf8');
  it('compiles without diagnostics into an IR', () => {
    const result = compile({ [name]: text });
    expect(result.diagnostics).toEqual([]);
    expect(result.ir?.handlers.length).toBeGreaterThan(0);
  });
  it('is formatted', () => {
    expect(format(text).text).toBe(text);
  });
});
