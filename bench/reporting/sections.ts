// The text of bench/REPORT.md around its figures: header, summary, tools, drachtio-server, runs.

import { boundedStep, cpuPerCall, n, NOT_MEASURED, P99_BOUND_MS, ratio, table } from './markdown.ts';
import {
  BENCHES,
  type BenchResults,
  type CallsData,
  type CompileData,
  dataOf,
  type EdgeData,
  type EditorData,
  type HotReloadData,
  type MediaData,
  type MediaSbcData,
  measured,
  type RulesData,
} from './results.ts';

export function header(results: BenchResults): string {
  const m = results.machine;
  return [
    '# Benchmark report',
    '',
    `Made by \`npm run bench${results.quick ? ' -- --quick' : ''}\` on ${results.startedAt}: ` +
      (results.quick
        ? '**a quick smoke run** (small counts, short steps): its figures show that the benches work, not what the SBC can do.'
        : 'a full run.'),
    '',
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB memory, Linux ${m.kernel}, Node ${m.node}. ` +
      'Every figure is from this one run, baseline included. The load average before and after each bench is ' +
      'listed under "Runs": other work on the machine shows there and skews the figures.',
  ].join('\n');
}

export function summary(results: BenchResults): string {
  const calls = dataOf<CallsData>(results, 'calls');
  const edge = dataOf<EdgeData>(results, 'edge');
  const rules = dataOf<RulesData>(results, 'rules');
  const media = dataOf<MediaData>(results, 'media');
  const reload = dataOf<HotReloadData>(results, 'hot-reload');
  const compile = dataOf<CompileData>(results, 'compile');
  const editor = dataOf<EditorData>(results, 'editor');
  const sbc = calls?.embedded;
  const rows: Array<Array<string | number>> = [];
  if (sbc) {
    rows.push([
      'highest call rate with 0 failed calls',
      `${sbc.bestRate} calls/s`,
      edge ? `${edge.bestRate} calls/s (bare B2BUA)` : NOT_MEASURED,
      ratio(sbc.bestRate, edge?.bestRate),
    ]);
    if (sbc.half)
      rows.push([
        `setup latency at ${sbc.half.rate} calls/s (half the best rate)`,
        `p50 ${n(sbc.half.p50)} ms, p99 ${n(sbc.half.p99)} ms`,
        '—',
        '—',
      ]);
    const bounded = boundedStep(sbc.steps);
    const boundedBase = edge ? boundedStep(edge.steps) : undefined;
    rows.push([
      `highest call rate with 0 failed calls and p99 setup ≤ ${P99_BOUND_MS} ms`,
      bounded ? `${bounded.rate} calls/s (p99 ${n(bounded.p99)} ms)` : 'none of the steps',
      edge ? (boundedBase ? `${boundedBase.rate} calls/s (bare B2BUA)` : 'none of the steps') : NOT_MEASURED,
      ratio(bounded?.rate, boundedBase?.rate),
    ]);
    const cpu = cpuPerCall(bounded);
    const base = cpuPerCall(boundedBase);
    if (cpu)
      rows.push([
        `CPU per call at that rate (calls/s one core carries at that cost)`,
        `${n(cpu.ms, 2)} ms (${Math.round(cpu.perCore)} calls/s)`,
        base ? `${n(base.ms, 2)} ms (${Math.round(base.perCore)} calls/s, bare B2BUA)` : NOT_MEASURED,
        ratio(cpu.ms, base?.ms),
      ]);
    if (sbc.memory)
      rows.push([
        'memory per active call',
        `${n(sbc.memory.kbPerCall)} KiB`,
        edge?.memory ? `${n(edge.memory.kbPerCall)} KiB (bare B2BUA)` : NOT_MEASURED,
        ratio(sbc.memory.kbPerCall, edge?.memory?.kbPerCall),
      ]);
  }
  const iso = rules?.paths.isolate;
  if (iso)
    rows.push([
      'rule hook p99 (Zoom profile, in its isolate)',
      `${n(iso.p99)} µs`,
      `${n(rules.paths.inproc?.p99)} µs (in process), ${n(rules.paths.empty?.p99)} µs (empty isolate)`,
      ratio(iso.p99, rules.paths.inproc?.p99),
    ]);
  const top = media?.rows.at(-1);
  if (top) {
    const base = media?.baseline?.find((b) => b.calls === top.calls);
    rows.push([
      `media loss at ${top.calls} concurrent SRTP↔RTP calls`,
      `${n(top.lossToRtp, 2)} % / ${n(top.lossToSrtp, 2)} %`,
      base
        ? `${n(base.lossCallerToCallee, 2)} % / ${n(base.lossCalleeToCaller, 2)} % (no rtpengine)`
        : NOT_MEASURED,
      '—',
    ]);
  }
  const viaSbc = dataOf<MediaSbcData>(results, 'media-sbc')?.rows.at(-1);
  if (viaSbc) {
    const direct = media?.rows.find((r) => r.calls === viaSbc.calls);
    rows.push([
      `media loss at ${viaSbc.calls} SRTP↔RTP calls set up through the SBC`,
      `${n(viaSbc.lossToRtp, 2)} % / ${n(viaSbc.lossToSrtp, 2)} %`,
      direct
        ? `${n(direct.lossToRtp, 2)} % / ${n(direct.lossToSrtp, 2)} % (media layer alone)`
        : NOT_MEASURED,
      '—',
    ]);
  }
  if (reload)
    rows.push([
      `failed calls with ${reload.embedded.reload.activations.length} activations under load`,
      `${reload.embedded.reload.failed} of ${reload.embedded.reload.calls}`,
      `${reload.embedded.baseline.failed} of ${reload.embedded.baseline.calls} (no activation)`,
      '—',
    ]);
  if (compile)
    rows.push([
      `compile ${compile.full.lines.toLocaleString('en-US')} lines / re-check after an edit`,
      `${n(compile.full.medianMs)} ms / ${n(compile.edit.medianMs)} ms`,
      `goals ${compile.full.goalMs} ms / ${compile.edit.goalMs} ms`,
      '—',
    ]);
  if (editor)
    rows.push([
      'web editor: time to interactive (cold) / keystroke → diagnostics',
      `${n(editor.tti.coldMs, 0)} ms / ${n(editor.keystroke.medianMs)} ms`,
      `goals ${editor.tti.goalMs} ms / ${editor.keystroke.goalMs} ms`,
      '—',
    ]);
  return ['## Summary', '', table(['figure', 'SBC', 'baseline (same run)', 'SBC / baseline'], rows)].join(
    '\n',
  );
}

export function toolsSection(results: BenchResults): string {
  const compile = dataOf<CompileData>(results, 'compile');
  const editor = dataOf<EditorData>(results, 'editor');
  const out = ['## Rule compiler and web editor'];
  out.push(
    '',
    compile
      ? table(
          ['what', 'median ms', 'best ms', 'goal ms'],
          [
            ['parser construction (once per process)', n(compile.initMs), '—', '—'],
            [
              `full compile, ${compile.full.lines} lines`,
              n(compile.full.medianMs),
              n(compile.full.bestMs),
              compile.full.goalMs,
            ],
            [
              `re-check after one edit, ${compile.edit.lines} lines`,
              n(compile.edit.medianMs),
              n(compile.edit.bestMs),
              compile.edit.goalMs,
            ],
          ],
        )
      : `Compiler: ${NOT_MEASURED}.`,
    '',
    editor
      ? table(
          ['what', 'figure', 'goal'],
          [
            [
              'bundle raw / gzip / brotli',
              `${Math.round(editor.bundle.raw / 1024)} / ${Math.round(editor.bundle.gzip / 1024)} / ${Math.round(editor.bundle.brotli / 1024)} kB`,
              '—',
            ],
            [
              'time to interactive, cold / warm median',
              `${n(editor.tti.coldMs, 0)} / ${n(editor.tti.warmMedianMs, 0)} ms`,
              `${editor.tti.goalMs} ms`,
            ],
            [
              'keystroke → diagnostics, median / p95',
              `${n(editor.keystroke.medianMs)} / ${n(editor.keystroke.p95Ms)} ms`,
              `${editor.keystroke.goalMs} ms`,
            ],
            [
              'compiler in the worker, median / p95',
              `${n(editor.worker.medianMs)} / ${n(editor.worker.p95Ms)} ms`,
              '—',
            ],
          ],
        )
      : `Web editor: ${NOT_MEASURED}.`,
  );
  return out.join('\n');
}

export function drachtioSection(results: BenchResults): string {
  const calls = dataOf<CallsData>(results, 'calls');
  const out = ['## The same SBC on a drachtio-server'];
  if (!results.drachtio.configured)
    out.push(
      '',
      'Not measured: DRACHTIO_HOST, DRACHTIO_PORT and DRACHTIO_SECRET were not set. With them (and DRACHTIO_SIP, ' +
        "the server's SIP address, default 127.0.0.1:5060) `npm run bench` runs the calls and hot-reload benches " +
        'a second time with `edge.mode: external` and draws them beside the embedded edge.',
    );
  else {
    const x = calls?.external;
    out.push(
      '',
      `drachtio-server at ${results.drachtio.target}: ` +
        (x && 'error' in x
          ? `not measured: ${x.error}`
          : measured(x)
            ? 'measured, drawn beside the embedded edge above.'
            : NOT_MEASURED),
    );
  }
  return out.join('\n');
}

export function runsSection(results: BenchResults): string {
  const rows = BENCHES.map((name) => {
    const o = results.benches[name];
    if (!o) return [name, 'not run', '—', '—', '—'];
    return [
      name,
      o.ok ? 'ok' : `failed: ${o.error.replace(/\|/g, '\\|')}`,
      Math.round(o.seconds),
      o.loadBefore,
      o.loadAfter,
    ];
  });
  return [
    '## Runs',
    '',
    table(['bench', 'result', 'seconds', 'load average before', 'load average after'], rows),
    '',
    'Reproduce: `npm run bench` (about 10 minutes; `-- --quick` for a smoke run under 3 minutes). Each bench also ' +
      'runs alone (`npm run bench:calls`, …) and prints its own figures; `node bench/reporting/report.ts DIR` ' +
      'remakes this report from DIR/report/results.json.',
  ].join('\n');
}
