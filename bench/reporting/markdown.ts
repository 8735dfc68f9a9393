// Markdown pieces of bench/REPORT.md shared by its sections.

import type { Figure } from './charts.ts';
import type { Step } from './results.ts';

export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export const n = (x: number | undefined, digits = 1) =>
  x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
export const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || !b ? 'n/a' : `${(a / b).toFixed(2)}×`;
export const NOT_MEASURED = 'not measured in this run';

export function figureBlock(f: Figure, chartsDir: string): string {
  return [
    `![${f.title}](${chartsDir}/${f.file})`,
    '',
    `Measured: ${f.measured}`,
    '',
    `Baseline: ${f.baseline}`,
  ].join('\n');
}

/** Setup time (p99, ms) under which a step counts as carried, not merely survived. */
export const P99_BOUND_MS = 100;

/** The busiest step with no failed call and p99 setup within P99_BOUND_MS. */
export function boundedStep(steps: Step[]): Step | undefined {
  return steps.filter((s) => s.failed === 0 && s.p99 <= P99_BOUND_MS).sort((a, b) => b.rate - a.rate)[0];
}

/** CPU per call at a step, and the call rate one core would carry at that cost. */
export function cpuPerCall(step: Step | undefined): { ms: number; perCore: number } | undefined {
  if (!step?.processCpu) return undefined;
  return { ms: (step.processCpu * 10) / step.rate, perCore: (step.rate * 100) / step.processCpu };
}
