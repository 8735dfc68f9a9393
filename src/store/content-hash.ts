import { createHash } from 'node:crypto';
import type { RuleFiles } from './types.ts';

/**
 * A rule set's identity: SHA-256 over the entry name and every file, in path order, each part
 * length-prefixed so no two different sets can serialise alike.
 */
export function contentHash(entry: string, files: RuleFiles): string {
  const hash = createHash('sha256');
  const part = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  };
  part(entry);
  for (const path of Object.keys(files).sort()) {
    part(path);
    part(files[path] ?? '');
  }
  return `sha256:${hash.digest('hex')}`;
}
