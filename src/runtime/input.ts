import type { InputReads, ReadTree } from '../../dsl/codegen/reads.ts';
import { textLibrary } from '../../dsl/codegen/lib-text.ts';
import type { HookInput } from '../../dsl/effects.ts';

/**
 * What crosses into the isolate for one hook call: only the parts of the HookInput the program can
 * read (CompiledRules.reads, found by the generator), as JSON text the program parses. Everything
 * copied in is garbage in the isolate once the call returns, and the isolate's young generation is
 * small (1 MB): the less each call leaves, the rarer the 50–100 µs scavenges that made the p99
 * (docs/runtime.md "Performance"). A program whose reads are unknown gets the whole snapshot.
 *
 * The projection keeps every part that is read exactly as it is, so a rule cannot tell the
 * difference: unread message fields are left out, and header lines whose values are never read
 * keep only their name (`X-Zoom-Site:`), so header names and their order are unchanged.
 *
 * The input must be plain data, as the structured copy required: a function, symbol or class
 * instance in a part that is sent is refused (the call gets the fallback), never silently dropped.
 */
const headerKey = textLibrary({}).headerKey;

class NotData extends TypeError {}

const MAX_DEPTH = 64;

/** Throws unless `v` is JSON data (strings, numbers, booleans, null, arrays, plain objects). */
function checkData(v: unknown, depth = 0): void {
  if (v === null || v === undefined) return;
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean') return;
  if (t !== 'object') throw new NotData(`hook input holds a ${t}, which is not data`);
  if (depth > MAX_DEPTH) throw new NotData('hook input nested too deep');
  if (Array.isArray(v)) {
    for (const x of v) checkData(x, depth + 1);
    return;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null)
    throw new NotData('hook input holds an object that is not data');
  for (const k in v) checkData((v as Record<string, unknown>)[k], depth + 1);
}

/** The parts of `v` the tree names (reads.ts ReadTree); `true` takes the value whole. */
function project(v: unknown, tree: ReadTree | true): unknown {
  if (tree === true || v === null || typeof v !== 'object') {
    checkData(v);
    return v;
  }
  const out: Record<string, unknown> = {};
  for (const key in tree) {
    if (!Object.hasOwn(v, key)) continue;
    const x = (v as Record<string, unknown>)[key];
    if (x !== undefined) out[key] = project(x, tree[key]!);
  }
  return out;
}

/**
 * The header lines the program can read: lines of headers whose values it reads in full, the names
 * alone of the others when it lists names, nothing of the rest.
 */
export function trimHeaders(text: string, spec: InputReads['headers']): string {
  if (spec.all) return text;
  if (!spec.names && spec.values.length === 0) return '';
  let out = '';
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', start);
    if (colon > start && colon < end) {
      const name = text.slice(start, colon);
      let line: string | undefined;
      if (spec.values.length > 0 && spec.values.includes(headerKey(name.replace(/[ \t]+$/, ''))))
        line = text.slice(start, end);
      else if (spec.names) line = `${name}:`;
      if (line !== undefined) out = out === '' ? line : `${out}\n${line}`;
    }
    start = end + 1;
  }
  return out;
}

function projectMessage(m: unknown, reads: InputReads): unknown {
  const out = project(m, reads.message);
  if (out === null || typeof out !== 'object') return out;
  const headers = (m as Record<string, unknown>).headers;
  if (typeof headers === 'string') {
    const text = trimHeaders(headers, reads.headers);
    if (text !== '') (out as Record<string, unknown>).headers = text;
  } else checkData(headers);
  return out;
}

/**
 * The payload for RuleIsolate.call: JSON text of the parts the program reads, or the input itself
 * (structured copy) when the program's reads are not known. Throws NotData for input that is not data.
 */
export function inputPayload(input: HookInput, reads: InputReads | undefined): string | HookInput {
  if (reads === undefined) return input;
  const out = project(input, reads.input) as Record<string, unknown>;
  if (input.message !== undefined) out.message = projectMessage(input.message, reads);
  if (input.request !== undefined) out.request = projectMessage(input.request, reads);
  return JSON.stringify(out);
}
