// The report generator of `npm run bench` on small synthetic bench results (the benches themselves
// are not run here): REPORT.md with its sections and one SVG per figure, each figure saying what
// was measured, on what machine and against which baseline.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { writeReport } from '../../bench/reporting/report.ts';
import type { BenchResults } from '../../bench/reporting/results.ts';

const step = (rate: number, failed: number, p50: number, processCpu = 50) => ({
  rate,
  calls: rate * 3,
  failed,
  p50,
  p90: p50 * 2,
  p99: p50 * 4,
  processCpu,
});
const memory = (kbPerCall: number) => ({
  held: 100,
  idleKb: 100_000,
  loadedKb: 100_000 + kbPerCall * 100,
  kbPerCall,
  samples: [0, 50, 100].map((calls) => ({ calls, rssKb: 100_000 + kbPerCall * calls })),
});
const phase = (activations: number) => ({
  calls: 500,
  ok: 500,
  failed: 0,
  p50: 4,
  p90: 6,
  p99: 12,
  activations: Array.from({ length: activations }, (_, i) => ({ atS: 2.5 * (i + 1), ms: 11, inFlight: 50 })),
  timeline: [0, 1, 2, 3].map((s) => ({
    s,
    inFlight: s ? 50 : 0,
    startedPerS: 50,
    okPerS: 50,
    failedPerS: 0,
  })),
});
const ran = (data: unknown) => ({ ok: true as const, data, seconds: 3, loadBefore: 0.5, loadAfter: 0.7 });
const latency = (p50: number) => ({ p50, p99: p50 * 3, p999: p50 * 9, perSecond: 1e6 / p50, cpu: p50 });

