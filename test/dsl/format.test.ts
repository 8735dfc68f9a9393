import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { format } from '../../dsl/index.ts';

/** Golden files (docs/language.md §12): NAME.in.rules formats to NAME.out.rules. */
const dir = new URL('./fmt', import.meta.url).pathname;
const inputs = readdirSync(dir).filter((f) => f.endsWith('.in.rules'));
const comments = (text: string) =>
  text.split('\n').flatMap((l) => (l.includes('#') ? [l.slice(l.indexOf('#'))] : []));

describe.each(inputs)('golden %s', (name) => {
  const input = readFileSync(`${dir}/${name}`, 'utf8');
  const golden = readFileSync(`${dir}/${name.replace('.in.', '.out.')}`, 'utf8');

  it('formats to the golden file', () => {
    const result = format(input, name);
    expect(result.ok).toBe(true);
    expect(result.text).toBe(golden);
  });

  it('is idempotent', () => {
    expect(format(golden).text).toBe(golden);
  });

  it('keeps every comment', () => {
    expect(comments(golden).sort()).toEqual(comments(input).sort());
  });
});

describe('format', () => {
  it('returns a file with syntax errors unchanged, with its diagnostics', () => {
    const src = 'on request INVITE {\n  set = 1\n}\n';
    const result = format(src);
    expect(result.ok).toBe(false);
    expect(result.text).toBe(src);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E100']);
  });

  it('formats an empty file to an empty file', () => {
    expect(format('').text).toBe('');
    expect(format('\n\n').text).toBe('');
  });

  it('keeps a file of only comments', () => {
    expect(format('# one\n\n\n# two\n').text).toBe('# one\n\n# two\n');
  });

  it('puts a long list one item per line with trailing commas, and parses it back', () => {
    const items = Array.from({ length: 12 }, (_, i) => `"10.0.0.${i}:5060"`).join(', ');
    const out = format(`trunk t { peers [${items}] }`).text;
    expect(out).toContain('  peers [\n    "10.0.0.0:5060",\n');
    expect(format(out).text).toBe(out);
  });

  it('writes a one-statement let-else on one line', () => {
    const out = format(
      'on request INVITE {\n  let x = header["A"] else {\n    reject 400\n  }\n  log x\n}\n',
    ).text;
    expect(out).toContain('let x = header["A"] else reject 400\n');
  });
});
