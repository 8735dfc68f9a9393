/**
 * The import rules of ../shared/DESIGN.md ("Layers, and the one direction data
 * flows"), read from the real import graph. They keep the compiler runnable in
 * the browser and the layers replaceable.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectImports, type ImportEdge, isNodeBuiltin, isUnder } from '../support/import-graph.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Packages dsl/ may use: pure JavaScript that runs unchanged in a browser. */
const DSL_ALLOWED_PACKAGES = new Set(['chevrotain']);

function dslViolations(root: string): string[] {
  return collectImports(join(root, 'dsl'), root)
    .filter((edge) => {
      if (edge.resolved !== undefined) return !isUnder(edge.resolved, ['dsl']);
      if (isNodeBuiltin(edge.specifier)) return true;
      const packageName = edge.specifier.startsWith('@')
        ? edge.specifier.split('/').slice(0, 2).join('/')
        : edge.specifier.split('/')[0];
      return !DSL_ALLOWED_PACKAGES.has(packageName ?? '');
    })
    .map(describeEdge);
}

function layerViolations(root: string, layer: string, forbidden: readonly string[]): string[] {
  return collectImports(join(root, layer), root)
    .filter((edge) => edge.resolved !== undefined && isUnder(edge.resolved, forbidden))
    .map(describeEdge);
}

function describeEdge(edge: ImportEdge): string {
  return `${edge.from}:${edge.line} imports '${edge.specifier}'`;
}

describe('dsl/ is browser-safe', () => {
  it('imports nothing from Node, from src/, or from SIP/network packages', () => {
    expect(dslViolations(ROOT)).toEqual([]);
  });

  it('catches each kind of forbidden import (checked on a scratch tree)', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'sbc-layers-'));
    mkdirSync(join(scratch, 'dsl'));
    mkdirSync(join(scratch, 'src'));
    writeFileSync(join(scratch, 'src', 'x.ts'), 'export const x = 1;\n');
    writeFileSync(
      join(scratch, 'dsl', 'bad.ts'),
      [
        "import { readFileSync } from 'node:fs';",
        "import {\n  x,\n} from '../src/x.ts';",
        "export { Srf } from 'drachtio-srf';",
        "const os = await import('os');",
        'const message = "from \'fs\' is only text";',
        "import { Lexer } from 'chevrotain';",
        'export { readFileSync, x, os, message, Lexer };',
      ].join('\n'),
    );
    expect(dslViolations(scratch)).toEqual([
      "dsl/bad.ts:1 imports 'node:fs'",
      "dsl/bad.ts:4 imports '../src/x.ts'",
      "dsl/bad.ts:5 imports 'drachtio-srf'",
      "dsl/bad.ts:6 imports 'os'",
    ]);
  });
});

describe('layer directions', () => {
  it('the rules runtime never imports the core or the edge (it returns effects)', () => {
    expect(layerViolations(ROOT, 'src/runtime', ['src/core', 'src/edge'])).toEqual([]);
  });

  it('the edge never imports the core, the runtime or media (it speaks only the wire protocol)', () => {
    expect(layerViolations(ROOT, 'src/edge', ['src/core', 'src/runtime', 'src/media', 'src/admin'])).toEqual(
      [],
    );
  });

  it('the core never imports the admin API (data flows admin → store → runtime)', () => {
    expect(layerViolations(ROOT, 'src/core', ['src/admin'])).toEqual([]);
  });

  it('the editor imports dsl/ only', () => {
    expect(layerViolations(ROOT, 'editor', ['src'])).toEqual([]);
  });
});
