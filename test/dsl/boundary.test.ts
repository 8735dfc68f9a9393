import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN.md "Import rules": dsl/ imports nothing from src/, Node or SIP libraries, so the same
 * compiler runs in the browser editor with identical diagnostics.
 */
const root = new URL('../../dsl', import.meta.url).pathname;
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

describe('dsl/ import boundary', () => {
  const all = files(root);
  it('has source files', () => {
    expect(all.length).toBeGreaterThan(10);
  });
  it.each(all.map((f) => [f.slice(root.length + 1), f]))(
    '%s imports only chevrotain and dsl/',
    (_name, file) => {
      const text = readFileSync(file, 'utf8');
      const specs = [...text.matchAll(/\bfrom '([^']+)'|import\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]!);
      for (const spec of specs) {
        const ok =
          spec === 'chevrotain' ||
          (spec.startsWith('.') && !spec.includes('/src/') && !spec.startsWith('../../'));
        expect(ok, `${file} imports ${spec}`).toBe(true);
      }
      expect(text).not.toMatch(
        /\bprocess\.(env|argv|exit|stdout|stderr|cwd|platform)\b|\bBuffer\.|\brequire\(/,
      );
    },
  );
});
