import type { Effect, HookInput, RuleError } from '../../dsl/effects.ts';

/**
 * What a call gets when its rule is cut off (docs/runtime.md "Failure"). An initial request received
 * from a trunk is rejected (500 with a Reason header, RFC 3326, naming the rule line), because
 * forwarding it unprocessed could bypass screening. Where nothing is lost by carrying on — responses,
 * requests going out, in-dialog requests, failed attempts — the message passes through unchanged.
 */
export interface FallbackPolicy {
  code: number;
  reason: string;
  /** Add `Reason: SIP;cause=…;text="…"` to the rejection. */
  reasonHeader: boolean;
  /** Pass through where the hook allows it (false: reject there too, when a rejection is possible). */
  passThrough: boolean;
}

export const DEFAULT_FALLBACK: Readonly<FallbackPolicy> = Object.freeze({
  code: 500,
  reason: 'Server Internal Error',
  reasonHeader: true,
  passThrough: true,
});

function canPassThrough(input: HookInput): boolean {
  return input.hook !== 'request' || input.direction === 'out' || input.inDialog;
}

function canReject(input: HookInput): boolean {
  return input.hook === 'request' && input.direction !== 'out' && input.message?.method !== 'ACK';
}

export function fallbackFor(
  input: HookInput,
  error: RuleError,
  policy: Partial<FallbackPolicy> = {},
): Effect[] {
  const p = { ...DEFAULT_FALLBACK, ...policy };
  if ((p.passThrough && canPassThrough(input)) || !canReject(input)) return [];
  const at = error.at ?? { file: '<runtime>', line: 0, column: 0 };
  const text = `rule ${error.kind}${error.at ? ` at ${error.at.file}:${error.at.line}` : ''}`.replace(
    /["\\\r\n]/g,
    '',
  );
  const effect: Effect = { kind: 'reject', code: p.code, reason: p.reason, at };
  if (p.reasonHeader) effect.headers = [['Reason', `SIP;cause=${p.code};text="${text}"`]];
  return [effect];
}
