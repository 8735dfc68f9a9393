// Machine-readable output of a bench for `npm run bench` (bench/run-all.ts): when BENCH_JSON
// names a file, the bench writes its figures there as JSON. What it prints is unchanged.

import { writeFileSync } from 'node:fs';

export function emitJson(figures: unknown): void {
  const path = process.env.BENCH_JSON;
  if (path) writeFileSync(path, `${JSON.stringify(figures)}\n`);
}
