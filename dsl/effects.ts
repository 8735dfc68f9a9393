import type { IrFailover, IrMediaPolicy, IrValue } from './ir.ts';

/**
 * The contract between compiled rules and the rest of the SBC (docs/runtime.md). A hook call takes
 * a HookInput (an immutable snapshot of the message and the call) and gives back effects: plain data
 * the signaling core applies. The core, `sbc preview`, `sbc test` and the editor share these types.
 */

/** Where in the rule files something comes from (1-based). */
export interface RuleLocation {
  file: string;
  line: number;
  column: number;
}

/** A URI as rules see it. `params` keys are lower case; a flag parameter has the value ''. */
export interface UriSnapshot {
  scheme: string;
  user: string;
  host: string;
  port?: number;
  params: Record<string, string>;
}

export interface NameAddrSnapshot {
  display?: string;
  uri: UriSnapshot;
  params: Record<string, string>;
}

export interface MessageSnapshot {
  kind: 'request' | 'response';
  /** Request method; for a response, the method of its CSeq. */
  method: string;
  /** Request-URI as text ('' for responses). */
  uri: string;
  ruri?: UriSnapshot;
  status?: number;
  reason?: string;
  from: NameAddrSnapshot;
  to: NameAddrSnapshot;
  pai?: NameAddrSnapshot;
  ppi?: NameAddrSnapshot;
  contact?: NameAddrSnapshot;
  /**
   * Header lines in wire order as `Name: value`, joined by '\n' (folding removed, so no value holds a
   * line break). One string rather than a list of pairs: it crosses into the isolate at a fraction of
   * the cost, and rules index it only when they read a header (docs/runtime.md).
   */
  headers: string;
  hasSdp: boolean;
}

export type HookKind = 'request' | 'response' | 'failure';

export interface HookInput {
  hook: HookKind;
  /** Requests: 'in' when received from a trunk, 'out' when about to be sent to one. */
  direction: 'in' | 'out';
  inDialog: boolean;
  /** The message in hand: the request, the response, or (failure hook) the request that failed. */
  message: MessageSnapshot;
  /** Response and failure hooks: the request that was sent. */
  request?: MessageSnapshot;
  source: { ip: string; port: number; transport: 'udp' | 'tcp' | 'tls'; trunk: string };
  call: { id: string; attempt: number; trunk: string };
  /** Outgoing requests: the trunk the request is sent to. */
  target?: string;
  failure?: { status: number; reason: string; timeout: boolean; trunk: string };
  /** The call's variables (missing ones start at their declared value). */
  vars: Record<string, IrValue>;
}

interface At {
  at: RuleLocation;
}

export type Effect = At &
  (
    | { kind: 'header.set'; name: string; value: string; param?: string }
    | { kind: 'header.add'; name: string; value: string }
    | { kind: 'header.default'; name: string; value: string }
    | { kind: 'header.remove'; name: string; param?: string }
    /** A regex replace, already evaluated: the header's new values, one per line. */
    | { kind: 'header.replace'; name: string; values: string[] }
    /** `set ruri.user = …`, `set pai = from`, `set response.status = 183` … */
    | { kind: 'field.set'; field: string[]; value: string | number | NameAddrSnapshot | UriSnapshot }
    | { kind: 'field.remove'; field: string[] }
    | { kind: 'reject'; code: number; reason?: string; headers?: [string, string][] }
    | { kind: 'reply'; code: number; reason?: string }
    | { kind: 'route'; target: string; targetKind: 'trunk' | 'group'; failover?: IrFailover }
    | { kind: 'media'; leg: 'inbound' | 'outbound'; policy: IrMediaPolicy }
    | { kind: 'var.set'; name: string; value: IrValue }
    | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
    | { kind: 'count'; counter: string }
  );

export type EffectKind = Effect['kind'];

/** One decision a rule took, as the trace reports it (a CoveragePoint that was hit). */
export interface TraceEvent {
  kind: CoveragePoint['kind'];
  at: RuleLocation;
  label: string;
}

export interface RuleError {
  kind: 'throw' | 'timeout' | 'memory' | 'invalid-result' | 'no-isolate';
  message: string;
  /** The rule statement that was running, when known. */
  at?: RuleLocation;
}

export interface HookResult {
  /** Id of the handler that ran ('' when no handler matched the event). */
  handler: string;
  effects: Effect[];
  trace: TraceEvent[];
  /** Set when the rule was cut off; `effects` is then the configured fallback. */
  error?: RuleError;
  /** Ids of the CoveragePoints hit by this call, in order (the trace, as numbers). */
  hits: number[];
}

/** A decision a rule can take, counted by `sbc test --coverage`. */
export interface CoveragePoint {
  id: number;
  kind: 'handler' | 'branch' | 'no-branch' | 'else' | 'no-else';
  at: RuleLocation;
  label: string;
}
