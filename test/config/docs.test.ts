/** docs/config.md must document every key the schema accepts, and no key it rejects. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { configSchema } from '../../src/config/index.ts';

const DOCS = readFileSync(resolve(import.meta.dirname, '../../docs/config.md'), 'utf8');

function leafKeys(schema: z.core.$ZodType, prefix: string): string[] {
  let def = schema._zod.def as { type: string; innerType?: z.core.$ZodType };
  while (def.innerType) def = def.innerType._zod.def as typeof def;
  if (def.type === 'object') {
    const shape = (def as unknown as z.core.$ZodObjectDef).shape;
    return Object.entries(shape).flatMap(([key, child]) =>
      leafKeys(child, prefix ? `${prefix}.${key}` : key),
    );
  }
  if (def.type === 'array') {
    const element = (def as unknown as z.core.$ZodArrayDef).element;
    return [prefix, ...leafKeys(element, `${prefix}[]`).filter((key) => key !== `${prefix}[]`)];
  }
  return [prefix];
}

describe('docs/config.md', () => {
  const keys = leafKeys(configSchema, '');

  it('covers the whole schema', () => {
    expect(keys.length).toBeGreaterThan(8);
  });

  it.each(keys)('documents %s', (key) => {
    expect(DOCS).toContain(`| \`${key}\` |`);
  });

  it('documents no key the schema does not have', () => {
    const documented = [...DOCS.matchAll(/^\| `([a-z][\w.[\]]*)` \|/gm)]
      .map((match) => match[1] ?? '')
      .filter((key) => key.includes('.'));
    expect(documented.filter((key) => !keys.includes(key))).toEqual([]);
  });
});
