import type { Span } from './diagnostics.ts';

/**
 * The lowered program (docs/language.md §11): plain, JSON-serialisable data for the code
 * generator of the rules runtime. Every name is resolved, every expression carries its type
 * (as shown in diagnostics, e.g. "string?", "E164") and every node its source span.
 */
export const IR_VERSION = 1;

export interface IrProgram {
  irVersion: typeof IR_VERSION;
  ruleset: string;
  files: string[];
  trunks: IrTrunk[];
  groups: IrGroup[];
  tables: IrTable[];
  vars: IrVar[];
  counters: string[];
  /** In dispatch order: for each event the first matching handler runs. */
  handlers: IrHandler[];
}

export interface IrPeer {
  host: string;
  port?: number;
}

export interface IrTrunk {
  name: string;
  peers: IrPeer[];
  transport: 'udp' | 'tcp' | 'tls';
  sources: string[];
  media?: IrMediaPolicy;
  options?: IrOptions;
  failover?: IrFailover;
  prack?: 'off' | 'supported' | 'required';
  earlyOffer?: boolean;
  sessionExpiresMs?: number;
  minSeMs?: number;
  maxCalls?: number;
  cps?: number;
  span: Span;
}

export interface IrGroup {
  name: string;
  members: string[];
  policy: 'ordered' | 'round_robin';
  backup?: string;
  failover?: IrFailover;
  span: Span;
}

export interface IrMediaPolicy {
  codecs?: string[];
  strip?: string[];
  srtp?: 'off' | 'optional' | 'required';
  ptimeMs?: number;
  maxptimeMs?: number;
  dtmf?: 'rfc2833' | 'info' | 'inband' | 'none';
  transcode?: boolean;
  ringback?: 'relay' | 'inject' | 'none';
  comfortNoise?: boolean;
  /** Names of SDP attributes (`a=NAME…`) removed from the SDP sent on this leg. */
  stripAttributes?: string[];
}

export interface IrOptions {
  enabled: boolean;
  intervalMs?: number;
  timeoutMs?: number;
  downAfter?: number;
  upAfter?: number;
}

export interface IrFailover {
  /** Status codes (503), classes ('5xx') and causes ('timeout'). */
  on?: (number | string)[];
  retry?: number;
  timeoutMs?: number;
}

export type IrLiteral = string | number | boolean;

export interface IrTable {
  name: string;
  keyType: string;
  valueType: string;
  source:
    | { kind: 'provisioning'; name: string; fields: Record<string, string> }
    | { kind: 'inline'; entries: [IrLiteral, IrValue][] };
  span: Span;
}

export type IrValue = IrLiteral | IrValue[] | { [key: string]: IrValue };

export interface IrVar {
  name: string;
  type: string;
  initial: IrValue;
  span: Span;
}

export type IrHook =
  | { kind: 'request'; methods: string[]; direction: 'in' | 'out'; inDialog: boolean; trunk?: string }
  | { kind: 'response'; statuses: string[]; trunk?: string }
  | { kind: 'failure'; trunk?: string };

export interface IrHandler {
  id: string;
  hook: IrHook;
  body: IrStmt[];
  span: Span;
}

export interface IrRegex {
  source: string;
  flags: string;
}

/** A field of the message: ['ruri','user'], ['from','uri','host'], ['to','params','tag'], ['response','status']. */
export type IrFieldPath = string[];

export type IrStmt = { span: Span } & (
  | { op: 'let'; name: string; value: IrExpr; orElse?: IrStmt[] }
  | { op: 'if'; branches: { cond: IrExpr; body: IrStmt[] }[]; otherwise?: IrStmt[] }
  | { op: 'setHeader'; mode: 'set' | 'add' | 'default'; name: string; param?: string; value: IrExpr }
  | { op: 'removeHeader'; name: string; param?: string }
  | { op: 'removeHeaders'; pattern: IrRegex }
  | { op: 'replaceHeader'; name: string; pattern: IrRegex; replacement: IrExpr }
  | { op: 'setField'; field: IrFieldPath; value: IrExpr }
  | { op: 'removeField'; field: IrFieldPath }
  | { op: 'replaceField'; field: IrFieldPath; pattern: IrRegex; replacement: IrExpr }
  | { op: 'setVar'; name: string; value: IrExpr }
  | { op: 'reject' | 'reply'; code: number; reason?: IrExpr }
  | { op: 'route'; target: string; targetKind: 'trunk' | 'group'; failover?: IrFailover }
  | { op: 'media'; leg: 'inbound' | 'outbound'; policy: IrMediaPolicy }
  | { op: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: IrExpr }
  | { op: 'count'; counter: string }
  | { op: 'stop' }
);

export type IrExpr = { type: string; span: Span } & (
  | { op: 'lit'; value: IrLiteral }
  | { op: 'regex'; regex: IrRegex }
  | { op: 'enum'; enum: string; value: string }
  | { op: 'field'; field: IrFieldPath }
  | { op: 'header'; name: IrExpr; all: boolean }
  | { op: 'local'; name: string }
  | { op: 'var'; name: string }
  | { op: 'lookup'; table: string; key: IrExpr }
  | { op: 'param'; object: IrExpr; key: IrExpr }
  | { op: 'member'; object: IrExpr; name: string }
  | { op: 'call'; fn: string; args: IrExpr[] }
  | { op: 'not'; operand: IrExpr }
  | {
      op: 'binary';
      operator: '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'matches' | '+' | '-' | 'and' | 'or';
      left: IrExpr;
      right: IrExpr;
    }
  | { op: 'default'; value: IrExpr; fallback: IrExpr }
  | { op: 'list'; items: IrExpr[] }
);
