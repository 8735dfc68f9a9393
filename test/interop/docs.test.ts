// docs/interop/*.md map each seed requirement to rule lines and tests (issue: interop profiles,
// item 7). This keeps them true: every linked rule line holds the text quoted beside it, and every
// test named exists.

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DOCS = join(ROOT, 'docs/interop');

/** Where a test file named in the docs lives: test/interop, or a profile's rule tests. */
function locate(name: string): string | undefined {
  const candidates = [join(ROOT, 'test/interop', name), join(ROOT, name)];
  for (const profile of readdirSync(join(ROOT, 'rules'))) candidates.push(join(ROOT, 'rules', profile, name));
  return candidates.find((path) => {
    try {
      readFileSync(path);
      return true;
    } catch {
      return false;
    }
  });
}

describe.each(readdirSync(DOCS).filter((f) => f.endsWith('.md')))('docs/interop/%s', (doc) => {
  const text = readFileSync(join(DOCS, doc), 'utf8');

  it('quotes rule lines as they are', () => {
    const links = [...text.matchAll(/\]\(\.\.\/\.\.\/(rules\/[^)#]+)#L(\d+)\) `([^`]+)`/g)];
    expect(links.length).toBeGreaterThan(5);
    for (const [, file, line, quoted] of links) {
      const lines = readFileSync(join(ROOT, file!), 'utf8').split('\n');
      expect(lines[Number(line) - 1], `${file}:${line}`).toContain(quoted);
    }
  });

  it('names tests that exist', () => {
    const refs = [...text.matchAll(/([\w.-]+\.test\.(?:ts|yaml)) › ((?:"[^"]+"(?:, )?)+)/g)];
    expect(refs.length).toBeGreaterThan(5);
    for (const [, file, titles] of refs) {
      const path = locate(file!);
      expect(path, file).toBeDefined();
      const source = readFileSync(path!, 'utf8');
      for (const [, title] of titles!.matchAll(/"([^"]+)"/g))
        expect(source, `${file} › ${title}`).toContain(title);
    }
  });
});
