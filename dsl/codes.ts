import type { Severity } from './diagnostics.ts';

/**
 * The catalogue of diagnostic codes. Every code is documented in docs/language.md §10 with an
 * example that triggers it, and has at least one conformance case (test/dsl/conformance).
 */
export const CODES = {
  E001: { severity: 'error', title: 'unexpected character' },
  E002: { severity: 'error', title: 'unterminated string' },
  E003: { severity: 'error', title: 'invalid escape in string' },
  E004: { severity: 'error', title: 'invalid literal' },
  E005: { severity: 'error', title: 'invalid regular expression' },
  E006: { severity: 'error', title: 'regex feature outside the linear-time subset' },
  E010: { severity: 'error', title: 'file too large' },
  E011: { severity: 'error', title: 'nesting too deep' },
  E012: { severity: 'error', title: 'too many diagnostics' },
  E013: { severity: 'error', title: 'expression too long' },
  E100: { severity: 'error', title: 'syntax error' },
  E200: { severity: 'error', title: 'imported file not found' },
  E201: { severity: 'error', title: 'import cycle' },
  E202: { severity: 'error', title: 'misplaced ruleset declaration' },
  E203: { severity: 'error', title: 'too many files' },
  E300: { severity: 'error', title: 'unknown name' },
  E301: { severity: 'error', title: 'duplicate name' },
  E302: { severity: 'error', title: 'unknown field' },
  E303: { severity: 'error', title: 'unknown trunk or group' },
  E304: { severity: 'error', title: 'unknown table' },
  E305: { severity: 'error', title: 'unknown function' },
  E306: { severity: 'error', title: 'unknown value' },
  E307: { severity: 'error', title: 'unknown property' },
  E308: { severity: 'error', title: 'unknown counter' },
  E309: { severity: 'error', title: 'missing required property' },
  E310: { severity: 'error', title: 'unknown provisioning source' },
  E311: { severity: 'error', title: 'duplicate handler' },
  E400: { severity: 'error', title: 'type mismatch' },
  E401: { severity: 'error', title: 'optional value used without a default' },
  E402: { severity: 'error', title: 'read-only field' },
  E403: { severity: 'error', title: 'wrong arguments' },
  E404: { severity: 'error', title: 'field not available in this hook' },
  E405: { severity: 'error', title: 'statement not allowed in this hook' },
  E406: { severity: 'error', title: 'invalid status code' },
  E407: { severity: 'error', title: 'invalid peer address' },
  E408: { severity: 'error', title: 'else branch does not end the handler' },
  E409: { severity: 'error', title: 'route group cycle' },
  E410: { severity: 'error', title: 'unknown country' },
  W500: { severity: 'warning', title: 'unreachable statement' },
  W501: { severity: 'warning', title: 'shadowed handler' },
  W502: { severity: 'warning', title: 'unused declaration' },
  W503: { severity: 'warning', title: 'constant condition' },
  W505: { severity: 'warning', title: 'name shadows an outer name' },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type DiagnosticCode = keyof typeof CODES;
