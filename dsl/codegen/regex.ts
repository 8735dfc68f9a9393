import type { IrRegex } from '../ir.ts';
import { DIGIT, foldCase, negate, normalise, SPACE, WORD } from './regex-ranges.ts';

/**
 * Compiles the rule language's regex subset (docs/language.md §4.5: RE2-like, no backreferences or
 * lookaround, flag `i` only) into a program for the Pike VM in prelude.ts. Matching then takes time
 * proportional to text length × program size whatever the pattern, so a catastrophic regex cannot
 * exist by construction: the isolate never runs a backtracking engine on rule patterns.
 *
 * Instructions are small arrays so the program embeds in generated code as a JSON literal:
 *   [CLASS, ranges, negated]  ranges = [lo, hi, lo, hi, …] code points
 *   [ANY]  any code point except line terminators     [SPLIT, x, y]  try x first, then y
 *   [JMP, x]   [SAVE, slot]   [BOL]   [EOL]   [WORDB]   [NWORDB]   [MATCH]
 */
export const OP = {
  CLASS: 1,
  ANY: 2,
  SPLIT: 3,
  JMP: 4,
  SAVE: 5,
  BOL: 6,
  EOL: 7,
  WORDB: 8,
  NWORDB: 9,
  MATCH: 10,
} as const;

export type Inst = number[] | [number, number[], number];

export interface RegexProgram {
  prog: Inst[];
  /** Number of capture groups (group 0, the whole match, not counted). */
  groups: number;
  /** For a pattern anchored with ^ and starting with literal characters: the text every match starts with. */
  prefix?: string;
  /** The pattern is its prefix and nothing more (`^X-Zoom-`): a text matches when it starts with it. */
  prefixOnly?: true;
}

/** Largest compiled program; counted repetition is expanded, so nesting multiplies size. */
export const MAX_PROGRAM = 20_000;

export class RegexCompileError extends Error {}

type Node =
  | { t: 'set'; ranges: number[]; neg: boolean }
  | { t: 'any' }
  | { t: 'cat'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number; greedy: boolean }
  | { t: 'group'; node: Node; index: number }
  | { t: 'assert'; op: number };

class Parser {
  private i = 0;
  groups = 0;
  private readonly src: string;

  constructor(src: string) {
    this.src = src;
  }

  parse(): Node {
    const n = this.alt();
    if (this.i < this.src.length) this.fail(`unexpected '${this.src[this.i]}'`);
    return n;
  }

  private fail(msg: string): never {
    throw new RegexCompileError(`${msg} at offset ${this.i}`);
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private alt(): Node {
    const items = [this.cat()];
    while (this.peek() === '|') {
      this.i++;
      items.push(this.cat());
    }
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  }

  private cat(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.peek() !== '|' && this.peek() !== ')') items.push(this.repeat());
    return { t: 'cat', items };
  }

