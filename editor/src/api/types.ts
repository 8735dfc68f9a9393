/**
 * Shapes of the admin API's answers the editor uses (docs/admin-api.md; PreviewResult as in
 * docs/runtime.md "Preview"). Written out here because the editor talks to the server over HTTP
 * only and imports nothing from src/.
 */
import type { Diagnostic } from '../../../dsl/index.ts';

export type Role = 'viewer' | 'operator' | 'admin';

export interface Whoami {
  name: string;
  role: Role;
}

export interface VersionSummary {
  version: number;
  author: string;
  message: string;
  created_at: string;
  hash: string;
  entry: string;
  active: boolean;
}

export interface Version extends VersionSummary {
  files: Record<string, string>;
}

export interface Activation {
  id: number;
  version: number;
  previous: number | null;
  kind: 'activate' | 'rollback';
  actor: string;
  at: string;
}

export interface Validation {
  ok: boolean;
  entry: string;
  diagnostics: Diagnostic[];
}

export interface RuleLocation {
  file: string;
  line: number;
  column: number;
}

export interface TraceEvent {
  at?: RuleLocation;
  label: string;
  [key: string]: unknown;
}

export interface PreviewEffect {
  kind: string;
  at?: RuleLocation;
  [key: string]: unknown;
}

export interface PreviewResult {
  ruleset: string;
  hook: string;
  trunk: string;
  handler: { id: string; at?: RuleLocation } | null;
  handlers: { id: string; hook: string; at?: RuleLocation; result: string }[];
  output:
    { kind: 'message'; text: string } | { kind: 'response'; statusLine: string; headers: [string, string][] };
  input: string;
  diff: string;
  decisions: {
    reject?: { code: number; reason?: string };
    reply?: { code: number; reason?: string };
    route?: { target: string; targetKind: string; failover?: unknown };
    media: { leg: string; policy: Record<string, unknown> }[];
    vars: Record<string, unknown>;
    counters: string[];
    logs: { level: string; message: string }[];
    skipped: { effect: PreviewEffect; reason: string }[];
  };
  effects: PreviewEffect[];
  trace: TraceEvent[];
  error?: { kind: string; message: string; at?: RuleLocation };
  notes: string[];
}

export type HookName = 'request-in' | 'request-out' | 'response' | 'failure';
