/** Code generation for the rules runtime: IR → JavaScript for the isolate, plus its location tables. */
export {
  CODEGEN_VERSION,
  type CompiledRules,
  type GenerateResult,
  generate,
  type RunOutput,
  type TableInfo,
} from './generate.ts';
export { type EffectTemplate, type ExpandResult, expandEffects } from './effect-templates.ts';
export { type InProcessProgram, instantiate } from './in-process.ts';
export { type Prelude, prelude } from './prelude.ts';
export type { InputReads, SlotRead, SlotRoot } from './reads.ts';
export { compileRegex, MAX_PROGRAM, RegexCompileError, type RegexProgram } from './regex.ts';
