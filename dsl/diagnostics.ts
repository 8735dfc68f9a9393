import { CODES, type DiagnosticCode } from './codes.ts';
import { LIMITS } from './limits.ts';

export type Severity = 'error' | 'warning';

/** One finding of the compiler. Lines and columns are 1-based; endColumn is exclusive. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  hint?: string;
}

/** A source range. Offsets are 0-based UTF-16 indexes; end is exclusive. */
export interface Span {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function diag(code: DiagnosticCode, span: Span, message: string, hint?: string): Diagnostic {
  // Safety net: a position lost to error recovery still points inside the file.
  const known = Number.isFinite(span.line) && Number.isFinite(span.column) && span.line >= 1;
  const d: Diagnostic = {
    file: span.file,
    line: known ? span.line : 1,
    column: known ? span.column : 1,
    endLine: known && Number.isFinite(span.endLine) ? span.endLine : 1,
    endColumn: known && Number.isFinite(span.endColumn) ? span.endColumn : 2,
    severity: CODES[code].severity,
    code,
    message,
  };
  if (hint !== undefined) d.hint = hint;
  return d;
}

/** Collects diagnostics for one compilation; keeps the per-file cap (limits §9). */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

/** Stable order: by file, position, then code, so output is identical everywhere. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      cmp(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      cmp(a.code, b.code) ||
      cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** At most LIMITS.maxDiagnosticsPerFile per file, then one E012 where the unreported ones begin. */
export function capPerFile(list: Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const count = new Map<string, number>();
  const firstDropped = new Map<string, Diagnostic>();
  for (const d of list) {
    const n = (count.get(d.file) ?? 0) + 1;
    count.set(d.file, n);
    if (n <= LIMITS.maxDiagnosticsPerFile) out.push(d);
    else if (!firstDropped.has(d.file)) firstDropped.set(d.file, d);
  }
  for (const [file, at] of firstDropped) {
    const more = count.get(file)! - LIMITS.maxDiagnosticsPerFile;
    out.push(
      diag(
        'E012',
        at,
        `${more} more problem${more === 1 ? '' : 's'} in this file not reported`,
        'fix the ones above first',
      ),
    );
  }
  return sortDiagnostics(out);
}
