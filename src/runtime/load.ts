import { type CompiledRules, generate } from '../../dsl/codegen/index.ts';
import { type CompileInput, compile, type Diagnostic } from '../../dsl/index.ts';

/**
 * Rule files → compiled program: the compiler's diagnostics when it finds errors, else the code
 * generator's output. Warnings are passed along either way.
 */
export type LoadResult =
  | { ok: true; rules: CompiledRules; diagnostics: Diagnostic[]; routeTargets: string[] }
  | { ok: false; diagnostics: Diagnostic[] };

export function compileRuleSet(input: CompileInput, options: { entry?: string } = {}): LoadResult {
  const result = compile(input, options);
  if (result.ir === undefined) return { ok: false, diagnostics: result.diagnostics };
  const gen = generate(result.ir);
  if (!gen.ok) return { ok: false, diagnostics: [...result.diagnostics, ...gen.diagnostics] };
  const routeTargets = [...result.ir.trunks.map((t) => t.name), ...result.ir.groups.map((g) => g.name)];
  return { ok: true, rules: gen.compiled, diagnostics: result.diagnostics, routeTargets };
}
