import type { NumberingPlan } from '../e164.ts';
import type { NameAddrSnapshot, UriSnapshot } from '../effects.ts';

/**
 * The runtime library of generated code. The code generator embeds `prelude.toString()` in the
 * program it emits, so this function must be self-contained: it may use only its parameters and
 * JavaScript built-ins (no imports, no outer variables). It runs inside the isolate and, for the
 * in-process comparison of the benchmark and for unit tests, in the host.
 *
 * Every loop here is bounded by the length of its input (a string or a list from the snapshot);
 * generated code itself has no loops, so a hook's run time is bounded by program size × input size.
 */
export function prelude(plans: Record<string, NumberingPlan>) {
  const hasOwn = Object.prototype.hasOwnProperty;
  /** Property read that never reaches the prototype chain (`constructor`, `__proto__`). */
  function own(obj: unknown, key: string): unknown {
    if (obj === null || typeof obj !== 'object') return undefined;
    return hasOwn.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
  }

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
  type Rx = { prog: (number | number[])[][]; groups: number; marks?: Int32Array; gen?: number };
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
  type TestScratch = { cur: Int32Array; next: Int32Array; marks: Int32Array; stack: Int32Array; gen: number };
  const scratch = new WeakMap<Rx, TestScratch>();
  function rxTest(rx: Rx, s: string): boolean {
    const prog = rx.prog;
    const len = prog.length;
    let sc = scratch.get(rx);
    if (sc === undefined || sc.gen > 0x3fffffff) {
      sc = {
        cur: new Int32Array(len),
        next: new Int32Array(len),
        marks: new Int32Array(len).fill(-1),
        stack: new Int32Array(len + 1),
        gen: 0,
      };
      scratch.set(rx, sc);
    }
    const marks = sc.marks;
    const stack = sc.stack;
    const n = s.length;
    const anchored = (prog[1]?.[0] as number) === 6;
    let cur = sc.cur;
    let next = sc.next;
    let cn: number;
    let nn = 0;
    let found = false;
    // Follows jumps, splits, saves and assertions from pc at pos; pushes consuming states to `next`.
    const add = (pc0: number, pos: number): void => {
      let sp = 0;
      stack[sp++] = pc0;
      while (sp > 0 && !found) {
        let pc = stack[--sp]!;
        for (;;) {
          if (marks[pc] === sc!.gen) break;
          marks[pc] = sc!.gen;
          const ins = prog[pc]!;
          const op = ins[0] as number;
          if (op === 4) pc = ins[1] as number;
          else if (op === 3) {
            stack[sp++] = ins[2] as number;
            pc = ins[1] as number;
          } else if (op === 5) pc++;
          else if (op === 6) {
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
          } else if (op === 10) {
            found = true;
            return;
          } else {
            next[nn++] = pc;
            break;
          }
        }
      }
    };
    sc.gen++;
    add(0, 0);
    let pos = 0;
    while (!found) {
      [cur, next] = [next, cur];
      cn = nn;
      nn = 0;
      if (pos >= n) break;
      const c = s.codePointAt(pos)!;
      const w = c > 0xffff ? 2 : 1;
      sc.gen++;
      for (let i = 0; i < cn && !found; i++) {
        const pc = cur[i]!;
        const ins = prog[pc]!;
        const ok = ins[0] === 2 ? !isLineEnd(c) : classHas(ins[1] as number[], c) !== (ins[2] === 1);
        if (ok) add(pc + 1, pos + w);
      }
      pos += w;
      if (!anchored && !found) add(0, pos);
      if (nn === 0 && anchored) break;
    }
    sc.gen++;
    return found;
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

  // ---- numbers (same rules as dsl/e164.ts; a test keeps the two equal) ----
  const SEPARATORS = /[\s\-.()/]/g;
  const validE164 = (digits: string) => (/^[1-9][0-9]{1,14}$/.test(digits) ? `+${digits}` : undefined);
  function e164(input: string, country: string): string | undefined {
    const plan = own(plans, country) as NumberingPlan | undefined;
    if (plan === undefined) return undefined;
    const s = input.replace(SEPARATORS, '');
    if (s.startsWith('+')) return validE164(s.slice(1));
    if (!/^[0-9]+$/.test(s)) return undefined;
    if (s.startsWith(plan.internationalPrefix)) return validE164(s.slice(plan.internationalPrefix.length));
    if (plan.nationalPrefix !== '' && s.startsWith(plan.nationalPrefix)) {
      const nsn = s.slice(plan.nationalPrefix.length);
      if (plan.lengths.includes(nsn.length)) return validE164(plan.cc + nsn);
    }
    if (plan.lengths.includes(s.length)) return validE164(plan.cc + s);
    return undefined;
  }
  function national(input: string, country: string): string | undefined {
    const plan = own(plans, country) as NumberingPlan | undefined;
    if (plan === undefined || !/^\+[1-9][0-9]{1,14}$/.test(input)) return undefined;
    const digits = input.slice(1);
    if (digits.startsWith(plan.cc)) return plan.nationalPrefix + digits.slice(plan.cc.length);
    return plan.internationalPrefix + digits;
  }

  // ---- headers ----
  const COMPACT: Record<string, string> = {
    i: 'call-id',
    m: 'contact',
    e: 'content-encoding',
    l: 'content-length',
    c: 'content-type',
    f: 'from',
    s: 'subject',
    k: 'supported',
    t: 'to',
    v: 'via',
    o: 'event',
    r: 'refer-to',
    b: 'referred-by',
    u: 'allow-events',
    x: 'session-expires',
    y: 'identity',
    a: 'accept-contact',
    j: 'reject-contact',
    d: 'request-disposition',
  };
  // Header names repeat across calls, so their keys are cached (bounded: hostile names cannot grow it).
  const keyCache = new Map<string, string>();
  function headerKey(name: string): string {
    const hit = keyCache.get(name);
    if (hit !== undefined) return hit;
    const l = name.toLowerCase();
    const key = (own(COMPACT, l) as string | undefined) ?? l;
    if (keyCache.size < 512) keyCache.set(name, key);
    return key;
  }
  /** [key, name, value] per header line, built on first use and kept for this message object only. */
  type Msg = { headers: string };
  const indexes = new WeakMap<Msg, [string, string, string][]>();
  function lines(msg: Msg): [string, string, string][] {
    let idx = indexes.get(msg);
    if (idx !== undefined) return idx;
    idx = [];
    const text = typeof msg.headers === 'string' ? msg.headers : '';
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const colon = text.indexOf(':', start);
      if (colon > start && colon < end) {
        const name = text.slice(start, colon).trim();
        idx.push([headerKey(name), name, text.slice(colon + 1, end).trim()]);
      }
      start = end + 1;
    }
    indexes.set(msg, idx);
    return idx;
  }
  function header(msg: Msg, name: string): string | undefined {
    const key = headerKey(name);
    for (const h of lines(msg)) if (h[0] === key) return h[2];
    return undefined;
  }
  /** Headers whose values contain commas that do not separate list elements (RFC 3261 §7.3.1). */
  const NOT_LISTS = [
    'date',
    'www-authenticate',
    'authorization',
    'proxy-authenticate',
    'proxy-authorization',
  ];
  function splitList(value: string): string[] {
    const out: string[] = [];
    let start = 0;
    let quote = false;
    let angle = false;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (quote) {
        if (c === 92) i++;
        else if (c === 34) quote = false;
      } else if (c === 34) quote = true;
      else if (c === 60) angle = true;
      else if (c === 62) angle = false;
      else if (c === 44 && !angle) {
        out.push(value.slice(start, i).trim());
        start = i + 1;
      }
    }
    out.push(value.slice(start).trim());
    return out;
  }
  function headers(msg: Msg, name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (const h of lines(msg)) {
      if (h[0] !== key) continue;
      if (NOT_LISTS.includes(key)) out.push(h[2]);
      else for (const v of splitList(h[2])) if (v !== '') out.push(v);
    }
    return out;
  }
  function headerLines(msg: Msg, name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (const h of lines(msg)) if (h[0] === key) out.push(h[2]);
    return out;
  }
  function headerNames(msg: Msg): string[] {
    const seen = new Set<string>();
    for (const h of lines(msg)) seen.add(h[1]);
    return [...seen];
  }

  // ---- addresses ----
  function fmtParams(params: Record<string, string>): string {
    let out = '';
    for (const k of Object.keys(params)) out += params[k] === '' ? `;${k}` : `;${k}=${params[k]}`;
    return out;
  }
  function fmtUri(u: UriSnapshot): string {
    if (u.scheme === 'tel') return `tel:${u.user}${fmtParams(u.params)}`;
    const user = u.user === '' ? '' : `${u.user}@`;
    const port = u.port === undefined ? '' : `:${u.port}`;
    return `${u.scheme}:${user}${u.host}${port}${fmtParams(u.params)}`;
  }
  function fmtNameAddr(a: NameAddrSnapshot): string {
    const display =
      a.display === undefined || a.display === '' ? '' : `"${a.display.replace(/["\\]/g, '\\$&')}" `;
    return `${display}<${fmtUri(a.uri)}>${fmtParams(a.params)}`;
  }

  // ---- addresses and classes ----
  function ipBits(ip: string): number[] | undefined {
    const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
    if (v4) {
      const o = v4.slice(1).map(Number);
      if (o.some((x) => x > 255)) return undefined;
      return [0, 0, 0, 0, 0, 0xffff, (o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!];
    }
    const bare = ip.replace(/^\[|\]$/g, '');
    if (!/^[0-9a-fA-F:]+$/.test(bare) || bare.length > 39) return undefined;
    const halves = bare.split('::');
    if (halves.length > 2) return undefined;
    const head = halves[0] === '' ? [] : halves[0]!.split(':');
    const tail = halves.length === 2 && halves[1] !== '' ? halves[1]!.split(':') : [];
    const fill = 8 - head.length - tail.length;
    if ((halves.length === 1 && fill !== 0) || fill < 0) return undefined;
    const words = [...head, ...new Array(fill).fill('0'), ...tail].map((h) => Number.parseInt(h, 16));
    return words.some((x) => !(x >= 0 && x <= 0xffff)) ? undefined : words;
  }
  function inCidr(ip: string, cidr: string): boolean {
    const slash = cidr.indexOf('/');
    const net = ipBits(slash < 0 ? cidr : cidr.slice(0, slash));
    const addr = ipBits(ip);
    if (net === undefined || addr === undefined) return false;
    let bits = slash < 0 ? 128 : Number(cidr.slice(slash + 1));
    if (!cidr.includes(':')) bits += 96;
    for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
      const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
      if ((net[i]! & mask) !== (addr[i]! & mask)) return false;
    }
    return true;
  }
  function inClass(code: number, cls: string): boolean {
    const s = String(code);
    if (s.length !== cls.length) return false;
    for (let i = 0; i < s.length; i++) if (cls[i] !== 'x' && cls[i] !== s[i]) return false;
    return true;
  }
  function inAnyCidr(ip: string, list: string[]): boolean {
    for (const c of list) if (inCidr(ip, c)) return true;
    return false;
  }
  function inAnyClass(code: number, list: string[]): boolean {
    for (const c of list) if (inClass(code, c)) return true;
    return false;
  }
  function sameText<T>(fmt: (v: T) => string, a: T | undefined, b: T | undefined): boolean {
    if (a === undefined || b === undefined) return a === b;
    return fmt(a) === fmt(b);
  }
  function len(s: string): number {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0xd800 || c > 0xdbff) n++;
    }
    return n;
  }

  return {
    own,
    rxExec,
    rxTest,
    rxCapture,
    rxReplace,
    e164,
    national,
    header,
    headers,
    headerNames,
    headerLines,
    headerKey,
    fmtUri,
    fmtNameAddr,
    inCidr,
    inClass,
    inAnyCidr,
    inAnyClass,
    sameText,
    len,
  };
}

export type Prelude = ReturnType<typeof prelude>;
