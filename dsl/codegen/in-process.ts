import type { CompiledRules } from './generate.ts';

/**
 * Runs a generated program in the current realm, without a sandbox: for the benchmark's comparison
 * and for tests of the generator itself. The program's `globalThis` is bound to a private object, so
 * it defines its entry points there and not on the real global. Never use it for untrusted code.
 */
export interface InProcessProgram {
  run(inputJson: string): string;
  where(): number;
}

export function instantiate(
  rules: CompiledRules,
  lookup: (table: string, key: string) => string | undefined = () => undefined,
): InProcessProgram {
  const env: Record<string, unknown> = { $lookup: lookup };
  new Function('globalThis', rules.source)(env);
  return {
    run: env.__sbc_run as InProcessProgram['run'],
    where: env.__sbc_where as InProcessProgram['where'],
  };
}
