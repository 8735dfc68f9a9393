import type { IrFieldPath } from '../ir.ts';

/**
 * What of its input a generated program reads, found while generating it. The program never walks
 * the HookInput: every value it reads is a numbered slot, filled before the handler runs, and the
 * runtime sends only the slots, as a JSON array (src/runtime/input.ts). A call's input is the
 * largest thing copied into the isolate on every hook, and what is copied in is garbage there after
 * the call; a flat array of the values read is a fraction of the snapshot and parses in a third of
 * the time of the objects it came from (docs/runtime.md "Performance").
 *
 * A slot is the value at a path of snapshot keys from one of three roots: the HookInput (`input`),
 * the message in hand (`message`), or the request the rule's `ruri` and `request.*` fields read
 * (`query`: the input's `request`, else its message). A presence slot holds 0 when the value is
 * there and nothing otherwise (`has(pai)` needs no more). Paths are snapshot field names fixed
 * here, never names from a rule (a parameter name is looked up in the whole `params` value).
 *
 * The same slots are filled inside the program when it is given a whole HookInput instead (tools,
 * tests, RuleSetRuntime.runJson), by code generated from this list, so both ways read the same.
 */
export type SlotRoot = 'input' | 'message' | 'query';

export interface SlotRead {
  from: SlotRoot;
  path: string[];
  /** Only whether the value is there (`has(field)`). */
  presence?: true;
}

export interface InputReads {
  slots: SlotRead[];
  /**
   * The slot of the header text of the message in hand, if the program reads headers, and what it
   * reads of them: all of it, the values of these headers (lower-case keys), and header names: with
   * `names`, those that start with one of `namePrefixes` (the literal starts of the patterns of
   * `remove header /^X-…/`), or every name when there are no prefixes.
   */
  headers?: HeaderReads;
}

export interface HeaderReads {
  slot: number;
  all: boolean;
  names: boolean;
  namePrefixes?: string[];
  values: string[];
}

/** Where a rule field is: its slot, and the parameter to look up in the slot's value, if any. */
export interface FieldLocation {
  from: SlotRoot;
  path: string[];
  param?: string;
}

const URI_KEYS = new Set(['user', 'host', 'port', 'scheme']);

function uriLocation(from: SlotRoot, at: string[], rest: string[]): FieldLocation | undefined {
  const [head, key] = rest;
  if (rest.length === 0) return { from, path: at };
  if (head === 'params' && rest.length === 2)
    return { from, path: [...at, 'params'], param: key!.toLowerCase() };
  if (head === 'params' && rest.length === 1) return { from, path: [...at, 'params'] };
  if (rest.length === 1 && URI_KEYS.has(head!)) return { from, path: [...at, head!] };
  return undefined;
}

function nameAddrLocation(at: string[], rest: string[]): FieldLocation | undefined {
  const [head] = rest;
  if (head === undefined) return { from: 'message', path: at };
  if (head === 'display' && rest.length === 1) return { from: 'message', path: [...at, 'display'] };
  if (head === 'uri') return uriLocation('message', [...at, 'uri'], rest.slice(1));
  if (head === 'user' || head === 'host') return uriLocation('message', [...at, 'uri'], rest);
  if (head === 'params') return uriLocation('message', at, rest);
  return undefined;
}

/** `request.x`, `source.x`, … (the rule language's simple fields) and where they are. */
const SIMPLE: Record<string, Record<string, FieldLocation>> = {
  request: {
    method: { from: 'query', path: ['method'] },
    uri: { from: 'query', path: ['uri'] },
    has_sdp: { from: 'query', path: ['hasSdp'] },
    in_dialog: { from: 'input', path: ['inDialog'] },
  },
  response: {
    status: { from: 'message', path: ['status'] },
    reason: { from: 'message', path: ['reason'] },
    has_sdp: { from: 'message', path: ['hasSdp'] },
  },
  source: {
    ip: { from: 'input', path: ['source', 'ip'] },
    port: { from: 'input', path: ['source', 'port'] },
    transport: { from: 'input', path: ['source', 'transport'] },
    trunk: { from: 'input', path: ['source', 'trunk'] },
  },
  call: {
    id: { from: 'input', path: ['call', 'id'] },
    attempt: { from: 'input', path: ['call', 'attempt'] },
    trunk: { from: 'input', path: ['call', 'trunk'] },
  },
  failure: {
    status: { from: 'input', path: ['failure', 'status'] },
    reason: { from: 'input', path: ['failure', 'reason'] },
    timeout: { from: 'input', path: ['failure', 'timeout'] },
    trunk: { from: 'input', path: ['failure', 'trunk'] },
  },
};

