/**
 * The last rule failures (issue 9 item 5): the metrics count them, this keeps enough detail to
 * find the rule — when, which version, which call, where in the rule files and why. A fixed-size
 * ring, so a rule failing on every call costs memory once, not per call.
 */
import type { RuleLocation } from '../../dsl/effects.ts';

export interface RecentRuleError {
  /** ISO 8601. */
  at: string;
  version: number;
  callId: string | null;
  kind: string;
  /** `file:line:col` of the rule statement that was running, when known. */
  location: string | null;
  message: string;
}

export class RecentRuleErrors {
  readonly #capacity: number;
  readonly #ring: RecentRuleError[] = [];
  #next = 0;

  constructor(capacity = 100) {
    this.#capacity = capacity;
  }

  record(version: number, fields: { callId?: unknown; error?: unknown }): void {
    const error = (fields.error ?? {}) as { kind?: string; message?: string; at?: RuleLocation };
    const entry: RecentRuleError = {
      at: new Date().toISOString(),
      version,
      callId: typeof fields.callId === 'string' ? fields.callId : null,
      kind: error.kind ?? 'unknown',
      location: error.at ? `${error.at.file}:${error.at.line}:${error.at.column}` : null,
      message: error.message ?? '',
    };
    if (this.#ring.length < this.#capacity) this.#ring.push(entry);
    else this.#ring[this.#next] = entry;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  /** Newest first. */
  list(): RecentRuleError[] {
    const oldestFirst =
      this.#ring.length < this.#capacity
        ? this.#ring
        : [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
    return [...oldestFirst].reverse();
  }
}
