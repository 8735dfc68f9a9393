import type { Command } from 'commander';
import {
  type Coverage,
  type FileResult,
  findTestFiles,
  runRuleTestFiles,
  TEST_SUFFIX,
} from '../../admin/rule-test-engine.ts';
import { EXIT } from '../exit-codes.ts';
import { renderDiagnostic } from './check.ts';
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

export { TEST_SUFFIX };

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
  const cache = new Map<string, string[]>();
  const {
    passed,
    failed,
    files: results,
    coverage,
  } = runRuleTestFiles(files, {
    ...(opts.json ? {} : { onDiagnostics: (ds) => ds.forEach((d) => io.err(renderDiagnostic(d, cache))) }),
  });
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
