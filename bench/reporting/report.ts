// Writes the benchmark report: DIR/REPORT.md, its charts as DIR/report/*.svg, and the results it
// was made from as DIR/report/results.json.
// Run alone to remake a report from its results: node bench/reporting/report.ts [DIR] (default bench/).

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'prettier';
import { allFigures } from './charts.ts';
import { renderSvg } from './render.ts';
import type { BenchResults } from './results.ts';
import { callsSection, mediaSection, memorySection, reloadSection, rulesSection } from './figure-sections.ts';
import { drachtioSection, header, runsSection, summary, toolsSection } from './sections.ts';

const CHARTS = 'report';

export interface WrittenReport {
  markdown: string;
  charts: string[];
}

export async function writeReport(results: BenchResults, dir: string): Promise<WrittenReport> {
  const chartsDir = join(dir, CHARTS);
  mkdirSync(chartsDir, { recursive: true });
  // Charts of an earlier run whose bench did not run this time must not linger beside the new report.
  for (const old of readdirSync(chartsDir).filter((f) => f.endsWith('.svg'))) rmSync(join(chartsDir, old));
  const figures = allFigures(results);
  const charts: string[] = [];
  for (const f of figures) {
    const path = join(chartsDir, f.file);
    writeFileSync(path, await renderSvg(f.spec));
    charts.push(path);
  }
  // Formatted as Prettier would, since `npm run lint` checks every JSON file of the tree.
  writeFileSync(
    join(chartsDir, 'results.json'),
    await format(JSON.stringify(results), { parser: 'json', printWidth: 110 }),
  );
  const markdown = join(dir, 'REPORT.md');
  const text = [
    header(results),
    summary(results),
    callsSection(results, figures, CHARTS),
    memorySection(results, figures, CHARTS),
    rulesSection(results, figures, CHARTS),
    mediaSection(results, figures, CHARTS),
    reloadSection(results, figures, CHARTS),
    toolsSection(results),
    drachtioSection(results),
    runsSection(results),
  ].join('\n\n');
  writeFileSync(markdown, `${text}\n`);
  return { markdown, charts };
}

if (import.meta.main) {
  const dir = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));
  const results = JSON.parse(readFileSync(join(dir, CHARTS, 'results.json'), 'utf8')) as BenchResults;
  const written = await writeReport(results, dir);
  console.log(`wrote ${written.markdown} and ${written.charts.length} charts`);
}