const RESULTS: BenchResults = {
  startedAt: '2026-01-02T03:04:05.000Z',
  quick: true,
  machine: { cpuModel: 'Test CPU 9000', cores: 2, memoryGiB: 24, kernel: '6.1.0', node: 'v24.21.0' },
  drachtio: { configured: false },
  benches: {
    compile: ran({
      initMs: 20,
      full: { lines: 10_000, medianMs: 120, bestMs: 100, parseMs: 60, goalMs: 300 },
      edit: { lines: 1000, medianMs: 5, bestMs: 4, goalMs: 30 },
    }),
    rules: ran({
      ruleset: 'zoom_peering',
      calls: 3000,
      rounds: 3,
      paths: {
        isolate: latency(20),
        'as-json': latency(25),
        'no-limit': latency(19),
        empty: latency(8),
        inproc: latency(5),
      },
    }),
    edge: ran({
      // 300 calls/s: no failure, but p99 setup 120 ms, past the 100 ms bound of a carried rate.
      steps: [step(100, 0, 2), step(200, 0, 3, 20), step(300, 0, 30)],
      bestRate: 300,
      memory: memory(12),
    }),
    calls: ran({
      embedded: {
        edge: 'embedded',
        steps: [step(100, 0, 3, 25), step(200, 7, 40)],
        bestRate: 100,
        half: { rate: 50, p50: 3, p90: 5, p99: 9 },
        memory: memory(31),
      },
      external: null,
    }),
    media: ran({
      seconds: 3,
      rows: [20, 50].map((calls) => ({
        calls,
        setupCps: 300,
        pps: calls * 100,
        lossToRtp: 0.01,
        lossToSrtp: 0.02,
        srtpChecked: 100,
        srtpFailed: 0,
        engineCpu: 10,
        selfCpu: 20,
        lateS: 0.01,
      })),
      baseline: [20, 50].map((calls) => ({ calls, lossCallerToCallee: 0, lossCalleeToCaller: 0.001 })),
    }),
    'media-sbc': ran({
      seconds: 3,
      rows: [20, 50].map((calls) => ({
        calls,
        setupCps: 120,
        setupP50: 4,
        setupP99: 9,
        lossToRtp: 0.03,
        lossToSrtp: 0.04,
        srtpChecked: 100,
        srtpFailed: 0,
        sbcCpu: 30,
        engineCpu: 12,
        sessionsLeft: 0,
      })),
    }),
    'hot-reload': ran({
      rate: 50,
      seconds: 10,
      holdMs: 1000,
      embedded: { edge: 'embedded', baseline: phase(0), reload: phase(3) },
      external: null,
    }),
    editor: {
      ok: false,
      error: 'exit 1: chromium did not start',
      seconds: 1,
      loadBefore: 0.7,
      loadAfter: 0.7,
    },
  },
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('writes REPORT.md with every section and one SVG per figure, each naming measurement, machine and baseline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  dirs.push(dir);
  const written = await writeReport(RESULTS, dir);

  const svgs = readdirSync(join(dir, 'report')).filter((f) => f.endsWith('.svg'));
  expect(svgs.sort()).toEqual(
    ['cps-failed', 'hot-reload', 'media-loss', 'memory-per-call', 'rule-latency', 'setup-latency'].map(
      (f) => `${f}.svg`,
    ),
  );
  expect(written.charts).toHaveLength(6);
  for (const svg of svgs) {
    const text = readFileSync(join(dir, 'report', svg), 'utf8');
    expect(text, svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text, svg).toContain('Measured:');
    expect(text, svg).toContain('Machine: 2 cores (Test CPU 9000), 24 GiB');
    expect(text, svg).toContain('Baseline (same run):');
    // Marks were drawn, not only the frame: every chart has data paths.
    expect(text.match(/<path/g)?.length ?? 0, svg).toBeGreaterThan(5);
  }

  const md = readFileSync(written.markdown, 'utf8');
  const headings = md.split('\n').filter((l) => l.startsWith('#'));
  expect(headings).toEqual([
    '# Benchmark report',
    '## Summary',
    '## Calls per second, failed calls and setup latency',
    '## Memory per call',
    '## Rule latency',
    '## Media loss vs concurrent calls',
    '## Hot reload under load',
    '## Rule compiler and web editor',
    '## The same SBC on a drachtio-server',
    '## Runs',
  ]);
  for (const svg of svgs) expect(md).toContain(`](report/${svg})`);
  expect(md).toContain('**a quick smoke run**');
  expect(md).toContain(
    '| highest call rate with 0 failed calls | 100 calls/s | 300 calls/s (bare B2BUA) | 0.33× |',
  );
  expect(md).toContain(
    '| highest call rate with 0 failed calls and p99 setup ≤ 100 ms | 100 calls/s (p99 12.0 ms) | 200 calls/s (bare B2BUA) | 0.50× |',
  );
  expect(md).toContain(
    '| CPU per call at that rate (calls/s one core carries at that cost) | 2.50 ms (400 calls/s) | 1.00 ms (1000 calls/s, bare B2BUA) | 2.50× |',
  );
  expect(md).toContain('| memory per active call | 31.0 KiB | 12.0 KiB (bare B2BUA) | 2.58× |');
  // Media through the whole SBC, against the media layer alone at the same number of calls.
  expect(md).toContain(
    '| media loss at 50 SRTP↔RTP calls set up through the SBC | 0.03 % / 0.04 % | 0.01 % / 0.02 % (media layer alone) | — |',
  );
  expect(md).toMatch(
    /\| 50 \| 120 \| 4\.0 \/ 9\.0 \| 0\.03 \| 0\.04 \| 0\.01 \/ 0\.02 \| 0 of 100 \| 30 \| 12 \| 0 \|/,
  );
  expect(md).toContain(
    '| failed calls with 3 activations under load | 0 of 500 | 0 of 500 (no activation) | — |',
  );
  expect(md).toContain('Not measured: DRACHTIO_HOST, DRACHTIO_PORT and DRACHTIO_SECRET were not set.');
  expect(md).toContain('Web editor: not measured in this run.');
  expect(md).toContain('| editor | failed: exit 1: chromium did not start |');

  const saved = JSON.parse(readFileSync(join(dir, 'report', 'results.json'), 'utf8')) as BenchResults;
  expect(saved).toEqual(RESULTS);
});

it('leaves no chart of an earlier run beside a report whose bench did not run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  dirs.push(dir);
  await writeReport(RESULTS, dir);
  const { media: _media, ...rest } = RESULTS.benches;
  await writeReport({ ...RESULTS, benches: rest }, dir);
  expect(readdirSync(join(dir, 'report'))).not.toContain('media-loss.svg');
  expect(readFileSync(join(dir, 'REPORT.md'), 'utf8')).toContain('Media: not measured in this run.');
});
