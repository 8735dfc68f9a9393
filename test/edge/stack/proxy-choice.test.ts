// The pure parts of proxying: which final response goes upstream when every
// target failed (RFC 3261 §16.7 step 6), and how srf's timeouts are read.

import { expect, it } from 'vitest';
import { bestResponse, parseDuration } from '../../../src/edge/stack/proxy-message.ts';

it('prefers a 6xx over everything, then the lowest class, then a 4xx the caller can act on, then the earliest', () => {
  expect(bestResponse([])).toBe(-1);
  expect(bestResponse([486, 603, 302])).toBe(1);
  expect(bestResponse([503, 486])).toBe(1);
  expect(bestResponse([404, 302])).toBe(1);
  expect(bestResponse([404, 407, 486])).toBe(1);
  expect(bestResponse([480, 486])).toBe(0);
  expect(bestResponse([500, 503])).toBe(0);
});

it('reads srf timeouts as 2s or 1500ms, none when empty, and refuses anything else', () => {
  expect(parseDuration('')).toBe(0);
  expect(parseDuration('2s')).toBe(2000);
  expect(parseDuration('1500ms')).toBe(1500);
  expect(parseDuration('2 s')).toBeUndefined();
  expect(parseDuration('-1s')).toBeUndefined();
  expect(parseDuration('1m')).toBeUndefined();
});
