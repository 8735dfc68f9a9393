import { stringify } from 'yaml';
import { type Config, SECRETS } from './schema.ts';

export const MASK = '********';

/** The effective config as YAML, with every secret that is set replaced by a mask. */
export function printableConfig(config: Config): string {
  const copy = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
  for (const { path } of SECRETS) {
    const [section, key] = path;
    const parent = copy[section];
    if (parent && parent[key] !== undefined) parent[key] = MASK;
  }
  return stringify(copy);
}
