import type { CompiledRules } from '../../../dsl/codegen/index.ts';
import type {
  Effect,
  HookInput,
  HookResult,
  MessageSnapshot,
  RuleError,
  TraceEvent,
} from '../../../dsl/effects.ts';
import type { IrValue } from '../../../dsl/ir.ts';
import { serialize } from '../../edge/sip/index.ts';
import { applyEffects, type Decisions, statusLine } from './apply-to-message.ts';
import { classifyTrunk } from './classify.ts';
import { type HandlerMatch, matchHandlers } from './handler-match.ts';
import { loadMessage } from './message-file.ts';
import { messageSnapshot } from './snapshot.ts';
import { unifiedDiff } from './unified-diff.ts';

/**
 * One hook run on a message file, exactly as a live call would run it (same compiled code, same
 * runtime, same effect application), and everything a rule author wants to see about it. Used by
 * `sbc preview`, `sbc test` and (as JSON) the admin API and the editor.
 */
export type HookName = 'request-in' | 'request-out' | 'response' | 'failure';
export const HOOK_NAMES: readonly HookName[] = ['request-in', 'request-out', 'response', 'failure'];

export interface PreviewOptions {
  hook?: HookName;
  /** Trunk the message came from (request-in, response) or goes to (request-out). */
  trunk?: string;
  source?: { ip: string; port: number };
  transport?: 'udp' | 'tcp' | 'tls';
  vars?: Record<string, IrValue>;
  attempt?: number;
  failure?: { status: number; reason: string; timeout: boolean };
}

export interface HookRunner {
  readonly rules: CompiledRules;
  runHook(input: HookInput): HookResult;
}

export interface PreviewResult {
  ruleset: string;
  hook: HookName;
  trunk: string;
  handler: { id: string; at?: { file: string; line: number; column: number } } | null;
  /** Every handler with whether it ran, was shadowed by an earlier one, or why it did not match. */
  handlers: HandlerMatch[];
  /** The call context the hook ran with (everything of HookInput but the messages). */
  context: Omit<HookInput, 'message' | 'request'>;
  /** The message after the effects; for a reject or reply, the response status line instead. */
  output:
    { kind: 'message'; text: string } | { kind: 'response'; statusLine: string; headers: [string, string][] };
  input: string;
  diff: string;
  decisions: Decisions;
  effects: Effect[];
  trace: TraceEvent[];
  hits: number[];
  error?: RuleError;
  notes: string[];
}

export function hookInputFor(
  snapshot: MessageSnapshot,
  rules: CompiledRules,
  o: PreviewOptions,
): { input: HookInput; hook: HookName; trunk: string } {
  const hook: HookName = o.hook ?? (snapshot.kind === 'response' ? 'response' : 'request-in');
  const source = o.source ?? { ip: '192.0.2.1', port: 5060 };
  const trunk = o.trunk ?? (hook === 'request-out' ? '' : classifyTrunk(rules, source.ip));
  const inDialog = snapshot.kind === 'request' && snapshot.to.params.tag !== undefined;
  // The transport the message came over is the one its top Via names (RFC 3261 §18.2.1).
  const via = /^SIP\/2\.0\/(UDP|TCP|TLS)\b/i.exec(headerValue(snapshot, 'via'))?.[1]?.toLowerCase();
  const transport = o.transport ?? (via as 'udp' | 'tcp' | 'tls' | undefined) ?? 'udp';
  const base = {
    inDialog,
    message: snapshot,
    source: { ip: source.ip, port: source.port, transport, trunk: hook === 'request-out' ? '' : trunk },
    call: { id: headerValue(snapshot, 'call-id'), attempt: o.attempt ?? 1, trunk },
    vars: o.vars ?? {},
  };
  let input: HookInput;
  if (hook === 'request-in') input = { ...base, hook: 'request', direction: 'in' };
  else if (hook === 'request-out') input = { ...base, hook: 'request', direction: 'out', target: trunk };
  else if (hook === 'response') input = { ...base, hook: 'response', direction: 'in' };
  else
    input = {
      ...base,
      hook: 'failure',
      direction: 'out',
      failure: { ...(o.failure ?? { status: 503, reason: 'Service Unavailable', timeout: false }), trunk },
    };
  return { input, hook, trunk };
}

function headerValue(s: MessageSnapshot, name: string): string {
  for (const line of s.headers.split('\n')) {
    const colon = line.indexOf(':');
    const n = line.slice(0, colon).trim().toLowerCase();
    if (n === name || (name === 'call-id' && n === 'i') || (name === 'via' && n === 'v'))
      return line.slice(colon + 1).trim();
  }
  return '';
}

export function previewMessage(runner: HookRunner, content: string, o: PreviewOptions = {}): PreviewResult {
  const loaded = loadMessage(content);
  const snapshot = messageSnapshot(loaded.message);
  const { input, hook, trunk } = hookInputFor(snapshot, runner.rules, o);
  const result = runner.runHook(input);
  const decisions = applyEffects(loaded.message, result.effects);
  const after = serialize(loaded.message).toString('utf8');
  const answer = decisions.reject ?? decisions.reply;
  const output: PreviewResult['output'] = answer
    ? {
        kind: 'response',
        statusLine: statusLine(answer.code, answer.reason),
        headers: decisions.reject?.headers ?? [],
      }
    : { kind: 'message', text: after };
  const handler =
    result.handler === '' ? null : { id: result.handler, ...handlerAt(runner.rules, result.handler) };
  const toText = (s: string) => s.replace(/\r\n/g, '\n');
  return {
    ruleset: runner.rules.ruleset,
    hook,
    trunk,
    handler,
    handlers: matchHandlers(runner.rules, input),
    context: contextOf(input),
    output,
    input: loaded.text,
    diff: unifiedDiff(toText(loaded.text), toText(after)),
    decisions,
    effects: result.effects,
    trace: result.trace,
    hits: result.hits,
    ...(result.error ? { error: result.error } : {}),
    notes: loaded.notes,
  };
}

function contextOf(input: HookInput): Omit<HookInput, 'message' | 'request'> {
  const { message: _m, request: _r, ...context } = input;
  return context;
}

function handlerAt(rules: CompiledRules, id: string) {
  const h = rules.handlers.find((x) => x.id === id);
  return h ? { at: h.at } : {};
}
