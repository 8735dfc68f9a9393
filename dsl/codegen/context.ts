import type { Span } from '../diagnostics.ts';
import type { CoveragePoint, RuleLocation } from '../effects.ts';
import type { IrRegex, IrTable } from '../ir.ts';
import type { EffectTemplate } from './effect-templates.ts';
import { textLibrary } from './lib-text.ts';
import { ReadRecorder } from './reads.ts';
import { compileRegex, RegexCompileError, type RegexProgram } from './regex.ts';

/** A construct the code generator cannot translate; reported as a diagnostic at `span`. */
export class CodegenError extends Error {
  readonly span: Span;
  readonly code: 'E005' | 'E006';

  constructor(message: string, span: Span, code: 'E005' | 'E006' = 'E006') {
    super(message);
    this.span = span;
    this.code = code;
  }
}

/** JSON is valid JavaScript for every value it can express (ES2019), so literals are never spliced raw. */
export const lit = (v: unknown): string => JSON.stringify(v);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * State shared while generating one rule set: the location table (effect `at` indexes), coverage
 * points, effect templates, hoisted regex programs, table slots and what the program reads.
 */
export class GenContext {
  readonly locations: RuleLocation[] = [];
  private readonly locIndex = new Map<string, number>();
  readonly points: CoveragePoint[] = [];
  readonly regexes: RegexProgram[] = [];
  private readonly regexIndex = new Map<string, number>();
  readonly tables = new Map<string, { slot: number; table: IrTable }>();
  /** Effect templates (EffectTemplate): what the program's effects hold that is known before a call. */
  readonly effects: EffectTemplate[] = [];
  private readonly effectIndex = new Map<string, number>();
  /** What the program reads of its input (reads.ts). */
  readonly reads = new ReadRecorder(textLibrary({}).headerKey);

  constructor(tables: IrTable[]) {
    tables.forEach((table, slot) => {
      this.tables.set(table.name, { slot, table });
    });
  }

  loc(span: Span): number {
    const key = `${span.file}\0${span.line}\0${span.column}`;
    let i = this.locIndex.get(key);
    if (i === undefined) {
      i = this.locations.length;
      this.locations.push({ file: span.file, line: span.line, column: span.column });
      this.locIndex.set(key, i);
    }
    return i;
  }

  point(kind: CoveragePoint['kind'], span: Span, label: string): number {
    const id = this.points.length;
    this.points.push({ id, kind, at: this.locations[this.loc(span)]!, label });
    return id;
  }

  regex(re: IrRegex, span: Span): number {
    const key = `${re.flags}/${re.source}`;
    const hit = this.regexIndex.get(key);
    if (hit !== undefined) return hit;
    let prog: RegexProgram;
    try {
      prog = compileRegex(re);
    } catch (e) {
      if (e instanceof RegexCompileError) throw new CodegenError(`regex /${re.source}/: ${e.message}`, span);
      throw e;
    }
    this.regexes.push(prog);
    this.regexIndex.set(key, this.regexes.length - 1);
    return this.regexes.length - 1;
  }

  /** The index of an effect template (the same template twice has one index). */
  effect(template: EffectTemplate): number {
    const key = JSON.stringify(template);
    let i = this.effectIndex.get(key);
    if (i === undefined) {
      i = this.effects.length;
      this.effects.push(template);
      this.effectIndex.set(key, i);
    }
    return i;
  }

  /** A rule-language name as a JavaScript identifier; the prefix keeps it clear of every JS name. */
  local(name: string, span: Span): string {
    if (!IDENT.test(name)) throw new CodegenError(`invalid name '${name}'`, span, 'E005');
    return `L_${name}`;
  }
}
