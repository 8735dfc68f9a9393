// What `npm run bench` collects: each bench's JSON (bench/support/json.ts) with how its run went,
// and the machine it ran on. bench/report/results.json holds one of these; the report is made
// from it alone, so it can be made again without running anything.

import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

export const BENCHES = [
  'compile',
  'rules',
  'edge',
  'calls',
  'media',
  'media-sbc',
  'hot-reload',
  'editor',
] as const;
export type BenchName = (typeof BENCHES)[number];

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
}

export function thisMachine(): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
  };
}

export const loadAverage = (): number => Math.round(loadavg()[0]! * 100) / 100;

export type BenchOutcome =
  | { ok: true; data: unknown; seconds: number; loadBefore: number; loadAfter: number }
  | { ok: false; error: string; seconds: number; loadBefore: number; loadAfter: number };

export interface BenchResults {
  startedAt: string;
  quick: boolean;
  machine: Machine;
  /** Whether DRACHTIO_HOST/PORT/SECRET named a drachtio-server to measure the SBC on. */
  drachtio: { configured: boolean; target?: string };
  benches: Partial<Record<BenchName, BenchOutcome>>;
}

// The JSON each bench writes (see the bench's emitJson call).

export interface Step {
  rate: number;
  calls: number;
  failed: number;
  p50: number;
  p90: number;
  p99: number;
  /** CPU of the process under test (the SBC, or the bare B2BUA) over the step, % of one core. */
  processCpu?: number;
}

export interface HeldMemory {
  held: number;
  idleKb: number;
  loadedKb: number;
  kbPerCall: number;
  samples: Array<{ calls: number; rssKb: number }>;
}

export interface CallsRun {
  edge: 'embedded' | 'external';
  steps: Step[];
  bestRate: number;
  half?: { rate: number; p50: number; p90: number; p99: number };
  memory?: HeldMemory;
}

export interface CallsData {
  embedded: CallsRun;
  external: CallsRun | { error: string } | null;
}

export interface EdgeData {
  steps: Step[];
  bestRate: number;
  memory: HeldMemory | null;
}

export interface LatencyStats {
  p50: number;
  p99: number;
  p999: number;
  perSecond: number;
  cpu: number;
}

export interface RulesData {
  ruleset: string;
  calls: number;
  rounds: number;
  paths: Record<string, LatencyStats>;
}

export interface MediaRow {
  calls: number;
  setupCps: number;
  pps: number;
  lossToRtp: number;
  lossToSrtp: number;
  srtpChecked: number;
  srtpFailed: number;
  engineCpu: number;
  selfCpu: number;
  lateS: number;
}

export interface MediaData {
  seconds: number;
  rows: MediaRow[];
  baseline: Array<{ calls: number; lossCallerToCallee: number; lossCalleeToCaller: number }> | null;
}

/** bench/media-sbc.ts: the same kind of calls set up over SIP through a whole `sbc run`. */
export interface MediaSbcRow {
  calls: number;
  setupCps: number;
  setupP50: number;
  setupP99: number;
  lossToRtp: number;
  lossToSrtp: number;
  srtpChecked: number;
  srtpFailed: number;
  sbcCpu: number;
  engineCpu: number;
  sessionsLeft: number;
}

export interface MediaSbcData {
  seconds: number;
  rows: MediaSbcRow[];
}

export interface TimelinePoint {
  s: number;
  inFlight: number;
  startedPerS: number;
  okPerS: number;
  failedPerS: number;
}

export interface ReloadPhase {
  calls: number;
  ok: number;
  failed: number;
  p50: number;
  p90: number;
  p99: number;
  activations: Array<{ atS: number; ms: number; inFlight: number }>;
  timeline: TimelinePoint[];
}

export interface HotReloadRun {
  edge: 'embedded' | 'external';
  baseline: ReloadPhase;
  reload: ReloadPhase;
}

export interface HotReloadData {
  rate: number;
  seconds: number;
  holdMs: number;
  embedded: HotReloadRun;
  external: HotReloadRun | { error: string } | null;
}

export interface CompileData {
  initMs: number;
  full: { lines: number; medianMs: number; bestMs: number; parseMs: number; goalMs: number };
  edit: { lines: number; medianMs: number; bestMs: number; goalMs: number };
}

export interface EditorData {
  bundle: { raw: number; gzip: number; brotli: number };
  tti: { coldMs: number; warmMedianMs: number; warmMaxMs: number; goalMs: number };
  keystroke: { medianMs: number; p95Ms: number; goalMs: number };
  worker: { medianMs: number; p95Ms: number };
}

/** The data of a bench that ran, typed by the caller who knows which bench it is. */
export function dataOf<T>(results: BenchResults, name: BenchName): T | undefined {
  const outcome = results.benches[name];
  return outcome?.ok ? (outcome.data as T) : undefined;
}

/** A run measured on the external edge, or undefined when it was not (not configured, or failed). */
export function measured<T extends object>(run: T | { error: string } | null | undefined): T | undefined {
  return run && !('error' in run) ? run : undefined;
}
