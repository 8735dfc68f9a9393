// Helpers for the RFC 4475 torture messages, kept beside the tests in fixtures/rfc4475
// (a copy of the project's shared test data, so a plain clone runs them).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ParseResult, SipError, SipMessage } from '../../../src/edge/sip/index.ts';
import { errorResponseFor, parseAndValidate, parseMessage } from '../../../src/edge/sip/index.ts';

export const TORTURE_DIR = join(import.meta.dirname, 'fixtures', 'rfc4475');

export function torture(name: string): Buffer {
  return readFileSync(join(TORTURE_DIR, `${name}.dat`));
}

export function tortureNames(): string[] {
  return readdirSync(TORTURE_DIR)
    .filter((f) => f.endsWith('.dat'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** Parses and validates a torture message that the RFC says is acceptable. */
export function accepted(name: string): SipMessage {
  const r = parseAndValidate(torture(name));
  if (!r.ok) throw new Error(`${name}: expected acceptance, got ${r.error.status} ${r.error.reason}`);
  return r.message;
}

/** Parses (framing only) a torture message. */
export function parsed(name: string): SipMessage {
  const r = parseMessage(torture(name));
  if (!r.ok) throw new Error(`${name}: expected a parse, got ${r.error.status} ${r.error.reason}`);
  return r.message;
}

export interface Rejection {
  result: ParseResult;
  error: SipError;
  /** The error response's lines, or 'drop'. */
  response: string[] | 'drop';
}

/** A torture message that must be rejected; checks the result shape. */
export function rejected(name: string): Rejection {
  const result = parseAndValidate(torture(name));
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  const response = errorResponseFor(result, { toTag: 'edge1' });
  return {
    result,
    error: result.error,
    response: response === 'drop' ? 'drop' : response.toString('utf8').split('\r\n'),
  };
}

/** The value of a header line of an error response. */
export function line(response: string[] | 'drop', name: string): string[] {
  if (response === 'drop') return [];
  return response.filter((l) => l.startsWith(`${name}: `)).map((l) => l.slice(name.length + 2));
}
