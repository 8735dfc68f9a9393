// `npm run bench`: runs every bench, one after the other, each in its own process, collects the
// JSON each writes (BENCH_JSON) and makes the report: bench/REPORT.md with charts in bench/report/.
//   --quick       small counts and short steps: a smoke run in under 3 minutes, written to
//                 bench/out/quick/ unless --out is given (its figures are not the product's)
//   --out DIR     where REPORT.md and report/ go
//   --only a,b    run only these benches (compile, rules, edge, calls, media, media-sbc, hot-reload, editor)
// A bench that fails is reported as such; the others still run. Each is bounded in time.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeReport } from './reporting/report.ts';
import { hasDrachtio } from './support/sbc.ts';
import {
  BENCHES,
  type BenchName,
  type BenchOutcome,
  type BenchResults,
  loadAverage,
  thisMachine,
} from './reporting/results.ts';

const ROOT = resolve(import.meta.dirname, '..');

interface Plan {
  script: string;
  args?: string[];
  snapshotless?: boolean;
  env: Record<string, string>;
  quickEnv: Record<string, string>;
  quickArgs?: string[];
}

const PLANS: Record<BenchName, Plan> = {
  compile: { script: 'bench/compile.ts', env: {}, quickEnv: {} },
  rules: {
    script: 'bench/rules.ts',
    snapshotless: true,
    env: {},
    quickEnv: { BENCH_CALLS: '3000', BENCH_ROUNDS: '3' },
  },
  edge: {
    script: 'bench/edge.ts',
    env: { HOLD_CALLS: '1000' },
    quickEnv: { RATES: '100,200', STEP_SECONDS: '3', HOLD_CALLS: '100' },
  },
  calls: {
    script: 'bench/calls.ts',
    snapshotless: true,
    env: {},
    quickEnv: { RATES: '100,200', STEP_SECONDS: '3', HOLD_CALLS: '100' },
  },
  media: {
    script: 'bench/media.ts',
    env: { MEDIA_BASELINE: '1' },
    quickEnv: { BENCH_SECONDS: '3' },
    quickArgs: ['20', '50'],
  },
  'media-sbc': {
    script: 'bench/media-sbc.ts',
    snapshotless: true,
    env: {},
    quickEnv: { BENCH_SECONDS: '3' },
    quickArgs: ['20', '50'],
  },
  'hot-reload': {
    script: 'bench/hot-reload.ts',
    snapshotless: true,
    env: {},
    quickEnv: { RATE: '50', SECONDS: '10', ACTIVATIONS: '3', HOLD_MS: '1000' },
  },
  editor: { script: 'bench/editor.ts', env: {}, quickEnv: {} },
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
  },
});
const quick = values.quick ?? false;
const outDir = resolve(values.out ?? (quick ? join(ROOT, 'bench/out/quick') : join(ROOT, 'bench')));
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((name) => !(BENCHES as readonly string[]).includes(name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown bench: ${unknown.join(', ')} (known: ${BENCHES.join(', ')})`);
  process.exit(2);
}
const selected = BENCHES.filter((name) => !only || only.includes(name));
const limitMs = quick ? 120_000 : 420_000;

/** Runs one bench with its output shown as it comes; keeps the end of stderr to say why it failed. */
async function runBench(name: BenchName): Promise<BenchOutcome> {
  const plan = PLANS[name];
  const scratch = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const json = join(scratch, 'figures.json');
  const args = [
    ...(plan.snapshotless ? ['--no-node-snapshot'] : []),
    join(ROOT, plan.script),
    ...(quick ? (plan.quickArgs ?? []) : (plan.args ?? [])),
  ];
  const env = { ...process.env, ...plan.env, ...(quick ? plan.quickEnv : {}), BENCH_JSON: json };
  const loadBefore = loadAverage();
  const t0 = performance.now();
  console.log(`\n=== ${name}: ${plan.script}${quick ? ' (quick)' : ''}`);
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const guard = setTimeout(() => child.kill('SIGTERM'), limitMs);
  const code = await new Promise<number | string>((r) =>
    child.on('close', (c, signal) => r(c ?? signal ?? -1)),
  );
  clearTimeout(guard);
  const seconds = (performance.now() - t0) / 1000;
  const common = { seconds, loadBefore, loadAfter: loadAverage() };
  try {
    if (code !== 0 || !existsSync(json)) {
      const why = stderr.trim().split('\n').filter(Boolean).at(-1) ?? 'no output on stderr';
      const error = code === 'SIGTERM' ? `stopped after ${limitMs / 1000} s` : `exit ${code}: ${why}`;
      return { ok: false, error: error.slice(0, 300), ...common };
    }
    return { ok: true, data: JSON.parse(readFileSync(json, 'utf8')) as unknown, ...common };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The editor bench measures the built bundle: build it (a full run always, a quick run when missing). */
function buildEditor(): string | undefined {
  if (quick && existsSync(join(ROOT, 'editor/dist/index.html'))) return undefined;
  const r = spawnSync('npm', ['run', 'build:editor'], { cwd: ROOT, stdio: 'inherit' });
  return r.status === 0 ? undefined : `npm run build:editor failed (exit ${r.status})`;
}

const results: BenchResults = {
  startedAt: new Date().toISOString(),
  quick,
  machine: thisMachine(),
  drachtio: hasDrachtio()
    ? { configured: true, target: `${process.env.DRACHTIO_HOST}:${process.env.DRACHTIO_PORT}` }
    : { configured: false },
  benches: {},
};
const started = performance.now();
for (const name of selected) {
  const buildError = name === 'editor' ? buildEditor() : undefined;
  results.benches[name] = buildError
    ? { ok: false, error: buildError, seconds: 0, loadBefore: loadAverage(), loadAfter: loadAverage() }
    : await runBench(name);
}
const written = await writeReport(results, outDir);
const failed = Object.entries(results.benches).filter(([, o]) => !o.ok);
console.log(
  `\nbench: ${selected.length - failed.length} of ${selected.length} benches ran in ${Math.round((performance.now() - started) / 1000)} s; ` +
    `report ${written.markdown} with ${written.charts.length} charts` +
    (failed.length ? `; failed: ${failed.map(([n]) => n).join(', ')}` : ''),
);
process.exitCode = failed.length ? 1 : 0;
