/**
 * The rule-test engine (docs/rule-tests.md): runs `*.test.yaml` files against the rule set each one
 * names, with the same parser, isolate and effects code the signaling core uses, and measures
 * which rule decisions the tests exercised. `sbc test` prints its results; the admin API runs a
 * stored version's tests with it (POST /api/v1/rulesets/versions/{version}/test).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Diagnostic } from '../../dsl/index.ts';
import type { CompiledRules } from '../../dsl/codegen/index.ts';
import { parseSource } from '../cli/commands/preview.ts';
import { MessageFileError, previewMessage, SnapshotError } from '../core/effects/index.ts';
import {
  checkCase,
  type Failure,
  type TestCase,
  TestFileError,
  validateTestFile,
} from '../core/effects/rule-test.ts';
import { loadRuleSetFromDisk, RuleSetPathError, RuleSetRuntime, tablesFromData } from '../runtime/index.ts';

export const TEST_SUFFIX = '.test.yaml';

export interface RuleTestOptions {
  /** Paths in the results (rule sets, coverage locations) are relative to this; default the cwd. */
  base?: string;
  /** Told the compiler's diagnostics of a rule set that does not compile. */
  onDiagnostics?: (diagnostics: readonly Diagnostic[]) => void;
}

export interface RuleTestRun {
  passed: number;
  failed: number;
  files: FileResult[];
  coverage: Coverage[];
}

/** Runs every test file; rule sets are compiled once each and coverage accumulates across files. */
export function runRuleTestFiles(files: string[], options: RuleTestOptions = {}): RuleTestRun {
  const base = options.base ?? process.cwd();
  const runtimes = new Map<string, LoadedRules>();
  const results = files.map((file) => runFile(file, runtimes, base, options.onDiagnostics));
  const coverage: Coverage[] = [];
  for (const [entry, r] of runtimes) if (r.rules) coverage.push(coverageOf(entry, r.rules, r.hits, base));
  const failed = results.reduce((n, f) => n + f.cases.filter((c) => !c.ok).length + (f.error ? 1 : 0), 0);
  const passed = results.reduce((n, f) => n + f.cases.filter((c) => c.ok).length, 0);
  return { passed, failed, files: results, coverage };
}

export interface CaseResult {
  name: string;
  ok: boolean;
  failures: Failure[];
}

export interface FileResult {
  file: string;
  ruleset?: string;
  error?: string;
  cases: CaseResult[];
}

export interface Coverage {
  ruleset: string;
  covered: number;
  total: number;
  pct: number;
  uncovered: { at: string; label: string }[];
}

export function findTestFiles(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  for (const e of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = join(path, e.name);
    if (e.isDirectory()) out.push(...findTestFiles(full));
    else if (e.name.endsWith(TEST_SUFFIX)) out.push(full);
  }
  return out;
}

/** A rule set compiled once for every test file that names it; coverage accumulates across files. */
interface LoadedRules {
  rules?: CompiledRules;
  routeTargets?: string[];
  error?: string;
  hits: Set<number>;
}

function runFile(
  file: string,
  runtimes: Map<string, LoadedRules>,
  base: string,
  onDiagnostics: RuleTestOptions['onDiagnostics'],
): FileResult {
  let spec: ReturnType<typeof validateTestFile>;
  try {
    spec = validateTestFile(parseYaml(readFileSync(file, 'utf8')));
  } catch (e) {
    return {
      file,
      error: e instanceof TestFileError || e instanceof Error ? e.message : String(e),
      cases: [],
    };
  }
  const dir = dirname(file);
  const rulesetPath = resolve(dir, spec.ruleset ?? '.');
  let entry = runtimes.get(rulesetPath);
  if (entry === undefined) {
    entry = { hits: new Set() };
    try {
      const loaded = loadRuleSetFromDisk(rulesetPath);
      if (loaded.ok) {
        entry.rules = loaded.rules;
        entry.routeTargets = loaded.routeTargets;
      } else {
        entry.error = 'the rule set has errors';
        onDiagnostics?.(loaded.diagnostics);
      }
    } catch (e) {
      entry.error = e instanceof RuleSetPathError || e instanceof Error ? e.message : String(e);
    }
    runtimes.set(rulesetPath, entry);
  }
  const shownRuleset = relative(base, rulesetPath) || '.';
  if (entry.rules === undefined)
    return { file, ruleset: shownRuleset, error: entry.error ?? 'cannot load the rule set', cases: [] };
  let tables: ReturnType<typeof tablesFromData>;
  try {
    tables = tablesFromData(spec.tables, file);
  } catch (e) {
    return { file, ruleset: shownRuleset, error: e instanceof Error ? e.message : String(e), cases: [] };
  }
  // Each file brings its own tables, so each gets its own runtime (same compiled code, same limits).
  const runtime = new RuleSetRuntime(entry.rules, { routeTargets: entry.routeTargets ?? [], tables });
  const hits = entry.hits;
  try {
    return { file, ruleset: shownRuleset, cases: spec.tests.map((c) => runCase(c, dir, runtime, hits)) };
  } finally {
    runtime.close();
  }
}

function runCase(c: TestCase, base: string, runtime: RuleSetRuntime, hits: Set<number>): CaseResult {
  let content: string;
  try {
    content = c.message.includes('\n') ? c.message : readFileSync(resolve(base, c.message), 'utf8');
  } catch {
    return {
      name: c.name,
      ok: false,
      failures: [{ what: 'message', expected: c.message, actual: 'cannot read the file', diff: '' }],
    };
  }
  const source = c.source === undefined ? undefined : parseSource(c.source);
  try {
    const result = previewMessage(runtime, content, {
      ...(c.hook ? { hook: c.hook } : {}),
      ...(c.trunk ? { trunk: c.trunk } : {}),
      ...(source ? { source } : {}),
      ...(c.vars ? { vars: c.vars } : {}),
      ...(c.failure
        ? {
            failure: {
              status: c.failure.status,
              reason: c.failure.reason ?? '',
              timeout: c.failure.timeout ?? false,
            },
          }
        : {}),
    });
    for (const h of result.hits) hits.add(h);
    const failures = checkCase(c, result);
    return { name: c.name, ok: failures.length === 0, failures };
  } catch (e) {
    if (e instanceof MessageFileError || e instanceof SnapshotError)
      return {
        name: c.name,
        ok: false,
        failures: [{ what: 'message', expected: 'a valid SIP message', actual: e.message, diff: '' }],
      };
    throw e;
  }
}

function coverageOf(entry: string, rules: CompiledRules, hits: Set<number>, base: string): Coverage {
  const total = rules.points.length;
  const covered = rules.points.filter((p) => hits.has(p.id)).length;
  return {
    ruleset: relative(base, entry) || '.',
    covered,
    total,
    pct: total === 0 ? 100 : Math.round((covered / total) * 1000) / 10,
    uncovered: rules.points
      .filter((p) => !hits.has(p.id))
      .map((p) => ({
        at: `${relative(base, p.at.file) || p.at.file}:${p.at.line}:${p.at.column}`,
        label: p.label,
      })),
  };
}
