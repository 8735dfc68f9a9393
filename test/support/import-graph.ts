/**
 * Reads the import graph of the project's TypeScript sources with a real
 * TypeScript parser (oxc), so imports split over lines, `export … from`,
 * dynamic `import()` and `require()` are all seen, and strings that merely
 * look like imports are not.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { parseSync } from 'oxc-parser';

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
  const parsed = parseSync(file, text);
  if (parsed.errors.length > 0) {
    throw new Error(`${relative(root, file)}: cannot parse: ${parsed.errors[0]?.message}`);
  }
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  const specifiers: Array<{ value: string; start: number }> = [];
  // Keyed by the specifier's own position: `export { x }` of an imported
  // binding points back at its import, which must be counted once.
  const seen = new Set<number>();
  const add = (request: { value: string; start: number }, statementStart: number) => {
    if (seen.has(request.start)) return;
    seen.add(request.start);
    specifiers.push({ value: request.value, start: statementStart });
  };
  for (const item of parsed.module.staticImports) add(item.moduleRequest, item.start);
  for (const item of parsed.module.staticExports) {
    for (const entry of item.entries) if (entry.moduleRequest) add(entry.moduleRequest, item.start);
  }
  for (const item of parsed.module.dynamicImports) {
    const raw = text.slice(item.moduleRequest.start, item.moduleRequest.end);
    // A computed import() cannot be checked, so it is reported as such.
    const literal = /^(['"`])([^'"`]*)\1$/.exec(raw);
    specifiers.push({ value: literal ? (literal[2] ?? '') : `<computed: ${raw}>`, start: item.start });
  }
  for (const match of text.matchAll(/\brequire\s*\(\s*(['"])([^'"]+)\1/g)) {
    specifiers.push({ value: match[2] ?? '', start: match.index });
  }
  const from = relative(root, file);
  return specifiers.map(({ value, start }) => {
    const edge: ImportEdge = { from, specifier: value, line: lineAt(start) };
    if (value.startsWith('.')) edge.resolved = relative(root, resolve(file, '..', value));
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
