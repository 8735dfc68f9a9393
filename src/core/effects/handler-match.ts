import type { CompiledRules } from '../../../dsl/codegen/index.ts';
import type { HookInput, RuleLocation } from '../../../dsl/effects.ts';
import type { IrHook } from '../../../dsl/ir.ts';

/**
 * Which handlers of a rule set an event matches, and why the others do not — for the preview's
 * "which rule matched / didn't". The choice itself is made by the generated dispatcher; a test keeps
 * this explanation in agreement with it.
 */
export interface HandlerMatch {
  id: string;
  at: RuleLocation;
  hook: string;
  /** 'ran': first match; 'shadowed': matches but an earlier handler ran; else why it does not match. */
  result: 'ran' | 'shadowed' | string;
}

export function describeHook(h: IrHook): string {
  const trunk =
    h.trunk === undefined
      ? ''
      : ` ${h.kind === 'request' && h.direction === 'out' ? 'to' : 'from'} ${h.trunk}`;
  if (h.kind === 'request') return `request ${h.methods.join(', ')}${h.inDialog ? ' in dialog' : ''}${trunk}`;
  if (h.kind === 'response') return `response ${h.statuses.join(', ')}${trunk}`;
  return `failure${trunk}`;
}

function statusMatches(code: number | undefined, pattern: string): boolean {
  const s = String(code ?? '');
  return s.length === pattern.length && [...pattern].every((c, i) => c === 'x' || c === s[i]);
}

/** Why `hook` does not match `input`, or undefined when it does. */
export function mismatch(h: IrHook, input: HookInput): string | undefined {
  if (h.kind !== input.hook) return `it is a ${h.kind} handler`;
  if (h.kind === 'request') {
    if (!h.methods.includes(input.message.method)) return `method is ${input.message.method}`;
    if (h.direction !== (input.direction ?? 'in'))
      return `the request goes ${input.direction === 'out' ? 'out' : 'in'}`;
    if (h.inDialog !== (input.inDialog === true))
      return input.inDialog ? 'the request is in a dialog' : 'the request is not in a dialog';
    const trunk = h.direction === 'out' ? input.target : input.source?.trunk;
    if (h.trunk !== undefined && h.trunk !== trunk) return `trunk is ${trunk || '(none)'}`;
    return undefined;
  }
  if (h.kind === 'response') {
    if (!h.statuses.some((p) => statusMatches(input.message.status, p)))
      return `status is ${input.message.status}`;
    if (h.trunk !== undefined && h.trunk !== input.source?.trunk)
      return `trunk is ${input.source?.trunk || '(none)'}`;
    return undefined;
  }
  if (h.trunk !== undefined && h.trunk !== input.failure?.trunk)
    return `trunk is ${input.failure?.trunk || '(none)'}`;
  return undefined;
}

export function matchHandlers(rules: CompiledRules, input: HookInput): HandlerMatch[] {
  let ran = false;
  return rules.handlers.map((h) => {
    const why = mismatch(h.hook, input);
    const result = why !== undefined ? why : ran ? 'shadowed' : 'ran';
    if (why === undefined) ran = true;
    return { id: h.id, at: h.at, hook: describeHook(h.hook), result };
  });
}
