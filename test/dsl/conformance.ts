/**
 * Loader for the conformance cases in test/dsl/conformance/*.txt. Each case is:
 *
 *   === §7.5 title of the case
 *   --- expect ok                     (or: --- expect E302 @3:14, one line per diagnostic)
 *   --- ir handlers.0.body.0.op = "setHeader"   (optional checks on the lowered IR)
 *   --- file lib.rules                (optional extra files for imports; the entry comes first)
 *   source …
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Expectation {
  code: string;
  line: number;
  column: number;
}

export interface Case {
  title: string;
  section: string;
  source: string;
  files: Record<string, string>;
  ok: boolean;
  expect: Expectation[];
  ir: { path: string; value: unknown }[];
  origin: string;
}

export function loadCases(dir: string): Case[] {
  const cases: Case[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    const text = readFileSync(join(dir, name), 'utf8');
    const chunks = text.split(/^=== /m).slice(1);
    for (const chunk of chunks) cases.push(parseCase(chunk, name));
  }
  return cases;
}

function parseCase(chunk: string, origin: string): Case {
  const lines = chunk.split('\n');
  const title = lines.shift()!.trim();
  const section = /^(§[0-9.]+)/.exec(title)?.[1] ?? '';
  const c: Case = { title, section, source: '', files: {}, ok: false, expect: [], ir: [], origin };
  let current = 'main.rules';
  const bodies: Record<string, string[]> = { [current]: [] };
  for (const line of lines) {
    const m = /^--- (expect|ir|file|generate) (.*)$/.exec(line);
    if (!m) {
      bodies[current]!.push(line);
      continue;
    }
    const [, kind, rest] = m;
    if (kind === 'expect') {
      if (rest!.trim() === 'ok') c.ok = true;
      else {
        const e = /^([EW][0-9]{3}) @([0-9]+):([0-9]+)$/.exec(rest!.trim());
        if (!e) throw new Error(`${origin}: bad expectation '${rest}' in '${title}'`);
        c.expect.push({ code: e[1]!, line: Number(e[2]), column: Number(e[3]) });
      }
    } else if (kind === 'ir') {
      const eq = rest!.indexOf(' = ');
      c.ir.push({ path: rest!.slice(0, eq), value: JSON.parse(rest!.slice(eq + 3)) });
    } else if (kind === 'generate') {
      generate(rest!.trim(), bodies);
    } else {
      current = rest!.trim();
      bodies[current] = [];
    }
  }
  for (const [file, body] of Object.entries(bodies)) c.files[file] = body.join('\n').replace(/\n+$/, '\n');
  c.source = c.files['main.rules']!;
  return c;
}

/**
 * Inputs too big to write out: `--- generate comment N` appends a comment line of N characters to
 * the entry; `--- generate imports N` makes a chain of N files, each importing the next.
 */
function generate(spec: string, bodies: Record<string, string[]>): void {
  const [what, count] = spec.split(' ');
  const n = Number(count);
  if (what === 'comment') bodies['main.rules']!.push(`#${'x'.repeat(n)}`);
  else if (what === 'imports') {
    bodies['main.rules']!.push('import "f0.rules"');
    for (let i = 0; i < n; i++)
      bodies[`f${i}.rules`] = i + 1 < n ? [`import "f${i + 1}.rules"`] : ['counter last'];
  } else throw new Error(`unknown generator '${spec}'`);
}

/** Follow a dotted path (numbers index arrays) into a value. */
export function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
