// The sections of bench/REPORT.md that hold a figure, each with the table of its figures.

import type { Figure } from './charts.ts';
import { figureBlock, n, NOT_MEASURED, table } from './markdown.ts';
import {
  type BenchResults,
  type CallsData,
  dataOf,
  type EdgeData,
  type HotReloadData,
  type HotReloadRun,
  type MediaData,
  type MediaSbcData,
  measured,
  type RulesData,
  type Step,
} from './results.ts';

function stepsTable(series: Array<{ name: string; steps: Step[] }>): string {
  const rows = series.flatMap(({ name, steps }) =>
    steps.map((s) => [name, s.rate, s.calls, s.failed, n(s.p50), n(s.p90), n(s.p99), n(s.processCpu, 0)]),
  );
  return table(['system', 'calls/s', 'calls', 'failed', 'p50 ms', 'p90 ms', 'p99 ms', 'process CPU %'], rows);
}

export function callsSection(results: BenchResults, figures: Figure[], chartsDir: string): string {
  const calls = dataOf<CallsData>(results, 'calls');
  const edge = dataOf<EdgeData>(results, 'edge');
  const out = ['## Calls per second, failed calls and setup latency'];
  for (const f of figures.filter((x) => x.file === 'cps-failed.svg' || x.file === 'setup-latency.svg'))
    out.push('', figureBlock(f, chartsDir));
  const series = [
    { name: 'SBC, embedded edge', steps: calls?.embedded.steps ?? [] },
    { name: 'SBC on drachtio-server', steps: measured(calls?.external)?.steps ?? [] },
    { name: 'bare B2BUA (baseline)', steps: edge?.steps ?? [] },
  ].filter((s) => s.steps.length > 0);
  out.push('', series.length > 0 ? stepsTable(series) : `Calls: ${NOT_MEASURED}.`);
  return out.join('\n');
}

export function memorySection(results: BenchResults, figures: Figure[], chartsDir: string): string {
  const calls = dataOf<CallsData>(results, 'calls');
  const edge = dataOf<EdgeData>(results, 'edge');
  const out = ['## Memory per call'];
  const f = figures.find((x) => x.file === 'memory-per-call.svg');
  if (f) out.push('', figureBlock(f, chartsDir));
  const rows = [
    ['SBC, embedded edge', calls?.embedded.memory],
    ['SBC on drachtio-server (SBC process only)', measured(calls?.external)?.memory],
    ['bare B2BUA (baseline)', edge?.memory ?? undefined],
  ] as const;
  const held = rows.filter(([, m]) => m);
  out.push(
    '',
    held.length === 0
      ? `Memory: ${NOT_MEASURED}.`
      : table(
          ['system', 'calls held', 'RSS idle MiB', 'RSS loaded MiB', 'KiB per call'],
          held.map(([name, m]) => [
            name,
            m!.held,
            n(m!.idleKb / 1024),
            n(m!.loadedKb / 1024),
            n(m!.kbPerCall),
          ]),
        ),
  );
  return out.join('\n');
}

const RULE_PATHS: Record<string, string> = {
  isolate: 'the compiled rules in their isolate (what a call pays)',
  'as-json': 'the same, snapshot sent as JSON text instead of copied',
  'no-limit': 'the same without the per-call time limit',
  empty: 'an empty handler in an isolate: the fixed cost of the sandbox (baseline)',
  inproc: 'the same generated code in process, no sandbox (baseline)',
};

export function rulesSection(results: BenchResults, figures: Figure[], chartsDir: string): string {
  const rules = dataOf<RulesData>(results, 'rules');
  const out = ['## Rule latency'];
  const f = figures.find((x) => x.file === 'rule-latency.svg');
  if (f) out.push('', figureBlock(f, chartsDir));
  if (!rules) return [...out, '', `Rules: ${NOT_MEASURED}.`].join('\n');
  out.push(
    '',
    table(
      ['path', 'what', 'p50 µs', 'p99 µs', 'p99.9 µs', 'calls/s', 'CPU µs per call'],
      Object.entries(rules.paths).map(([path, s]) => [
        path,
        RULE_PATHS[path] ?? '',
        n(s.p50),
        n(s.p99),
        n(s.p999),
        Math.round(s.perSecond),
        n(s.cpu),
      ]),
    ),
  );
  return out.join('\n');
}

