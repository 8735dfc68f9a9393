/**
 * A unified diff of two texts by lines (longest common subsequence), for `sbc preview` and failing
 * `sbc test` expectations. SIP messages are a few dozen lines, so the quadratic table is small; very
 * long inputs fall back to showing every line as changed rather than using unbounded memory.
 */
const MAX_CELLS = 4_000_000;

type Op = { t: ' ' | '-' | '+'; line: string };

function lcsOps(a: string[], b: string[]): Op[] {
  if (a.length * b.length > MAX_CELLS)
    return [...a.map((line) => ({ t: '-' as const, line })), ...b.map((line) => ({ t: '+' as const, line }))];
  const w = b.length + 1;
  const table = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      table[i * w + j] =
        a[i] === b[j]
          ? table[(i + 1) * w + j + 1]! + 1
          : Math.max(table[(i + 1) * w + j]!, table[i * w + j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ t: ' ', line: a[i]! });
      i++;
      j++;
    } else if (table[(i + 1) * w + j]! >= table[i * w + j + 1]!) ops.push({ t: '-', line: a[i++]! });
    else ops.push({ t: '+', line: b[j++]! });
  }
  while (i < a.length) ops.push({ t: '-', line: a[i++]! });
  while (j < b.length) ops.push({ t: '+', line: b[j++]! });
  return ops;
}

export function unifiedDiff(
  before: string,
  after: string,
  names = { a: 'input', b: 'output' },
  context = 3,
): string {
  const a = before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  const ops = lcsOps(a, b);
  if (ops.every((o) => o.t === ' ')) return '';
  let out = `--- ${names.a}\n+++ ${names.b}\n`;
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.t === ' ') {
      k++;
      continue;
    }
    // A hunk: changes plus `context` lines around, merging changes closer than 2×context.
    const start = Math.max(0, k - context);
    let end = k;
    while (end < ops.length) {
      if (ops[end]!.t !== ' ') {
        end++;
        continue;
      }
      let run = end;
      while (run < ops.length && ops[run]!.t === ' ') run++;
      if (run < ops.length && run - end <= context * 2) end = run;
      else {
        end = Math.min(ops.length, end + context);
        break;
      }
    }
    let aLine = 1;
    let bLine = 1;
    for (let x = 0; x < start; x++) {
      if (ops[x]!.t !== '+') aLine++;
      if (ops[x]!.t !== '-') bLine++;
    }
    const hunk = ops.slice(start, end);
    const aCount = hunk.filter((o) => o.t !== '+').length;
    const bCount = hunk.filter((o) => o.t !== '-').length;
    out += `@@ -${aLine},${aCount} +${bLine},${bCount} @@\n`;
    for (const o of hunk) out += `${o.t}${o.line}\n`;
    k = end;
  }
  return out;
}
