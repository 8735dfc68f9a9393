import { textLibrary } from '../../dsl/codegen/lib-text.ts';
import type { HeaderReads, InputReads } from '../../dsl/codegen/reads.ts';
import type { HookInput } from '../../dsl/effects.ts';

/**
 * What crosses into the isolate for one hook call: the values of the HookInput the program reads
 * (CompiledRules.reads, listed by the generator), as a JSON array the program parses. Everything
 * copied in is garbage in the isolate once the call returns, and the isolate's young generation is
 * small (1 MB): the less each call leaves, the rarer the 50–100 µs scavenges that made the p99
 * (docs/runtime.md "Performance"). A program whose reads are unknown gets the whole snapshot.
 *
 * Every value is read as the program would read it from the snapshot, so a rule cannot tell the
 * difference; the program fills the same slots itself from a whole HookInput (reads.ts). Header
 * lines whose values are never read keep only their name (`X-Zoom-Site:`), so header names and
 * their order are unchanged.
 *
 * The input must be plain data, as the structured copy required: a function, symbol or class
 * instance among the values sent is refused (the call gets the fallback), never silently dropped.
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

/**
 * Can the name at text[start, end) match a pattern that every match of starts with one of the
 * prefixes? Names are trimmed before they are matched (lib-text.ts headerNamesMatching); a name with
 * other than ASCII characters is kept rather than trimmed here, since keeping more is harmless.
 */
function namePrefixed(text: string, start: number, end: number, prefixes: string[] | undefined): boolean {
  if (prefixes === undefined) return true;
  for (let i = start; i < end; i++) if (text.charCodeAt(i) >= 128) return true;
  const space = (c: number) => c === 32 || (c >= 9 && c <= 13);
  while (start < end && space(text.charCodeAt(start))) start++;
  while (end > start && space(text.charCodeAt(end - 1))) end--;
  for (const p of prefixes) if (end - start >= p.length && text.startsWith(p, start)) return true;
  return false;
}

/**
 * The header lines the program can read: lines of headers whose values it reads in full, the names
 * alone of the others it may list (those with one of the prefixes, if given), nothing of the rest.
 */
export function trimHeaders(text: string, spec: HeaderReads): string {
  if (spec.all) return text;
  if (!spec.names && spec.values.length === 0) return '';
  // Lines are collected and joined once: half the garbage of growing one string line by line.
  const lines: string[] = [];
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', start);
    if (colon > start && colon < end) {
      // Lookups ignore spaces before the colon (lib-text.ts sameName); keeping more is harmless.
      const whole =
        spec.values.length > 0 &&
        spec.values.includes(headerKey(text.slice(start, colon).replace(/[ \t]+$/, '')));
      if (whole) lines.push(text.slice(start, end));
      else if (spec.names && namePrefixed(text, start, colon, spec.namePrefixes))
        lines.push(text.slice(start, colon + 1));
    }
    start = end + 1;
  }
  return lines.join('\n');
}

/**
 * The payload for RuleIsolate.call: the JSON array of the values the program reads, or the input
 * itself (structured copy) when the program's reads are not known. Throws NotData for input that is
 * not data or has no message.
 */
export function inputPayload(input: HookInput, reads: InputReads | undefined): string | HookInput {
  if (reads === undefined) return input;
  const message: unknown = input.message;
  if (message === null || typeof message !== 'object') throw new NotData('hook input has no message');
  const query: unknown = input.request ?? message;
  const headers = reads.headers;
  const slots = reads.slots;
  const out: unknown[] = new Array(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    let v: unknown = s.from === 'input' ? input : s.from === 'message' ? message : query;
    // The program's read: the first key of its root, then optional chaining (reads.ts slotsFromInputCode).
    for (const key of s.path) {
      if (v === null || v === undefined) {
        v = undefined;
        break;
      }
      v = (v as Record<string, unknown>)[key];
    }
    if (s.presence) v = v === undefined ? undefined : 0;
    else if (headers !== undefined && i === headers.slot && typeof v === 'string')
      v = trimHeaders(v, headers);
    else checkData(v);
    out[i] = v;
  }
  // undefined becomes null in the array; the program reads null as undefined (generate.ts).
  return JSON.stringify(out);
}