  private repeat(): Node {
    const node = this.atom();
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, -1];
    else if (c === '+') [min, max] = [1, -1];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{([0-9]+)(?:(,)([0-9]*))?\}/.exec(this.src.slice(this.i));
      if (!m) return node;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
      if (max !== -1 && max < min) this.fail('numbers out of order in {} quantifier');
      this.i += m[0].length - 1;
    } else return node;
    this.i++;
    let greedy = true;
    if (this.peek() === '?') {
      greedy = false;
      this.i++;
    }
    if (node.t === 'assert') this.fail('nothing to repeat');
    return { t: 'rep', node, min, max, greedy };
  }

  private atom(): Node {
    const c = this.src.codePointAt(this.i)!;
    const ch = String.fromCodePoint(c);
    this.i += ch.length;
    switch (ch) {
      case '.':
        return { t: 'any' };
      case '^':
        return { t: 'assert', op: OP.BOL };
      case '$':
        return { t: 'assert', op: OP.EOL };
      case '[':
        return this.cls();
      case '(': {
        let capture = true;
        if (this.src.startsWith('?:', this.i)) {
          capture = false;
          this.i += 2;
        } else if (this.src.startsWith('?<', this.i)) {
          const end = this.src.indexOf('>', this.i);
          if (end < 0) this.fail('unterminated group name');
          this.i = end + 1;
        } else if (this.peek() === '?') this.fail('unsupported group');
        const index = capture ? ++this.groups : 0;
        const node = this.alt();
        if (this.peek() !== ')') this.fail('missing )');
        this.i++;
        return capture ? { t: 'group', node, index } : node;
      }
      case '\\':
        return this.escape(false);
      case '*':
      case '+':
      case '?':
      case '{':
      case ')':
      case ']':
      case '}':
        return this.fail(`unexpected '${ch}'`);
      default:
        return { t: 'set', ranges: [c, c], neg: false };
    }
  }

  /** An escape after the backslash; in a class, \b is backspace and assertions are not allowed. */
  private escape(inClass: boolean): Node {
    const e = this.src[this.i++];
    if (e === undefined) this.fail('\\ at end of pattern');
    const set = (ranges: number[], neg = false): Node => ({ t: 'set', ranges, neg });
    switch (e) {
      case 'd':
        return set(DIGIT);
      case 'D':
        return set(DIGIT, true);
      case 'w':
        return set(WORD);
      case 'W':
        return set(WORD, true);
      case 's':
        return set(SPACE);
      case 'S':
        return set(SPACE, true);
      case 'b':
        return inClass ? set([8, 8]) : { t: 'assert', op: OP.WORDB };
      case 'B':
        if (inClass) this.fail('\\B in a class');
        return { t: 'assert', op: OP.NWORDB };
      case 'n':
        return set([10, 10]);
      case 'r':
        return set([13, 13]);
      case 't':
        return set([9, 9]);
      case 'f':
        return set([12, 12]);
      case 'v':
        return set([11, 11]);
      case '0':
        if (/[0-9]/.test(this.peek() ?? '')) this.fail('octal escape');
        return set([0, 0]);
      case 'c': {
        const l = this.src.charCodeAt(this.i);
        if (!((l >= 65 && l <= 90) || (l >= 97 && l <= 122))) this.fail('bad \\c escape');
        this.i++;
        return set([l % 32, l % 32]);
      }
      case 'x': {
        const m = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.i));
        if (!m) this.fail('bad \\x escape');
        this.i += 2;
        const v = Number.parseInt(m[0], 16);
        return set([v, v]);
      }
      case 'u': {
        const m = /^(?:\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{4}))/.exec(this.src.slice(this.i));
        if (!m) this.fail('bad \\u escape');
        this.i += m[0].length;
        const v = Number.parseInt(m[1] ?? m[2]!, 16);
        if (v > 0x10ffff) this.fail('code point out of range');
        return set([v, v]);
      }
      default:
        if (/[\^$\\.*+?()[\]{}|/]/.test(e) || (inClass && e === '-')) {
          const v = e.charCodeAt(0);
          return set([v, v]);
        }
        return this.fail(`unsupported escape '\\${e}'`);
    }
  }

  private cls(): Node {
    let neg = false;
    if (this.peek() === '^') {
      neg = true;
      this.i++;
    }
    const ranges: number[] = [];
    const single = (): number[] => {
      if (this.i >= this.src.length) this.fail('missing ]');
      if (this.peek() === '\\') {
        this.i++;
        const n = this.escape(true);
        if (n.t !== 'set') this.fail('bad escape in class');
        return n.neg ? negate(n.ranges) : n.ranges;
      }
      const c = this.src.codePointAt(this.i)!;
      this.i += String.fromCodePoint(c).length;
      return [c, c];
    };
    while (this.peek() !== ']') {
      const a = single();
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        const b = single();
        if (a.length !== 2 || b.length !== 2) this.fail('class escape in a range');
        if (b[0]! < a[0]!) this.fail('range out of order in class');
        ranges.push(a[0]!, b[0]!);
      } else ranges.push(...a);
    }
    this.i++;
    return { t: 'set', ranges, neg };
  }
}

class Emitter {
  readonly prog: Inst[] = [];
  private readonly ignoreCase: boolean;

  constructor(ignoreCase: boolean) {
    this.ignoreCase = ignoreCase;
  }

  private push(inst: Inst): number {
    if (this.prog.length >= MAX_PROGRAM)
      throw new RegexCompileError(
        `pattern is too large once repetition is expanded (> ${MAX_PROGRAM} steps)`,
      );
    this.prog.push(inst);
    return this.prog.length - 1;
  }

