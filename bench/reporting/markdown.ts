// Markdown pieces of bench/REPORT.md shared by its sections.

import type { Figure } from './charts.ts';

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
