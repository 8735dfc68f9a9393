/**
 * Linear-time regex matching for generated code: a Pike VM over the programs of regex.ts. Embedded
 * in generated programs by source text (see prelude.ts), so it must stay self-contained: no imports,
 * no outer variables, only JavaScript built-ins. `tick` is the hook clock (lib-clock.ts): the VMs tick
 * it once per input position, so a large program over a long text is cut off by the time limit.
 */
export function regexLibrary(tick: () => void = () => {}) {
  // ---- linear-time regex: a Pike VM over the programs of codegen/regex.ts ----
  function classHas(ranges: number[], c: number): boolean {
    for (let i = 0; i < ranges.length; i += 2) {
      if (c < ranges[i]!) return false;
      if (c <= ranges[i + 1]!) return true;
    }
    return false;
  }
  const isWord = (c: number) =>
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95 || (c >= 97 && c <= 122);
  const isLineEnd = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
  function prevCode(s: string, pos: number): number {
    return pos > 0 ? s.charCodeAt(pos - 1) : -1;
  }

  type Thread = { pc: number; caps: number[] };
  type Rx = {
    prog: (number | number[])[][];
    groups: number;
    prefix?: string;
    prefixOnly?: true;
    marks?: Int32Array;
    gen?: number;
  };
  function rxExec(rx: Rx, s: string, start: number) {
    const prog = rx.prog;
    const n = s.length;
    // Scratch marks live on the program and are reused across calls (a generation counter clears them).
    if (rx.marks === undefined || (rx.gen ?? 0) > 0x3fffffff) {
      rx.marks = new Int32Array(prog.length).fill(-1);
      rx.gen = 0;
    }
    const marks = rx.marks;
    let gen = rx.gen!;
    // A pattern that starts with ^ can only match at 0: no new threads are started later.
    const anchored = (prog[1]?.[0] as number) === 6;
    let matched: number[] | null = null;
    const stack: Thread[] = [];
    const add = (list: Thread[], pc0: number, caps0: number[], pos: number) => {
      stack.push({ pc: pc0, caps: caps0 });
      while (stack.length > 0) {
        const t = stack.pop()!;
        let pc = t.pc;
        let caps = t.caps;
        for (;;) {
          if (marks[pc] === gen) break;
          marks[pc] = gen;
          const ins = prog[pc]!;
          const op = ins[0] as number;
          if (op === 4) {
            pc = ins[1] as number;
          } else if (op === 3) {
            stack.push({ pc: ins[2] as number, caps });
            pc = ins[1] as number;
          } else if (op === 5) {
            caps = caps.slice();
            caps[ins[1] as number] = pos;
            pc++;
          } else if (op === 6) {
            if (pos !== 0) break;
            pc++;
          } else if (op === 7) {
            if (pos !== n) break;
            pc++;
          } else if (op === 8 || op === 9) {
            const a = pos > 0 && isWord(prevCode(s, pos));
            const b = pos < n && isWord(s.charCodeAt(pos));
            if ((a !== b) !== (op === 8)) break;
            pc++;
          } else {
            list.push({ pc, caps });
            break;
          }
        }
      }
    };
    gen++;
    const initial: number[] = new Array((rx.groups + 1) * 2).fill(-1);
    let clist: Thread[] = [];
    add(clist, 0, initial, start);
    let pos = start;
    for (;;) {
      tick();
      const c = pos < n ? s.codePointAt(pos)! : -1;
      const w = c > 0xffff ? 2 : 1;
      const nlist: Thread[] = [];
      gen++;
      for (const t of clist) {
        const ins = prog[t.pc]!;
        const op = ins[0] as number;
        if (op === 10) {
          matched = t.caps;
          break;
        }
        if (c < 0) continue;
        const ok = op === 2 ? !isLineEnd(c) : classHas(ins[1] as number[], c) !== (ins[2] === 1);
        if (ok) add(nlist, t.pc + 1, t.caps, pos + w);
      }
      if (pos >= n) break;
      pos += w;
      if (matched === null && !anchored) add(nlist, 0, initial, pos);
      // With no live thread a match can still start further on, unless one was found or cannot start.
      if (nlist.length === 0 && (matched !== null || anchored)) break;
      clist = nlist;
    }
    rx.gen = gen + 1;
    return matched;
  }

  /**
   * Match or not, without captures: the same automaton run over sets of program counters held in
   * reusable typed arrays, so a test allocates nothing and stops at the first MATCH it reaches.
   */
  type TestState = {
    lists: [Int32Array, Int32Array];
    marks: Int32Array;
    stack: Int32Array;
    gen: number;
    /** Index of the list being filled, and its length. */
    fill: number;
    count: number;
  };
  const testStates = new WeakMap<Rx, TestState>();

  /**
   * Follows jumps, splits, saves and assertions from pc at pos; true when MATCH is reached. The text
   * is s[from, to): anchors and word boundaries see nothing outside it.
   */
  function follow(
    st: TestState,
    prog: (number | number[])[][],
    s: string,
    pc0: number,
    pos: number,
    from: number,
    to: number,
  ): boolean {
    const { marks, stack } = st;
    const out = st.lists[st.fill]!;
    const gen = st.gen;
    let sp = 0;
    stack[sp++] = pc0;
    while (sp > 0) {
      let pc = stack[--sp]!;
      for (;;) {
        if (marks[pc] === gen) break;
        marks[pc] = gen;
        const ins = prog[pc]!;
        const op = ins[0] as number;
        if (op === 4) pc = ins[1] as number;
        else if (op === 3) {
          stack[sp++] = ins[2] as number;
          pc = ins[1] as number;
        } else if (op === 5) pc++;
        else if (op === 6) {
          if (pos !== from) break;
          pc++;
        } else if (op === 7) {
          if (pos !== to) break;
          pc++;
        } else if (op === 8 || op === 9) {
          const a = pos > from && isWord(s.charCodeAt(pos - 1));
          const b = pos < to && isWord(s.charCodeAt(pos));
          if ((a !== b) !== (op === 8)) break;
          pc++;
        } else if (op === 10) return true;
        else {
          out[st.count++] = pc;
          break;
        }
      }
    }
    return false;
  }

  /**
   * Does the pattern match s[from, to)? The same answer as for `s.slice(from, to)`, without making
   * that string (header names are tested where they stand in the header text).
   */
  function rxTest(rx: Rx, s: string, from = 0, to = s.length): boolean {
    // Most tests of an anchored pattern fail on its literal start (`^X-Zoom-` on other header names).
    const prefix = rx.prefix;
    if (prefix !== undefined && (to - from < prefix.length || !s.startsWith(prefix, from))) return false;
    if (rx.prefixOnly === true) return true;
    const prog = rx.prog;
    const len = prog.length;
    let st = testStates.get(rx);
    if (st === undefined || st.gen > 0x3fffffff) {
      st = {
        lists: [new Int32Array(len), new Int32Array(len)],
        marks: new Int32Array(len).fill(-1),
        stack: new Int32Array(len + 1),
        gen: 0,
        fill: 0,
        count: 0,
      };
      testStates.set(rx, st);
    }
    const anchored = (prog[1]?.[0] as number) === 6;
    st.gen++;
    st.fill = 0;
    st.count = 0;
    if (follow(st, prog, s, 0, from, from, to)) return true;
    let pos = from;
    while (pos < to) {
      tick();
      const cur = st.lists[st.fill]!;
      const cn = st.count;
      st.fill ^= 1;
      st.count = 0;
      st.gen++;
      // A surrogate pair cut by the end of the range is a lone surrogate, as in the sliced string.
      let c = s.codePointAt(pos)!;
      if (c > 0xffff && pos + 1 >= to) c = s.charCodeAt(pos);
      const next = pos + (c > 0xffff ? 2 : 1);
      for (let i = 0; i < cn; i++) {
        const pc = cur[i]!;
        const ins = prog[pc]!;
        const ok = ins[0] === 2 ? !isLineEnd(c) : classHas(ins[1] as number[], c) !== (ins[2] === 1);
        if (ok && follow(st, prog, s, pc + 1, next, from, to)) return true;
      }
      pos = next;
      if (!anchored && follow(st, prog, s, 0, pos, from, to)) return true;
      if (st.count === 0 && anchored) return false;
    }
    return false;
  }

  function rxCapture(rx: Rx, s: string, group: number) {
    const m = rxExec(rx, s, 0);
    if (m === null || group < 0 || group > rx.groups) return undefined;
    const a = m[group * 2]!;
    const b = m[group * 2 + 1]!;
    return a < 0 || b < 0 ? undefined : s.slice(a, b);
  }

  /** Replace every match; `$1`…`$9` insert groups, `$$` a dollar sign. */
  function rxReplace(rx: Rx, s: string, rep: string) {
    let out = '';
    let pos = 0;
    let last = 0;
    while (pos <= s.length) {
      tick();
      const m = rxExec(rx, s, pos);
      if (m === null) break;
      const a = m[0]!;
      const b = m[1]!;
      out += s.slice(last, a);
      for (let i = 0; i < rep.length; i++) {
        const ch = rep[i];
        const d = rep.charCodeAt(i + 1) - 48;
        if (ch === '$' && rep[i + 1] === '$') {
          out += '$';
          i++;
        } else if (ch === '$' && d >= 1 && d <= 9) {
          if (d <= rx.groups && m[d * 2]! >= 0) out += s.slice(m[d * 2], m[d * 2 + 1]);
          i++;
        } else out += ch;
      }
      last = b;
      pos = b > a ? b : b + (s.codePointAt(b)! > 0xffff ? 2 : 1);
    }
    return out + s.slice(last);
  }

  return { rxExec, rxTest, rxCapture, rxReplace };
}
