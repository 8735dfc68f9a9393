import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FileReader } from '../../../dsl/index.ts';

/** Shared by `sbc check` and `sbc fmt`: finding rule files and reading them from disk. */
export const RULE_EXT = '.rules';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** Expand FILE|DIR arguments into rule files (directories recursively, sorted); undefined entries are missing paths. */
export function expandPaths(paths: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) files.push(...walk(p));
    else files.push(p);
  }
  return { files: [...new Set(files)], missing };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.name.endsWith(RULE_EXT)) out.push(full);
  }
  return out;
}

/** Reads files as text; binary content is decoded leniently so the compiler can report it. */
export const fsReader: FileReader = {
  read(path: string): string | undefined {
    try {
      if (!statSync(path).isFile()) return undefined;
      return readFileSync(resolve(path), 'utf8');
    } catch {
      return undefined;
    }
  },
};
