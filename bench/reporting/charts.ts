// The report's figures as Vega-Lite specs. Each says in its own subtitle what was measured, on
// what machine, and against which baseline measured in the same run, so an SVG copied out of the
// report still carries its context.

import type { ChartSpec } from './render.ts';
import {
  type BenchName,
  type BenchResults,
  type CallsData,
  dataOf,
  type EdgeData,
  type HotReloadData,
  type MediaData,
  measured,
  type RulesData,
  type Step,
} from './results.ts';

export interface Figure {
  file: string;
  title: string;
  measured: string;
  baseline: string;
  spec: ChartSpec;
}

const SBC = 'SBC (sbc run, embedded edge)';
const SBC_EXTERNAL = 'SBC on drachtio-server (edge.mode: external)';
const B2BUA = 'baseline: bare drachtio-srf B2BUA on the embedded edge';

export function machineLine(results: BenchResults, bench: BenchName): string {
  const m = results.machine;
  const o = results.benches[bench];
  const load = o ? `; load average ${o.loadBefore} before, ${o.loadAfter} after` : '';
  return `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}${load}`;
}

/** Splits text into subtitle lines of at most `width` characters. */
export function wrap(text: string, width = 110): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function figure(
  results: BenchResults,
  bench: BenchName,
  f: Omit<Figure, 'spec'>,
  body: Record<string, unknown>,
): Figure {
  const subtitle = [
    ...wrap(`Measured: ${f.measured}`),
    ...wrap(machineLine(results, bench)),
    ...wrap(`Baseline (same run): ${f.baseline}`),
  ];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: f.title, subtitle },
    ...('vconcat' in body ? {} : { width: 640, height: 300 }),
    ...body,
  } as ChartSpec;
  return { ...f, spec };
}

/** The ramps of the SBC (both edges) and of the bare B2BUA, one row per step. */
function rampRows(results: BenchResults): Array<Step & { system: string }> {
  const calls = dataOf<CallsData>(results, 'calls');
  const edge = dataOf<EdgeData>(results, 'edge');
  const external = measured(calls?.external);
  return [
    ...(calls?.embedded.steps ?? []).map((s) => ({ ...s, system: SBC })),
    ...(external?.steps ?? []).map((s) => ({ ...s, system: SBC_EXTERNAL })),
    ...(edge?.steps ?? []).map((s) => ({ ...s, system: B2BUA })),
  ];
}

const legendColor = { field: 'system', type: 'nominal', title: null, legend: { labelLimit: 700 } } as const;

export function cpsFigure(results: BenchResults): Figure | undefined {
  const rows = rampRows(results).map((s) => ({ ...s, failedPct: (100 * s.failed) / Math.max(1, s.calls) }));
  if (rows.length === 0) return undefined;
  return figure(
    results,
    'calls',
    {
      file: 'cps-failed.svg',
      title: 'Call rate vs failed calls',
      measured:
        'sipp UAC → SBC (rules on, media off) → sipp UAS on loopback, sipp on the same cores; the rate rises step by step until a step has a failed call or the time budget ends. Failed = sipp failures + calls never completed.',
      baseline:
        'the same ramp through a bare drachtio-srf B2BUA on the same embedded edge (bench/edge.ts): the cost of the edge and srf alone, without rules or the signaling core.',
    },
    {
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'rate', type: 'quantitative', title: 'offered call rate (calls/s)' },
        y: { field: 'failedPct', type: 'quantitative', title: 'failed calls (% of the step)' },
        color: legendColor,
        tooltip: [{ field: 'failed' }, { field: 'calls' }],
      },
    },
  );
}

