import type { IToken } from 'chevrotain';
import type { Loc } from './ast.ts';
import { LIMITS } from './limits.ts';
import { lookupTable } from './lookup-table.ts';

/** Decoding and validation of literal tokens (docs/language.md §2.4). Returns an error text or the value. */

export function tokenLoc(file: string, t: IToken): Loc {
  // Tokens invented by error recovery have no position; NaN marks the loc invalid (sanitize.ts).
  if (!(t.startOffset >= 0) || !((t.startLine ?? 1) >= 1)) {
    return {
      file,
      start: Number.NaN,
      end: Number.NaN,
      line: Number.NaN,
      column: Number.NaN,
      endLine: Number.NaN,
      endColumn: Number.NaN,
    };
  }
  return {
    file,
    start: t.startOffset,
    end: (t.endOffset ?? t.startOffset) + 1,
    line: t.startLine ?? 1,
    column: t.startColumn ?? 1,
    endLine: t.endLine ?? t.startLine ?? 1,
    endColumn: (t.endColumn ?? t.startColumn ?? 1) + 1,
  };
}

/** A loc covering a..b; tolerant of tokens invented by error recovery (NaN offsets). */
export function joinLoc(a: Loc, b: Loc): Loc {
  if (!Number.isFinite(b.start) || b.end < a.start) return a;
  if (!Number.isFinite(a.start)) return b;
  return { ...a, end: b.end, endLine: b.endLine, endColumn: b.endColumn };
}

const ESCAPES: Record<string, string> = lookupTable({ '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r' });

export function decodeString(raw: string): { value: string; badEscape?: number; unterminated: boolean } {
  const unterminated = raw.length < 2 || !raw.endsWith('"') || isEscapedQuote(raw);
  const body = raw.slice(1, unterminated ? raw.length : raw.length - 1);
  let value = '';
  let badEscape: number | undefined;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      value += ch;
      continue;
    }
    const next = body[i + 1];
    const esc = next === undefined ? undefined : ESCAPES[next];
    if (esc === undefined) {
      badEscape ??= i + 1;
      value += next ?? '';
    } else value += esc;
    i++;
  }
  return badEscape === undefined ? { value, unterminated } : { value, badEscape, unterminated };
}

function isEscapedQuote(raw: string): boolean {
  let n = 0;
  for (let i = raw.length - 2; i >= 0 && raw[i] === '\\'; i--) n++;
  return raw.length >= 2 && n % 2 === 1;
}

export function checkIpv4(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => Number(p) > 255 || (p.length > 1 && p.startsWith('0'))))
    return `'${text}' is not an IPv4 address (each of the four parts is 0-255)`;
  return undefined;
}

export function checkIpv6(text: string): string | undefined {
  const [addr, prefix, extra] = text.split('/');
  if (extra !== undefined || (prefix !== undefined && (prefix === '' || Number(prefix) > 128)))
    return `'${text}' has an invalid prefix length (0-128)`;
  if (!isIpv6(addr ?? '')) return `'${addr}' is not an IPv6 address`;
  return undefined;
}

export function isIpv6(addr: string): boolean {
  if (addr.includes('.')) {
    const lastColon = addr.lastIndexOf(':');
    if (checkIpv4(addr.slice(lastColon + 1)) !== undefined) return false;
    return isIpv6Groups(`${addr.slice(0, lastColon + 1)}0:0`);
  }
  return isIpv6Groups(addr);
}

function isIpv6Groups(addr: string): boolean {
  const halves = addr.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const all = halves.flatMap(groups);
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? all.length <= 7 : all.length === 8;
}

export function checkCidr(text: string): string | undefined {
  const [ip, prefix] = text.split('/');
  return (
    checkIpv4(ip ?? '') ?? (Number(prefix) > 32 ? `'${text}' has an invalid prefix length (0-32)` : undefined)
  );
}

export function checkE164(text: string): string | undefined {
  const digits = text.length - 1;
  if (digits > 15) return `'${text}' has ${digits} digits; E.164 numbers have at most 15`;
  if (text[1] === '0') return `'${text}' starts with 0; E.164 country codes never do`;
  return undefined;
}

export const MAX_INT = 2_147_483_647;

const UNIT_MS: Record<string, number> = lookupTable({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 });
export function durationMs(raw: string): number {
  const m = /^([0-9]+)(ms|s|m|h)$/.exec(raw)!;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

export function stringTooLong(value: string): boolean {
  return value.length > LIMITS.maxStringLength;
}
