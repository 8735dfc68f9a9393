/**
 * Hard limits of the compiler (docs/language.md §9). They exist so that any input, however
 * hostile, is answered with diagnostics in bounded time and memory instead of a crash or hang.
 */
export const LIMITS = {
  /** Largest rule file accepted, in UTF-16 code units (≈ bytes for ASCII sources). */
  maxFileChars: 1_048_576,
  /** Deepest nesting of ( [ { across a file. */
  maxNesting: 64,
  /** Deepest expression tree: operands chained (a + b + c …) or nested; keeps every stage's recursion bounded. */
  maxExprDepth: 256,
  /** Most consecutive prefix operators (not not not …). */
  maxPrefixOps: 32,
  /** Most diagnostics reported per file; the rest are summarised in one E012. */
  maxDiagnosticsPerFile: 100,
  /** Most files in one rule set (entry plus imports). */
  maxFiles: 256,
  /** Longest regex source, in characters. */
  maxRegexLength: 1_000,
  /** Largest counted repetition {n,m} in a regex (same bound as RE2). */
  maxRegexRepeat: 1_000,
  /** Longest string literal, in characters. */
  maxStringLength: 8_192,
} as const;
