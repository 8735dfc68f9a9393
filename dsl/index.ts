/**
 * Public API of the rule language. Pure TypeScript without Node or SIP imports: the same code
 * runs in the CLI, the server and the browser editor, so diagnostics are identical everywhere.
 */
export type * from './ast.ts';
export { CODES, type DiagnosticCode } from './codes.ts';
export {
  type CompileInput,
  type CompileResult,
  compile,
  type FileReader,
  STAGES,
  Workspace,
} from './compiler.ts';
export type { Diagnostic, Severity, Span } from './diagnostics.ts';
export { PLANS, toE164, toNational } from './e164.ts';
export { type FormatResult, format } from './format/format.ts';
export type * from './ir.ts';
export { IR_VERSION } from './ir.ts';
export { FUNCTIONS } from './builtins.ts';
export { ROOTS } from './fields.ts';
export { KEYWORDS, ruleLexer } from './lexer.ts';
export { LIMITS } from './limits.ts';
export { ENUMS } from './types.ts';
export { parseFile } from './stages/parse.ts';
