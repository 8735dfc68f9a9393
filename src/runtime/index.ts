/** The rules runtime: compiled rule sets in isolates, hook calls in, effects out (docs/runtime.md). */
export { DEFAULT_FALLBACK, type FallbackPolicy, fallbackFor } from './fallback.ts';
export { DEFAULT_LIMITS, type RuntimeLimits } from './limits.ts';
export { compileRuleSet, type LoadResult } from './load.ts';
export {
  fileReader,
  loadRuleSetFromDisk,
  loadTables,
  RuleSetPathError,
  resolveEntry,
  tablesFromData,
} from './load-files.ts';
export { projectRow, RuleIsolate } from './rule-isolate.ts';
export { RuleSetRuntime, type RuntimeLog, type RuntimeOptions } from './runtime.ts';
export type * from './snapshot.ts';
export { InMemoryTables, NO_TABLES, type TableRow, type TableSource } from './table-source.ts';
