/**
 * Rules benchmark (`npm run bench:rules`, or `node --no-node-snapshot bench/rules.ts`): latency of
 * one hook evaluation for the Zoom profile (bench/fixtures/zoom) on the Zoom INVITE of
 * examples/messages, measured three ways on the same input:
 *   isolate   the compiled rules in their isolate, through RuleSetRuntime.runHook (what a call pays:
 *             the parts of the snapshot the rules read, as JSON text)
 *   as-json   the same with the whole snapshot sent as JSON text (runJson)
 *   no-limit  the same without the time limit and its watchdog, to show what keeping the limit costs
 *   empty     an empty handler in an isolate, same path: the fixed cost of the sandbox
 *   inproc    the same generated code run in this process without a sandbox (the same JSON in, JSON out)
 * Each is measured in rounds, interleaved, and the median round is reported. Goal: isolate p99 ≤ 50 µs.
 * `--json` also prints the figures as JSON; BENCH_JSON=file writes them there (bench/run-all.ts).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { expandEffects, instantiate } from '../dsl/codegen/index.ts';
import type { HookInput } from '../dsl/effects.ts';
import { hookInputFor, loadMessage, messageSnapshot } from '../src/core/effects/index.ts';
import { compileRuleSet, loadRuleSetFromDisk, loadTables, RuleSetRuntime } from '../src/runtime/index.ts';
import { inputPayload } from '../src/runtime/input.ts';
import { emitJson } from './support/json.ts';

const ROOT = join(import.meta.dirname, '..');
const CALLS = Number(process.env.BENCH_CALLS ?? 40_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP = 5_000;

interface Stats {
  p50: number;
  p99: number;
  p999: number;
  perSecond: number;
  /** CPU time of this thread per call (user + system): what a call costs even when the machine is busy. */
  cpu: number;
}

function measure(fn: () => void): Stats {
  const lat = new Float64Array(CALLS);
  const cpu0 = process.threadCpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) {
    const t = process.hrtime.bigint();
    fn();
    lat[i] = Number(process.hrtime.bigint() - t);
  }
  const total = Number(process.hrtime.bigint() - start);
  const cpu1 = process.threadCpuUsage(cpu0);
  lat.sort();
  const at = (q: number) => lat[Math.min(CALLS - 1, Math.floor(CALLS * q))]! / 1000;
  return {
    p50: at(0.5),
    p99: at(0.99),
    p999: at(0.999),
    perSecond: CALLS / (total / 1e9),
    cpu: (cpu1.user + cpu1.system) / CALLS,
  };
}

function median(list: Stats[]): Stats {
  const sorted = [...list].sort((a, b) => a.p99 - b.p99);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const loaded = loadRuleSetFromDisk(join(ROOT, 'bench/fixtures/zoom'));
if (!loaded.ok) throw new Error(`bench rule set does not compile: ${JSON.stringify(loaded.diagnostics)}`);
const tables = loadTables(join(ROOT, 'bench/fixtures/zoom/tables.yaml'));
const message = loadMessage(readFileSync(join(ROOT, 'examples/messages/zoom-invite.sip'), 'utf8')).message;
const { input } = hookInputFor(messageSnapshot(message), loaded.rules, {
  source: { ip: '162.12.233.59', port: 5061 },
});

const zoom = new RuleSetRuntime(loaded.rules, { routeTargets: loaded.routeTargets, tables });
// The same rules without the time limit (no clock checks) and without the watchdog.
const unlimited = new RuleSetRuntime(loaded.rules, {
  routeTargets: loaded.routeTargets,
  tables,
  limits: { hookTimeoutMs: 0, watchdogMs: 0 },
});
const emptyRules = compileRuleSet({ 'empty.rules': 'on request INVITE {}' });
if (!emptyRules.ok) throw new Error('empty rule set does not compile');
const empty = new RuleSetRuntime(emptyRules.rules, { routeTargets: [] });
const program = instantiate(loaded.rules, (table, key) => {
  const row = tables.get(table, key);
  return row === undefined ? undefined : JSON.stringify(row);
});

// The three paths must agree before their speed means anything.
const check = zoom.runHook(input);
if (check.error || check.effects.at(-1)?.kind !== 'route')
  throw new Error(`unexpected result: ${JSON.stringify(check)}`);
const payload = (i: HookInput) => inputPayload(i, loaded.rules.reads) as string;
const inproc = JSON.parse(program.run(payload(input))) as { e: unknown[] };
const inprocEffects = expandEffects(loaded.rules.effects, inproc.e, 1000);
if (!inprocEffects.ok || inprocEffects.effects.length !== check.effects.length)
  throw new Error('in-process run differs from the isolate');

const variants: Record<string, (i: HookInput) => void> = {
  isolate: (i) => zoom.runHook(i),
  'as-json': (i) => zoom.runJson(i, JSON.stringify(i)),
  'no-limit': (i) => unlimited.runHook(i),
  empty: (i) => empty.runHook(i),
  inproc: (i) => JSON.parse(program.run(payload(i))),
};
for (const fn of Object.values(variants)) for (let i = 0; i < WARMUP; i++) fn(input);

const rounds: Record<string, Stats[]> = { isolate: [], 'as-json': [], 'no-limit': [], empty: [], inproc: [] };
for (let r = 0; r < ROUNDS; r++)
  for (const [name, fn] of Object.entries(variants)) rounds[name]!.push(measure(() => fn(input)));
const result = Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, median(v)])) as Record<
  string,
  Stats
>;
zoom.close();
unlimited.close();
empty.close();

const f = (n: number) => n.toFixed(1).padStart(8);
const lines = [
  `rules benchmark: ${loaded.rules.ruleset} on zoom-invite.sip, ${CALLS} calls × ${ROUNDS} rounds (median round), node ${process.version}, load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`,
  `${'path'.padEnd(10)}${'p50 µs'.padStart(8)}${'p99 µs'.padStart(8)}${'p99.9 µs'.padStart(10)}${'calls/s'.padStart(10)}${'cpu µs'.padStart(8)}`,
];
for (const [name, s] of Object.entries(result))
  lines.push(
    `${name.padEnd(10)}${f(s.p50)}${f(s.p99)}${f(s.p999).padStart(10)}${Math.round(s.perSecond).toString().padStart(10)}${f(s.cpu)}`,
  );
const iso = result.isolate!;
lines.push(
  `ratios    isolate/empty p50 ${(iso.p50 / result.empty!.p50).toFixed(2)}×  p99 ${(iso.p99 / result.empty!.p99).toFixed(2)}×` +
    `   isolate/inproc p50 ${(iso.p50 / result.inproc!.p50).toFixed(2)}×  p99 ${(iso.p99 / result.inproc!.p99).toFixed(2)}×`,
  `goal      isolate p99 ≤ 50 µs: ${iso.p99 <= 50 ? 'met' : 'NOT met'} (${iso.p99.toFixed(1)} µs)`,
);
process.stdout.write(`${lines.join('\n')}\n`);
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
emitJson({ ruleset: loaded.rules.ruleset, calls: CALLS, rounds: ROUNDS, paths: result });
