import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { CompiledRules } from '../../../dsl/codegen/index.ts';
import { MessageFileError, previewMessage, SnapshotError } from '../../core/effects/index.ts';
import {
  checkCase,
  type Failure,
  type TestCase,
  TestFileError,
  validateTestFile,
} from '../../core/effects/rule-test.ts';
import {
  loadRuleSetFromDisk,
  RuleSetPathError,
  RuleSetRuntime,
  tablesFromData,
} from '../../runtime/index.ts';
import { EXIT } from '../exit-codes.ts';
import { renderDiagnostic } from './check.ts';
import { parseSource } from './preview.ts';
import { type Io, processIo } from './rule-files.ts';

/**
 * `sbc test [DIR] [--coverage] [--coverage-min PCT] [--json]`: run the rule unit tests (`*.test.yaml`,
 * docs/rule-tests.md) under DIR. Exit 0 when all pass, 1 when any fails (or coverage is below the
 * minimum), 2 for usage errors.
 */
export interface TestCliOptions {
  coverage?: boolean;
  coverageMin?: string;
  json?: boolean;
}

export const TEST_SUFFIX = '.test.yaml';

export function register(program: Command): void {
  program
    .command('test')
    .description('run rule unit tests (*.test.yaml)')
    .argument('[dir]', 'directory (or one test file) to run', '.')
    .option('--coverage', 'report which rules and branches the tests ran')
    .option('--coverage-min <pct>', 'fail when coverage is below this percentage')
    .option('--json', 'print results as JSON')
    .action((dir: string, opts: TestCliOptions) => {
      process.exitCode = runTests(dir, opts, processIo);
    });
}

interface CaseResult {
  name: string;
  ok: boolean;
  failures: Failure[];
}

interface FileResult {
  file: string;
  ruleset?: string;
  error?: string;
  cases: CaseResult[];
}

interface Coverage {
  ruleset: string;
  covered: number;
  total: number;
  pct: number;
  uncovered: { at: string; label: string }[];
}

function findTestFiles(path: string): string[] {
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

export function runTests(dir: string, opts: TestCliOptions, io: Io): number {
  const min = opts.coverageMin === undefined ? undefined : Number(opts.coverageMin);
  if (min !== undefined && !(min >= 0 && min <= 100)) {
    io.err(`sbc test: --coverage-min must be a percentage from 0 to 100, got '${opts.coverageMin}'\n`);
    return EXIT.usage;
  }
  let files: string[];
  try {
    files = findTestFiles(dir);
  } catch {
    io.err(`sbc test: no such file or directory: ${dir}\n`);
    return EXIT.usage;
  }
  if (files.length === 0) {
    io.err(`sbc test: no *${TEST_SUFFIX} files under ${dir}\n`);
    return EXIT.usage;
  }
  const runtimes = new Map<string, LoadedRules>();
  const results: FileResult[] = [];
  for (const file of files) results.push(runFile(file, runtimes, io, opts.json === true));
  const coverage: Coverage[] = [];
  for (const [entry, r] of runtimes) if (r.rules) coverage.push(coverageOf(entry, r.rules, r.hits));
  const failed = results.reduce((n, f) => n + f.cases.filter((c) => !c.ok).length + (f.error ? 1 : 0), 0);
  const passed = results.reduce((n, f) => n + f.cases.filter((c) => c.ok).length, 0);
  const below = min !== undefined && coverage.some((c) => c.pct < min);
  if (opts.json) {
    io.out(
      `${JSON.stringify({ passed, failed, files: results, ...(opts.coverage || min !== undefined ? { coverage } : {}) }, null, 2)}\n`,
    );
  } else {
    for (const f of results) io.out(renderFile(f));
    if (opts.coverage || min !== undefined) for (const c of coverage) io.out(renderCoverage(c, min));
    io.out(`\n${passed} passed, ${failed} failed\n`);
  }
  return failed > 0 || below ? EXIT.failure : EXIT.ok;
}

/** A rule set compiled once for every test file that names it; coverage accumulates across files. */
interface LoadedRules {
  rules?: CompiledRules;
  routeTargets?: string[];
  error?: string;
  hits: Set<number>;
}

function runFile(file: string, runtimes: Map<string, LoadedRules>, io: Io, json: boolean): FileResult {
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
  const base = dirname(file);
  const rulesetPath = resolve(base, spec.ruleset ?? '.');
  let entry = runtimes.get(rulesetPath);
  if (entry === undefined) {
    entry = { hits: new Set() };
    try {
      const loaded = loadRuleSetFromDisk(rulesetPath);
      if (loaded.ok) {
        entry.rules = loaded.rules;
        entry.routeTargets = loaded.routeTargets;
      } else {
        const cache = new Map<string, string[]>();
        entry.error = 'the rule set has errors';
        if (!json) for (const d of loaded.diagnostics) io.err(renderDiagnostic(d, cache));
      }
    } catch (e) {
      entry.error = e instanceof RuleSetPathError || e instanceof Error ? e.message : String(e);
    }
    runtimes.set(rulesetPath, entry);
  }
  const shownRuleset = relative(process.cwd(), rulesetPath) || '.';
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
    return { file, ruleset: shownRuleset, cases: spec.tests.map((c) => runCase(c, base, runtime, hits)) };
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

function coverageOf(entry: string, rules: CompiledRules, hits: Set<number>): Coverage {
  const total = rules.points.length;
  const covered = rules.points.filter((p) => hits.has(p.id)).length;
  return {
    ruleset: relative(process.cwd(), entry) || '.',
    covered,
    total,
    pct: total === 0 ? 100 : Math.round((covered / total) * 1000) / 10,
    uncovered: rules.points
      .filter((p) => !hits.has(p.id))
      .map((p) => ({
        at: `${relative(process.cwd(), p.at.file) || p.at.file}:${p.at.line}:${p.at.column}`,
        label: p.label,
      })),
  };
}

function renderFile(f: FileResult): string {
  let out = `${f.file}${f.ruleset ? ` (rules: ${f.ruleset})` : ''}\n`;
  if (f.error) return `${out}  ERROR ${f.error}\n`;
  for (const c of f.cases) {
    out += `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}\n`;
    for (const x of c.failures) {
      out += `       ${x.what}: expected ${x.expected.replace(/\n\s*/g, ' ')}, got ${x.actual.replace(/\n\s*/g, ' ')}\n`;
      if (x.diff) out += x.diff.replace(/^/gm, '         ').replace(/\s+$/, '\n');
    }
  }
  return out;
}

function renderCoverage(c: Coverage, min: number | undefined): string {
  let out = `\ncoverage ${c.ruleset}: ${c.covered}/${c.total} rule decisions (${c.pct}%)`;
  if (min !== undefined) out += c.pct < min ? ` — BELOW the minimum of ${min}%` : ` — minimum ${min}% met`;
  out += '\n';
  for (const u of c.uncovered) out += `  not run: ${u.at}  ${u.label}\n`;
  return out;
}
