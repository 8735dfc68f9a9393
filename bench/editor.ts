/**
 * Web editor benchmark (issue 13, item 9). Prints:
 *  - the bundle size (editor/dist, raw and gzip), as the browser downloads it;
 *  - time to interactive in real Chromium against a real `sbc run` on localhost: from navigation
 *    to the active rule set shown in the editor with its first diagnostics (goal < 1.5 s), for a
 *    cold first load and warm reloads;
 *  - diagnostics after a keystroke on a 1,000-line file: keystroke → markers on the main thread,
 *    and the compiler's time in the worker (goal < 30 ms).
 * Run: npm run bench:editor (builds the editor first). BENCH_JSON=file also writes the figures
 * there as JSON (bench/run-all.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EDITOR_DIST } from '../src/admin/editor-static.ts';
import { openBrowser } from '../test/editor/support/browser.ts';
import { ADMIN_TOKEN, startSbc } from '../test/editor/support/sbc.ts';
import { emitJson } from './support/json.ts';

const kb = (n: number) => `${(n / 1024).toFixed(0)} kB`;

function bundleSize(): { raw: number; gzip: number; brotli: number } {
  const assets = join(EDITOR_DIST, 'assets');
  const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : undefined);
  const files = [
    join(EDITOR_DIST, 'index.html'),
    ...readdirSync(assets)
      .sort()
      .map((f) => join(assets, f)),
  ];
  let raw = 0;
  let gz = 0;
  let br = 0;
  console.log('bundle (editor/dist): raw, gzip, and brotli (what a browser downloads; built at build time):');
  for (const path of files.filter((f) => !/\.(br|gz)$/.test(f))) {
    const data = readFileSync(path);
    const g = sizeOf(`${path}.gz`) ?? gzipSync(data).length;
    const b = sizeOf(`${path}.br`) ?? g;
    raw += data.length;
    gz += g;
    br += b;
    console.log(
      `  ${basename(path).padEnd(30)} ${kb(data.length).padStart(8)} ${kb(g).padStart(8)} ${kb(b).padStart(8)}`,
    );
  }
  console.log(`  ${'total'.padEnd(30)} ${kb(raw).padStart(8)} ${kb(gz).padStart(8)} ${kb(br).padStart(8)}`);
  return { raw, gzip: gz, brotli: br };
}

function generate(targetLines: number): string {
  const out = ['ruleset bench', '', 'table numbers = provisioning.numbers {', '  zoom: bool', '}', ''];
  for (let i = 0; out.length < targetLines; i++) {
    out.push(
      `trunk t${i} {`,
      `  peers ["10.${i >> 8}.${i & 255}.1:5060"]`,
      '  media { srtp: required, codecs: [opus, PCMU, PCMA], ptime: 20ms }',
      '}',
      '',
      `on request INVITE from t${i} {`,
      '  let callee = e164(ruri.user, country: "US") else reject 484 "Address Incomplete"',
      '  let entry = numbers[callee] else reject 404 "Number not provisioned"',
      '  if not entry.zoom {',
      '    reject 403 "Number not enabled"',
      '  }',
      '  set ruri.user = callee',
      '  remove header /^X-Zoom-/',
      `  log info "call from t${i} to " + callee`,
      `  route t${i}`,
      '}',
      '',
    );
  }
  return out
    .slice(0, targetLines)
    .join('\n')
    .replace(/\n[^\n]*$/, '\n}\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;

async function main(): Promise<void> {
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (2 shared cores)`,
  );
  const bundle = bundleSize();
  const sbc = await startSbc();
  const browser = await openBrowser();
  try {
    const { context, page } = browser;
    await context.addInitScript((token) => sessionStorage.setItem('sbc.adminToken', token), ADMIN_TOKEN);
    const ready = async () => {
      await page.waitForFunction(
        () => ((globalThis as unknown as { __sbc?: { readyAt(): number } }).__sbc?.readyAt() ?? 0) > 0,
        undefined,
        { polling: 50, timeout: 30_000 },
      );
      return page.evaluate(() => (globalThis as unknown as { __sbc: { readyAt(): number } }).__sbc.readyAt());
    };
    await page.goto(`${sbc.url}/`);
    const cold = await ready();
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.reload();
      warm.push(await ready());
    }
    console.log('time to interactive (navigation → active rules shown with their diagnostics):');
    console.log(
      `  cold first load ${cold.toFixed(0)} ms; warm reloads median ${median(warm).toFixed(0)} ms, max ${Math.max(...warm).toFixed(0)} ms (goal < 1500 ms)`,
    );

    const text = generate(1000);
    const times = await page.evaluate(
      async ({ text, runs, warmup }) => {
        type State = { seq: number; workerMs: number; diagnostics: unknown[] };
        const s = (globalThis as unknown as { __sbc: Record<string, unknown> }).__sbc as {
          setFile(p: string, t: string): void;
          checkState(): State;
          onCheck(l: (state: State) => void): void;
          open(p: string, at: { line: number; column: number }): void;
          editor: { trigger(source: string, handler: string, payload: unknown): void };
        };
        let next: ((st: State) => void) | undefined;
        s.onCheck((st) => next?.(st));
        const checked = () => new Promise<State>((resolve) => (next = resolve));
        const loaded = checked();
        s.setFile('main.rules', text);
        const first = await loaded;
        // Type inside a log message string: the file stays valid, so every stage runs each time.
        const line = text.split('\n').findIndex((l, i) => i > 500 && l.includes('log info')) + 1;
        s.open('main.rules', { line, column: 20 });
        const out: { total: number; worker: number }[] = [];
        // The first keystrokes warm up the JIT in the page and the worker, as the first seconds of
        // typing do; they are run but not counted.
        for (let i = 0; i < warmup + runs; i++) {
          const done = checked();
          const t0 = performance.now();
          s.editor.trigger('keyboard', 'type', { text: 'x' });
          const st = await done;
          if (i >= warmup) out.push({ total: performance.now() - t0, worker: st.workerMs });
        }
        return { out, diagnostics: first.diagnostics.length };
      },
      { text, runs: 60, warmup: 20 },
    );
    const total = times.out.map((t) => t.total);
    const worker = times.out.map((t) => t.worker);
    console.log(
      `diagnostics after a keystroke, 1,000-line file (${times.diagnostics} diagnostics), 60 keystrokes after 20 to warm up:`,
    );
    console.log(
      `  keystroke → markers  median ${median(total).toFixed(1)} ms, p95 ${p95(total).toFixed(1)} ms (goal < 30 ms)`,
    );
    console.log(
      `  compiler in worker   median ${median(worker).toFixed(1)} ms, p95 ${p95(worker).toFixed(1)} ms`,
    );
    emitJson({
      bundle,
      tti: { coldMs: cold, warmMedianMs: median(warm), warmMaxMs: Math.max(...warm), goalMs: 1500 },
      keystroke: { medianMs: median(total), p95Ms: p95(total), goalMs: 30 },
      worker: { medianMs: median(worker), p95Ms: p95(worker) },
    });
  } finally {
    await browser.close();
    await sbc.stop();
  }
}

await main();
