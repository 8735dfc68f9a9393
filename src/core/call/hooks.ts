/**
 * Runs one hook of a call's pinned rule set and applies its effects with the
 * one implementation preview uses (src/core/effects), so preview = live.
 * Variables the rule sets are kept on the call and passed to its next hook.
 */
import type { HookInput, HookKind, RuleError } from '../../../dsl/effects.ts';
import type { IrValue } from '../../../dsl/index.ts';
import type { SipMessage } from '../../edge/sip/index.ts';
import { applyEffects, type Decisions, emptyDecisions, messageSnapshot } from '../effects/index.ts';
import type { LoadedVersion } from '../rules/loaded-version.ts';

export interface HookContext {
  version: LoadedVersion;
  callId: string;
  attempt: number;
  trunk: string;
  source: HookInput['source'];
  vars: Record<string, IrValue>;
}

export interface HookEvent {
  hook: HookKind;
  direction?: 'in' | 'out';
  inDialog?: boolean;
  /** The message in hand; effects edit it in place. */
  message: SipMessage;
  /** Response and failure hooks: the request that was sent. */
  request?: SipMessage;
  target?: string;
  failure?: HookInput['failure'];
}

export interface HookOutcome extends Decisions {
  handler: string;
  error?: RuleError;
}

/** Observers the core hangs metrics and logs on (kept out of this module so it stays pure). */
export interface HookObserver {
  ruleError(version: number, error: RuleError): void;
  count(counter: string): void;
  log(level: string, message: string, callId: string): void;
}

function eventKey(event: HookEvent): string {
  if (event.hook !== 'request') return event.hook;
  return `request:${event.direction ?? 'in'}:${event.inDialog ?? false}:${event.message.method}`;
}

export function runHook(ctx: HookContext, event: HookEvent, observer: HookObserver): HookOutcome {
  // No handler for this event: nothing can change, so the isolate is not called.
  if (!ctx.version.handled.has(eventKey(event))) return { ...emptyDecisions(), handler: '' };
  const input: HookInput = {
    hook: event.hook,
    direction: event.direction ?? 'in',
    inDialog: event.inDialog ?? false,
    message: messageSnapshot(event.message),
    source: ctx.source,
    call: { id: ctx.callId, attempt: ctx.attempt, trunk: ctx.trunk },
    vars: ctx.vars,
  };
  if (event.request) input.request = messageSnapshot(event.request);
  if (event.target !== undefined) input.target = event.target;
  if (event.failure) input.failure = event.failure;
  const result = ctx.version.runtime.runHook(input);
  if (result.error) observer.ruleError(ctx.version.number, result.error);
  const decisions = applyEffects(event.message, result.effects);
  for (const [name, value] of Object.entries(decisions.vars)) ctx.vars[name] = value;
  for (const counter of decisions.counters) observer.count(counter);
  for (const line of decisions.logs) observer.log(line.level, line.message, ctx.callId);
  const outcome: HookOutcome = { ...decisions, handler: result.handler };
  if (result.error) outcome.error = result.error;
  return outcome;
}