  emit(n: Node): void {
    switch (n.t) {
      case 'set': {
        let r = normalise(n.ranges);
        if (this.ignoreCase) r = foldCase(r);
        this.push([OP.CLASS, r, n.neg ? 1 : 0]);
        return;
      }
      case 'any':
        this.push([OP.ANY]);
        return;
      case 'assert':
        this.push([n.op]);
        return;
      case 'cat':
        for (const item of n.items) this.emit(item);
        return;
      case 'group':
        this.push([OP.SAVE, n.index * 2]);
        this.emit(n.node);
        this.push([OP.SAVE, n.index * 2 + 1]);
        return;
      case 'alt': {
        const jumps: number[] = [];
        n.items.forEach((item, k) => {
          if (k < n.items.length - 1) {
            const split = this.push([OP.SPLIT, 0, 0]);
            this.prog[split] = [OP.SPLIT, split + 1, 0];
            this.emit(item);
            jumps.push(this.push([OP.JMP, 0]));
            (this.prog[split] as number[])[2] = this.prog.length;
          } else this.emit(item);
        });
        for (const j of jumps) (this.prog[j] as number[])[1] = this.prog.length;
        return;
      }
      case 'rep':
        this.rep(n.node, n.min, n.max, n.greedy);
        return;
    }
  }

  private rep(node: Node, min: number, max: number, greedy: boolean): void {
    for (let k = 0; k < min; k++) this.emit(node);
    if (max === -1) {
      const split = this.push([OP.SPLIT, 0, 0]);
      this.emit(node);
      this.push([OP.JMP, split]);
      this.prog[split] = greedy
        ? [OP.SPLIT, split + 1, this.prog.length]
        : [OP.SPLIT, this.prog.length, split + 1];
      return;
    }
    const splits: number[] = [];
    for (let k = min; k < max; k++) {
      splits.push(this.push([OP.SPLIT, 0, 0]));
      this.emit(node);
    }
    const end = this.prog.length;
    for (const s of splits) this.prog[s] = greedy ? [OP.SPLIT, s + 1, end] : [OP.SPLIT, end, s + 1];
  }
}

/** Compiles a pattern; throws RegexCompileError for anything outside the linear-time subset. */
export function compileRegex(re: IrRegex): RegexProgram {
  for (const f of re.flags) if (f !== 'i') throw new RegexCompileError(`unsupported flag '${f}'`);
  if (re.source.length > 1000) throw new RegexCompileError('pattern longer than 1000 characters');
  const parser = new Parser(re.source);
  const tree = parser.parse();
  const em = new Emitter(re.flags.includes('i'));
  em.emit({ t: 'group', node: tree, index: 0 });
  em.prog.push([OP.MATCH]);
  const prefix = literalPrefix(em.prog);
  if (prefix === '') return { prog: em.prog, groups: parser.groups };
  return prefixOnly(em.prog, prefix)
    ? { prog: em.prog, groups: parser.groups, prefix, prefixOnly: true }
    : { prog: em.prog, groups: parser.groups, prefix };
}

/** Whether the program after `^` and its literal prefix only saves group ends and matches. */
function prefixOnly(prog: Inst[], prefix: string): boolean {
  let chars = [...prefix].length;
  for (let pc = 2; pc < prog.length; pc++) {
    const op = prog[pc]![0];
    if (op === OP.SAVE) continue;
    if (chars > 0 && op === OP.CLASS) chars--;
    else return op === OP.MATCH && chars === 0;
  }
  return false;
}

/** The literal characters right after `^` (each a one-character, non-negated class); '' when none. */
function literalPrefix(prog: Inst[]): string {
  if (prog[1]?.[0] !== OP.BOL) return '';
  let out = '';
  for (let pc = 2; pc < prog.length; pc++) {
    const ins = prog[pc]!;
    if (ins[0] === OP.SAVE) continue;
    const ranges = ins[1] as number[] | undefined;
    if (ins[0] !== OP.CLASS || ins[2] !== 0 || ranges?.length !== 2 || ranges[0] !== ranges[1]) break;
    out += String.fromCodePoint(ranges[0]!);
  }
  return out;
}