export function latencyFigure(results: BenchResults): Figure | undefined {
  const rows = rampRows(results).flatMap((s) =>
    (['p50', 'p90', 'p99'] as const).map((p) => ({
      system: s.system,
      rate: s.rate,
      percentile: p,
      ms: s[p],
    })),
  );
  if (rows.length === 0) return undefined;
  return figure(
    results,
    'calls',
    {
      file: 'setup-latency.svg',
      title: 'Call setup latency percentiles vs load',
      measured:
        'INVITE sent → 200 OK received at the sipp UAC (sipp -trace_rtt, 1 ms resolution), per step of the call-rate ramp; p50, p90 and p99 of every call of the step. Symmetric-log scale.',
      baseline: 'the same ramp through a bare drachtio-srf B2BUA on the same embedded edge (bench/edge.ts).',
    },
    {
      data: { values: rows.filter((r) => Number.isFinite(r.ms)) },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'rate', type: 'quantitative', title: 'offered call rate (calls/s)' },
        y: {
          field: 'ms',
          type: 'quantitative',
          title: 'setup latency (ms)',
          scale: { type: 'symlog' },
          axis: { values: [0, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] },
        },
        color: legendColor,
        strokeDash: {
          field: 'percentile',
          type: 'nominal',
          title: 'percentile',
          scale: {
            domain: ['p50', 'p90', 'p99'],
            range: [
              [1, 0],
              [6, 3],
              [2, 2],
            ],
          },
          legend: {
            symbolType: 'stroke',
            symbolStrokeColor: '#333',
            symbolStrokeWidth: 2,
            symbolOpacity: 1,
            labelExpr: "{ p50: 'p50 (solid)', p90: 'p90 (dashed)', p99: 'p99 (dotted)' }[datum.label]",
          },
        },
      },
    },
  );
}

/** Short axis labels; the report's table names the paths of bench/rules.ts. */
const RULE_PATHS: Record<string, string> = {
  isolate: 'isolate (a call)',
  'as-json': 'isolate, JSON',
  'no-limit': 'isolate, no limit',
  empty: 'empty isolate',
  inproc: 'in process',
};

export function ruleFigure(results: BenchResults): Figure | undefined {
  const rules = dataOf<RulesData>(results, 'rules');
  if (!rules) return undefined;
  const rows = Object.entries(rules.paths).flatMap(([path, s]) =>
    (['p50', 'p99', 'p999'] as const).map((p) => ({
      path: RULE_PATHS[path] ?? path,
      percentile: p === 'p999' ? 'p99.9' : p,
      us: s[p],
    })),
  );
  return figure(
    results,
    'rules',
    {
      file: 'rule-latency.svg',
      title: 'Rule latency: one INVITE hook of the Zoom profile',
      measured: `one hook evaluation of bench/fixtures/zoom on examples/messages/zoom-invite.sip, ${rules.calls} calls × ${rules.rounds} interleaved rounds, median round; goal isolate p99 ≤ 50 µs.`,
      baseline:
        'an empty handler in an isolate (the fixed cost of the sandbox) and the same generated code run in process without a sandbox.',
    },
    {
      data: { values: rows },
      mark: 'bar',
      encoding: {
        x: {
          field: 'path',
          type: 'nominal',
          title: null,
          sort: null,
          axis: { labelAngle: 0, labelLimit: 130 },
        },
        xOffset: { field: 'percentile', type: 'nominal' },
        y: { field: 'us', type: 'quantitative', title: 'latency (µs)' },
        color: { field: 'percentile', type: 'nominal', title: 'percentile' },
      },
    },
  );
}

export function memoryFigure(results: BenchResults): Figure | undefined {
  const calls = dataOf<CallsData>(results, 'calls');
  const edge = dataOf<EdgeData>(results, 'edge');
  const series = [
    { system: SBC, memory: calls?.embedded.memory },
    { system: `${SBC_EXTERNAL}, SBC process only`, memory: measured(calls?.external)?.memory },
    { system: B2BUA, memory: edge?.memory ?? undefined },
  ];
  const rows = series.flatMap(({ system, memory }) =>
    (memory?.samples ?? []).map((s) => ({
      system: `${system}: ${memory!.kbPerCall.toFixed(1)} KiB/call (idle ${(memory!.idleKb / 1024).toFixed(0)} MiB)`,
      calls: s.calls,
      rssMiB: (s.rssKb - memory!.idleKb) / 1024,
    })),
  );
  if (rows.length === 0) return undefined;
  return figure(
    results,
    'calls',
    {
      file: 'memory-per-call.svg',
      title: 'Memory per active call',
      measured:
        'RSS of the process under test (/proc/PID/status) once a second while sipp builds up long calls, minus its RSS just before, against the calls in flight at the UAC; KiB/call is the least-squares slope. Taken first, on the fresh process (after a ramp the heap has room to spare).',
      baseline:
        'the same process idle (0 calls, the first point of each line) and a bare drachtio-srf B2BUA on the same embedded edge holding the same calls.',
    },
    {
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'calls', type: 'quantitative', title: 'calls in flight' },
        y: { field: 'rssMiB', type: 'quantitative', title: 'RSS above idle (MiB)' },
        color: legendColor,
      },
    },
  );
}