/** Where a rule field is in the input; undefined for a field the language does not have. */
export function fieldLocation(path: IrFieldPath): FieldLocation | undefined {
  const [root, ...rest] = path;
  if (root === 'ruri') return uriLocation('query', ['ruri'], rest);
  if (root === 'from' || root === 'to' || root === 'pai' || root === 'ppi' || root === 'contact')
    return nameAddrLocation([root], rest);
  if (rest.length !== 1 || !Object.hasOwn(SIMPLE, root ?? '')) return undefined;
  const fields = SIMPLE[root!]!;
  return Object.hasOwn(fields, rest[0]!) ? fields[rest[0]!] : undefined;
}

/** Header names in the long, lower-case form header lookups use (lib-text.ts `headerKey`). */
export type HeaderKey = (name: string) => string;

export class ReadRecorder {
  private readonly slots: SlotRead[] = [];
  private readonly index = new Map<string, number>();
  private readonly headerKey: HeaderKey;
  private headers: HeaderReads | undefined;
  private allNames = false;
  private readonly namePrefixes: string[] = [];

  constructor(headerKey: HeaderKey) {
    this.headerKey = headerKey;
  }

  /** The slot of a value (the same value twice has one slot). */
  slot(from: SlotRoot, path: string[], presence = false): number {
    const key = `${from}:${path.join('.')}${presence ? '?' : ''}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.slots.length;
      this.slots.push(presence ? { from, path, presence: true } : { from, path });
      this.index.set(key, i);
    }
    return i;
  }

  private headerText(): HeaderReads {
    this.headers ??= { slot: this.slot('message', ['headers']), all: false, names: false, values: [] };
    return this.headers;
  }

  /** The slot of the header text, for the value of one header (a literal name) or of any (`undefined`). */
  header(name: string | undefined): number {
    const h = this.headerText();
    if (name === undefined) h.all = true;
    else {
      const key = this.headerKey(name);
      if (!h.values.includes(key)) h.values.push(key);
    }
    return h.slot;
  }

  /**
   * The slot of the header text, for header names (`remove header /regex/`): those that start with
   * `prefix`, the literal start every match of the pattern has, or all of them.
   */
  names(prefix?: string): number {
    const h = this.headerText();
    if (prefix === undefined || prefix === '') this.allNames = true;
    else if (!this.namePrefixes.includes(prefix)) this.namePrefixes.push(prefix);
    h.names = true;
    return h.slot;
  }

  result(): InputReads {
    if (this.headers === undefined) return { slots: this.slots };
    const headers: HeaderReads = { ...this.headers, values: [...this.headers.values].sort() };
    if (this.headers.names && !this.allNames) headers.namePrefixes = [...this.namePrefixes].sort();
    return { slots: this.slots, headers };
  }
}

/**
 * JavaScript that fills the slots from a whole HookInput `I` (the same reads the host makes in
 * src/runtime/input.ts). The message must be there, as it must for the host.
 */
export function slotsFromInputCode(reads: InputReads): string {
  const root = { input: 'I', message: 'M', query: 'Q' };
  const values = reads.slots.map((s) => {
    if (!s.path.every((k) => /^[A-Za-z]+$/.test(k))) throw new Error(`bad slot path ${s.path.join('.')}`);
    const read = root[s.from] + s.path.map((k, i) => (i === 0 ? `.${k}` : `?.${k}`)).join('');
    return s.presence ? `(${read} === undefined ? undefined : 0)` : read;
  });
  return `function $slotsOf(I) { const M = I.message; const Q = I.request ?? M; if (M === null || typeof M !== 'object') throw new TypeError('hook input has no message'); return [${values.join(', ')}]; }`;
}
