import type { IrFieldPath } from '../ir.ts';

/**
 * What of its input a generated program can read, found while generating it. The runtime sends the
 * isolate only these parts (src/runtime/input.ts): a call's input is the largest thing copied into
 * the isolate on every hook, and what is copied in is garbage there after the call, so sending less
 * makes its young-generation collections rarer (docs/runtime.md "Performance").
 *
 * A tree names parts by their snapshot keys: `true` is the whole value, an object only the keys it
 * names (`{}`: the value itself is only tested for presence, or is read as a scalar). Keys are always
 * snapshot field names fixed here, never names taken from a rule (a parameter or variable name), so
 * a projection built from a tree cannot be steered to `__proto__`.
 */
export type ReadTree = { [key: string]: true | ReadTree };

export interface InputReads {
  /** HookInput parts other than the two messages (`source`, `call`, `failure`, `vars`, …). */
  input: ReadTree;
  /** MessageSnapshot parts, read from the message in hand and from the request alike. */
  message: ReadTree;
  /** The header text: all of it, every header's name, and the values of these headers (keys). */
  headers: { all: boolean; names: boolean; values: string[] };
}

const URI_KEYS = new Set(['user', 'host', 'port', 'scheme']);

/** `uri.params.x` and `uri.params` both need the whole parameter map: names come from rules. */
function uriRead(rest: string[]): string[] {
  const [head] = rest;
  if (head === 'params') return ['params'];
  if (rest.length === 1 && URI_KEYS.has(head!)) return [head!];
  return [];
}

function nameAddrRead(rest: string[]): string[] {
  const [head] = rest;
  if (head === undefined) return [];
  if (head === 'display') return ['display'];
  if (head === 'uri') return ['uri', ...uriRead(rest.slice(1))];
  if (head === 'user' || head === 'host') return ['uri', head];
  if (head === 'params') return ['params'];
  return [];
}

/** Message keys of `request.x` and `response.x`, and input keys of the other roots (emit-expr.ts SIMPLE_ROOTS). */
const SIMPLE_READS: Record<string, Record<string, { input?: string[]; message?: string[] }>> = {
  request: {
    method: { message: ['method'] },
    uri: { message: ['uri'] },
    has_sdp: { message: ['hasSdp'] },
    in_dialog: { input: ['inDialog'] },
  },
  response: {
    status: { message: ['status'] },
    reason: { message: ['reason'] },
    has_sdp: { message: ['hasSdp'] },
  },
  source: {
    ip: { input: ['source', 'ip'] },
    port: { input: ['source', 'port'] },
    transport: { input: ['source', 'transport'] },
    trunk: { input: ['source', 'trunk'] },
  },
  call: {
    id: { input: ['call', 'id'] },
    attempt: { input: ['call', 'attempt'] },
    trunk: { input: ['call', 'trunk'] },
  },
  failure: {
    status: { input: ['failure', 'status'] },
    reason: { input: ['failure', 'reason'] },
    timeout: { input: ['failure', 'timeout'] },
    trunk: { input: ['failure', 'trunk'] },
  },
};

/** Header names in the long, lower-case form header lookups use (lib-text.ts `headerKey`). */
export type HeaderKey = (name: string) => string;

export class ReadRecorder {
  private readonly input: ReadTree = {};
  private readonly message: ReadTree = {};
  private allHeaders = false;
  private headerNames = false;
  private readonly headerValues = new Set<string>();
  private readonly headerKey: HeaderKey;
  private everything = false;

  constructor(headerKey: HeaderKey) {
    this.headerKey = headerKey;
  }

  /** A part of the input itself: `['source', 'trunk']`, `['vars']`. */
  inputPart(path: string[], presence = false): void {
    need(this.input, path, !presence);
  }

  /** A part of the messages: `['method']`, `['from', 'uri', 'user']`. */
  messagePart(path: string[], presence = false): void {
    need(this.message, path, !presence);
  }

  /**
   * A rule field (emit-expr.ts fieldRead); `presence` when only `has(field)` is asked. Reading more
   * than the program needs only costs time, reading less would change what rules see.
   */
  field(path: IrFieldPath, presence = false): void {
    const [root, ...rest] = path;
    if (root === 'ruri') return this.messagePart(['ruri', ...uriRead(rest)], presence && rest.length === 0);
    if (root === 'from' || root === 'to' || root === 'pai' || root === 'ppi' || root === 'contact')
      return this.messagePart([root, ...nameAddrRead(rest)], presence && rest.length === 0);
    const simple = rest.length === 1 ? SIMPLE_READS[root ?? '']?.[rest[0]!] : undefined;
    if (simple?.input) return this.inputPart(simple.input);
    if (simple?.message) return this.messagePart(simple.message);
    // A field fieldRead does not know fails code generation; should it not, everything is sent.
    this.everything = true;
  }

  /** The value of one header (a literal name), or of any header (`undefined`: the name is computed). */
  header(name: string | undefined): void {
    if (name === undefined) this.allHeaders = true;
    else this.headerValues.add(this.headerKey(name));
  }

  /** Every header's name (`remove header /regex/`). */
  names(): void {
    this.headerNames = true;
  }

  /** What the program reads; undefined when that is not known, and the whole input must be sent. */
  result(): InputReads | undefined {
    if (this.everything) return undefined;
    return {
      input: this.input,
      message: this.message,
      headers: {
        all: this.allHeaders,
        names: this.headerNames,
        values: [...this.headerValues].sort(),
      },
    };
  }
}

/** Adds a path to a tree: `whole` reads the value at the end entirely, else only its presence. */
function need(tree: ReadTree, path: string[], whole: boolean): void {
  let node = tree;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const cur = node[key];
    if (cur === true) return;
    if (i === path.length - 1) {
      node[key] = whole ? true : (cur ?? {});
      return;
    }
    const next: ReadTree = cur ?? {};
    node[key] = next;
    node = next;
  }
}