export function mediaFigure(results: BenchResults): Figure | undefined {
  const media = dataOf<MediaData>(results, 'media');
  if (!media || media.rows.length === 0) return undefined;
  const rows = [
    ...media.rows.flatMap((r) => [
      { calls: r.calls, series: 'through rtpengine: SRTP caller → RTP callee', loss: r.lossToRtp },
      { calls: r.calls, series: 'through rtpengine: RTP callee → SRTP caller', loss: r.lossToSrtp },
    ]),
    ...(media.baseline ?? []).flatMap((b) => [
      { calls: b.calls, series: 'baseline, no rtpengine: caller → callee', loss: b.lossCallerToCallee },
      { calls: b.calls, series: 'baseline, no rtpengine: callee → caller', loss: b.lossCalleeToCaller },
    ]),
  ];
  return figure(
    results,
    'media',
    {
      file: 'media-loss.svg',
      title: 'Media packet loss vs concurrent calls',
      measured: `N concurrent calls, SRTP (AES_CM_128_HMAC_SHA1_80) ↔ RTP PCMU 20 ms through a spawned userspace rtpengine on loopback, ${media.seconds} s of media per level, both directions; loss = packets not received / sent.`,
      baseline: media.baseline
        ? 'the same packets sent leg to leg by the same generator without rtpengine: what the generator and the kernel lose by themselves.'
        : 'not measured in this run (MEDIA_BASELINE unset).',
    },
    {
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'calls', type: 'quantitative', title: 'concurrent calls' },
        // Loss is mostly 0: a fixed floor of 1 % keeps an all-zero chart readable.
        y: {
          field: 'loss',
          type: 'quantitative',
          title: 'packet loss (%)',
          scale: { domain: [0, Math.max(1, ...rows.map((r) => r.loss))] },
          axis: { format: '.2~f' },
        },
        color: { field: 'series', type: 'nominal', title: null },
      },
    },
  );
}

export function hotReloadFigure(results: BenchResults): Figure | undefined {
  const data = dataOf<HotReloadData>(results, 'hot-reload');
  if (!data) return undefined;
  const { baseline, reload } = data.embedded;
  const phases = [
    { phase: `no reload (baseline): ${baseline.failed} failed of ${baseline.calls}`, p: baseline },
    {
      phase: `${reload.activations.length} activations: ${reload.failed} failed of ${reload.calls}`,
      p: reload,
    },
  ];
  const points = phases.flatMap(({ phase, p }) =>
    p.timeline.flatMap((t) => [
      { phase, s: t.s, what: 'calls in flight', value: t.inFlight },
      { phase, s: t.s, what: 'failed calls per second', value: t.failedPerS },
    ]),
  );
  const activations = reload.activations.map((a) => ({ s: a.atS, ms: a.ms }));
  return figure(
    results,
    'hot-reload',
    {
      file: 'hot-reload.svg',
      title: 'Hot reload under load: calls in flight while rule versions are activated',
      measured: `sipp UAC → SBC → sipp UAS at ${data.rate} calls/s for ${data.seconds} s, each call held ${data.holdMs} ms; new rule versions activated through the admin API at the grey lines. 0 failed calls expected.`,
      baseline:
        'the same load on the same SBC with no activation, run just before (its line is the baseline phase).',
    },
    {
      vconcat: ['calls in flight', 'failed calls per second'].map((what) => ({
        width: 640,
        height: what === 'calls in flight' ? 200 : 90,
        layer: [
          {
            data: { values: points.filter((p) => p.what === what) },
            mark: { type: 'line', point: what !== 'calls in flight' },
            encoding: {
              x: { field: 's', type: 'quantitative', title: 'seconds since the load started' },
              y: {
                field: 'value',
                type: 'quantitative',
                title: what,
                scale: { domainMin: 0 },
                axis: { format: 'd', tickMinStep: 1 },
              },
              color: { field: 'phase', type: 'nominal', title: null },
            },
          },
          {
            data: { values: activations },
            mark: { type: 'rule', color: '#888', strokeDash: [4, 3] },
            encoding: { x: { field: 's', type: 'quantitative' } },
          },
        ],
      })),
    },
  );
}

export function allFigures(results: BenchResults): Figure[] {
  return [cpsFigure, latencyFigure, ruleFigure, memoryFigure, mediaFigure, hotReloadFigure]
    .map((make) => make(results))
    .filter((f): f is Figure => f !== undefined);
}
