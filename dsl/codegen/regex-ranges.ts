/**
 * Character classes of the regex compiler as sorted code-point ranges
 * [lo, hi, lo, hi, …]: the built-in classes (\d \w \s, as JavaScript defines
 * them), complement, merging, and case folding for the `i` flag.
 */
export const DIGIT = [48, 57];
export const WORD = [48, 57, 65, 90, 95, 95, 97, 122];
export const SPACE = [
  9, 13, 32, 32, 160, 160, 5760, 5760, 8192, 8202, 8232, 8233, 8239, 8239, 8287, 8287, 12288, 12288, 65279,
  65279,
];

export function negate(ranges: number[]): number[] {
  const sorted = normalise(ranges);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < sorted.length; i += 2) {
    if (sorted[i]! > next) out.push(next, sorted[i]! - 1);
    next = sorted[i + 1]! + 1;
  }
  if (next <= 0x10ffff) out.push(next, 0x10ffff);
  return out;
}

export function normalise(ranges: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i]!, ranges[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** Adds the other-case forms (simple case mapping) of every code point in the ranges. */
export function foldCase(ranges: number[]): number[] {
  const extra: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    const lo = ranges[i]!;
    const hi = Math.min(ranges[i + 1]!, lo + 0x3000);
    for (let c = lo; c <= hi; c++) {
      const ch = String.fromCodePoint(c);
      for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
        const cp = v.codePointAt(0)!;
        if (v.length === String.fromCodePoint(cp).length && cp !== c) extra.push(cp, cp);
      }
    }
  }
  return normalise([...ranges, ...extra]);
}
