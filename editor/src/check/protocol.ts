import type { Diagnostic } from '../../../dsl/index.ts';

/** Messages between the editor and its diagnostics worker. `seq` pairs a result with its request. */
export type CheckRequest =
  | { kind: 'files'; seq: number; files: Record<string, string> }
  | { kind: 'edit'; seq: number; path: string; text: string }
  | { kind: 'remove'; seq: number; path: string };

export interface CheckResponse {
  seq: number;
  diagnostics: Diagnostic[];
  /** Time the compiler took in the worker, in milliseconds. */
  ms: number;
}
