/**
 * Reads the import graph of the project's sources with TypeScript's own
 * pre-processor (`ts.preProcessFile`), so imports split over lines,
 * `export … from`, `import type`, dynamic `import()` and `require()` are all
 * seen, and strings that merely look like imports are not.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Importing file, relative to the root given to collectImports. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** For relative specifiers: the imported file, relative to the root. */
  resolved?: string;
  line: number;
}

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs)$/;

export function listSources(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listSources(path));
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

export function importsOf(file: string, root: string): ImportEdge[] {
  const text = readFileSync(file, 'utf8');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const from = relative(root, file);
  return importedFiles.map(({ fileName, pos }) => {
    const edge: ImportEdge = { from, specifier: fileName, line: text.slice(0, pos).split('\n').length };
    if (fileName.startsWith('.')) edge.resolved = relative(root, resolve(file, '..', fileName));
    return edge;
  });
}

export function collectImports(dir: string, root: string): ImportEdge[] {
  return listSources(dir).flatMap((file) => importsOf(file, root));
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export function isNodeBuiltin(specifier: string): boolean {
  return (
    specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0] ?? '')
  );
}

/** True when a resolved path lies inside one of the given top-level folders. */
export function isUnder(path: string, folders: readonly string[]): boolean {
  return folders.some((folder) => path === folder || path.startsWith(`${folder}${sep}`));
}
