import { CODES, type DiagnosticCode } from './codes.ts';

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
  const d: Diagnostic = {
    file: span.file,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
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
