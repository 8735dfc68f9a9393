/**
 * Compiler benchmark (issue 4, item 9). Prints:
 *  - a generated 10,000-line rule file through all stages (goal < 300 ms on 2 cores);
 *  - a 1,000-line file re-checked after a one-line edit, as the editor does per keystroke (goal < 30 ms).
 * Run: node bench/compile.ts   (BENCH_JSON=file also writes the figures there as JSON)
 */
import { loadavg } from 'node:os';
import { compile, parseFile, Workspace } from '../dsl/index.ts';
import { emitJson } from './support/json.ts';

function generate(targetLines: number): string {
  const out: string[] = [
    'ruleset bench',
    '',
    'table numbers = provisioning.numbers {',
    '  zoom: bool',
    '  tenant: string?',
    '}',
    'counter rejected',
    'var tenant = ""',
    '',
  ];
  for (let i = 0; out.length < targetLines; i++) {
    out.push(
      `trunk t${i} {`,
      `  peers ["10.${i >> 8}.${i & 255}.1:5060", "10.${i >> 8}.${i & 255}.2:5060"]`,
      '  transport tls',
      '  media { srtp: required, codecs: [opus, G722, PCMU, PCMA], ptime: 20ms, dtmf: rfc2833 }',
      '  options { interval: 30s, down_after: 4, up_after: 3 }',
      '}',
      '',
      `on request INVITE from t${i} {`,
      '  let callee = e164(ruri.user, country: "US") else reject 484 "Address Incomplete"',
      '  let entry = numbers[callee] else {',
      '    count rejected',
      '    reject 404 "Number not provisioned"',
      '  }',
      '  if not entry.zoom {',
      '    reject 403 "Number not enabled"',
      '  }',
      '  set ruri.user = callee',
      '  default header "P-Asserted-Identity" = "<sip:" + from.user + "@" + from.host + ">"',
      '  remove header /^X-Zoom-/',
      '  if has(entry.tenant) and source.ip in 10.0.0.0/8 {',
      '    set header "X-Tenant" = entry.tenant',
      '    set tenant = entry.tenant',
      '  }',
      `  log info "call from t${i} to " + callee`,
      '  media outbound { srtp: off, dtmf: info }',
      `  route t${i + 1 < 100000 ? i : 0}`,
      '}',
      '',
    );
  }
  return out.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const best = new Map<string, number>();
/** Median of `runs` timings; the best run is kept too, since the 2 cores are shared with other work. */
function time(fn: () => void, runs: number, label = ''): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  best.set(label, Math.min(...samples));
  return median(samples);
}

/** Other work on the shared machine skews timings; the load average is printed with them. */
const loadAverage = () => loadavg()[0]!.toFixed(1);
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const bestOf = (label: string) => `best ${fmt(best.get(label) ?? 0)}`;
const rate = (lines: number, ms: number) =>
  `${Math.round((lines / ms) * 1000).toLocaleString('en-US')} lines/s`;

// Parser construction (chevrotain grammar analysis) happens once per process.
const t0 = performance.now();
compile({ 'warmup.rules': 'ruleset w' });
const init = performance.now() - t0;

const big = generate(10_000);
const bigLines = big.split('\n').length;
const check = compile({ 'big.rules': big });
const errors = check.diagnostics.filter((d) => d.severity === 'error');
if (errors.length > 0 || !check.ir)
  throw new Error(`generated file does not compile: ${JSON.stringify(errors[0])}`);
for (let i = 0; i < 3; i++) compile({ 'big.rules': big });
const full = time(() => compile({ 'big.rules': big }), 9, 'full');
const parseOnly = time(() => parseFile('big.rules', big), 9);

const small = generate(1_000);
const smallLines = small.split('\n').length;
const files = new Map([['editor.rules', small]]);
const ws = new Workspace({ read: (p) => files.get(p) });
ws.check('editor.rules');
let n = 0;
const edit = () => {
  // A one-character edit on one line, as typed in the editor.
  n++;
  files.set(
    'editor.rules',
    small.replace('log info "call from t3 to "', `log info "call from t3 to ${n % 10}"`),
  );
  const r = ws.check('editor.rules');
  if (!r.ir) throw new Error('edited file does not compile');
};
for (let i = 0; i < 5; i++) edit();
const incremental = time(edit, 31, 'edit');

console.log(`sbc compiler benchmark (Node ${process.version}; load average ${loadAverage()})`);
console.log(`  parser construction (once per process):  ${fmt(init)}`);
console.log(
  `  full compile, ${bigLines.toLocaleString('en-US')} lines, all stages:  median ${fmt(full)}, ${bestOf('full')}  (${rate(bigLines, full)})  goal < 300 ms  ${full < 300 ? 'OK' : 'MISSED'}`,
);
console.log(
  `    of which lexing and parsing:  ${fmt(parseOnly)}; the other stages:  ${fmt(full - parseOnly)}`,
);
console.log(
  `  re-check after one edit, ${smallLines.toLocaleString('en-US')} lines:  median ${fmt(incremental)}, ${bestOf('edit')}  (${rate(smallLines, incremental)})  goal < 30 ms  ${incremental < 30 ? 'OK' : 'MISSED'}`,
);
emitJson({
  initMs: init,
  full: { lines: bigLines, medianMs: full, bestMs: best.get('full'), parseMs: parseOnly, goalMs: 300 },
  edit: { lines: smallLines, medianMs: incremental, bestMs: best.get('edit'), goalMs: 30 },
});