export function mediaSection(results: BenchResults, figures: Figure[], chartsDir: string): string {
  const media = dataOf<MediaData>(results, 'media');
  const out = ['## Media loss vs concurrent calls'];
  const f = figures.find((x) => x.file === 'media-loss.svg');
  if (f) out.push('', figureBlock(f, chartsDir));
  if (!media) return [...out, '', `Media: ${NOT_MEASURED}.`].join('\n');
  out.push(
    '',
    table(
      [
        'calls',
        'offer+answer/s',
        'packets/s',
        'loss → RTP %',
        'loss → SRTP %',
        'no rtpengine loss %',
        'SRTP auth failed',
        'rtpengine CPU %',
      ],
      media.rows.map((r) => {
        const b = media.baseline?.find((x) => x.calls === r.calls);
        return [
          r.calls,
          r.setupCps,
          r.pps,
          n(r.lossToRtp, 2),
          n(r.lossToSrtp, 2),
          b ? `${n(b.lossCallerToCallee, 2)} / ${n(b.lossCalleeToCaller, 2)}` : 'n/a',
          `${r.srtpFailed} of ${r.srtpChecked}`,
          n(r.engineCpu, 0),
        ];
      }),
    ),
  );
  const sbc = mediaThroughSbc(results, media);
  if (sbc) out.push('', sbc);
  return out.join('\n');
}

/**
 * bench/media-sbc.ts: the same SRTP↔RTP calls set up over SIP through a whole `sbc run`, against
 * the media layer driving the same rtpengine directly (bench/media.ts, same run) as baseline.
 */
function mediaThroughSbc(results: BenchResults, direct: MediaData | undefined): string | undefined {
  const sbc = dataOf<MediaSbcData>(results, 'media-sbc');
  if (!sbc) return undefined;
  return [
    `Measured: the same calls set up over SIP/UDP through a real \`sbc run\` and the rtpengine it spawns (bench/media-sbc.ts), ${sbc.seconds} s of media per level, then hung up with BYE; set-up is INVITE → 200 at the caller.`,
    '',
    'Baseline: the media layer driving rtpengine directly, same calls, same run (bench/media.ts, table above).',
    '',
    table(
      [
        'calls',
        'set-up/s',
        'set-up p50 / p99 ms',
        'loss → RTP %',
        'loss → SRTP %',
        'baseline loss → RTP / → SRTP %',
        'SRTP auth failed',
        'SBC CPU %',
        'rtpengine CPU %',
        'sessions left',
      ],
      sbc.rows.map((r) => {
        const b = direct?.rows.find((x) => x.calls === r.calls);
        return [
          r.calls,
          n(r.setupCps, 0),
          `${n(r.setupP50)} / ${n(r.setupP99)}`,
          n(r.lossToRtp, 2),
          n(r.lossToSrtp, 2),
          b ? `${n(b.lossToRtp, 2)} / ${n(b.lossToSrtp, 2)}` : 'n/a',
          `${r.srtpFailed} of ${r.srtpChecked}`,
          n(r.sbcCpu, 0),
          n(r.engineCpu, 0),
          r.sessionsLeft,
        ];
      }),
    ),
  ].join('\n');
}

function reloadRows(name: string, run: HotReloadRun): Array<Array<string | number>> {
  const act = run.reload.activations.map((a) => a.ms).sort((a, b) => a - b);
  const median = act[Math.floor(act.length / 2)];
  return [
    [
      `${name}, no activation (baseline)`,
      run.baseline.calls,
      run.baseline.failed,
      n(run.baseline.p50),
      n(run.baseline.p99),
      0,
      '—',
    ],
    [
      `${name}, with activations`,
      run.reload.calls,
      run.reload.failed,
      n(run.reload.p50),
      n(run.reload.p99),
      act.length,
      act.length ? `${n(median, 0)} / ${n(act.at(-1), 0)}` : '—',
    ],
  ];
}

export function reloadSection(results: BenchResults, figures: Figure[], chartsDir: string): string {
  const data = dataOf<HotReloadData>(results, 'hot-reload');
  const out = ['## Hot reload under load'];
  const f = figures.find((x) => x.file === 'hot-reload.svg');
  if (f) out.push('', figureBlock(f, chartsDir));
  if (!data) return [...out, '', `Hot reload: ${NOT_MEASURED}.`].join('\n');
  const external = measured(data.external);
  out.push(
    '',
    table(
      ['run', 'calls', 'failed', 'p50 ms', 'p99 ms', 'activations', 'activation answered, median / max ms'],
      [
        ...reloadRows('embedded edge', data.embedded),
        ...(external ? reloadRows('drachtio-server', external) : []),
      ],
    ),
  );
  return out.join('\n');
}
