import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compileRuleSet, type LoadResult } from './load.ts';
import { InMemoryTables, type TableRow } from './table-source.ts';

/**
 * Rule sets and table data from disk, for `sbc preview` and `sbc test`. A rule set is named by its
 * entry file, or by a directory holding `main.rules` or exactly one entry file.
 */
export class RuleSetPathError extends Error {}

export const fileReader = {
  read(path: string): string | undefined {
    try {
      return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  },
};

export function resolveEntry(path: string): string {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new RuleSetPathError(`no such file or directory: ${path}`);
  }
  if (!st.isDirectory()) return path;
  const main = join(path, 'main.rules');
  if (existsSync(main)) return main;
  const files = readdirSync(path).filter((f) => f.endsWith('.rules'));
  if (files.length === 1) return join(path, files[0]!);
  throw new RuleSetPathError(
    files.length === 0
      ? `no .rules file in ${path}`
      : `${path} holds several .rules files and no main.rules; name the entry file`,
  );
}

export function loadRuleSetFromDisk(path: string): LoadResult & { entry: string } {
  const entry = resolveEntry(path);
  return { ...compileRuleSet({ entry, reader: fileReader }), entry };
}

/** Provisioning data for previews and tests: YAML or JSON `{ table: { key: row } }`. */
export function loadTables(path: string): InMemoryTables {
  const text = readFileSync(path, 'utf8');
  const data: unknown = parseYaml(text);
  return tablesFromData(data, path);
}

export function tablesFromData(data: unknown, what: string): InMemoryTables {
  if (data === null || data === undefined) return new InMemoryTables();
  if (typeof data !== 'object' || Array.isArray(data))
    throw new Error(`${what}: tables must be a map of table name to rows`);
  const out: Record<string, Record<string, TableRow>> = {};
  for (const [table, rows] of Object.entries(data as Record<string, unknown>)) {
    if (rows === null || typeof rows !== 'object' || Array.isArray(rows))
      throw new Error(`${what}: table '${table}' must be a map of key to row`);
    out[table] = {};
    for (const [key, row] of Object.entries(rows as Record<string, unknown>)) {
      if (row === null || typeof row !== 'object' || Array.isArray(row))
        throw new Error(`${what}: row '${key}' of table '${table}' must be a map of field to value`);
      out[table][key] = row as TableRow;
    }
  }
  return new InMemoryTables(out);
}
