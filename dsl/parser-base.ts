import { EmbeddedActionsParser, type IToken, tokenMatcher } from 'chevrotain';
import type { Expr, Ident, Loc } from './ast.ts';
import type { DiagnosticCode } from './codes.ts';
import { type Diagnostic, diag } from './diagnostics.ts';
import * as T from './lexer.ts';
import { LIMITS } from './limits.ts';
import {
  checkCidr,
  checkE164,
  checkIpv4,
  checkIpv6,
  decodeString,
  durationMs,
  MAX_INT,
  stringTooLong,
  tokenLoc,
} from './literals.ts';
import { errorMessages } from './parser-messages.ts';

/**
 * What every grammar rule builds on: source locations, literal decoding and validation (E002-E004),
 * the expression depth limit (E013), and tolerance of half-built nodes after error recovery.
 */
export class ParserBase extends EmbeddedActionsParser {
  file = '';
  /** Literal and limit diagnostics found while parsing (syntax errors come from `errors`). */
  literalDiags: Diagnostic[] = [];

  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, errorMessageProvider: errorMessages });
  }

  protected loc(t: IToken): Loc {
    return tokenLoc(this.file, t);
  }

  protected ident(t: IToken): Ident {
    return { name: t.image, loc: this.loc(t) };
  }

  protected report(code: DiagnosticCode, loc: Loc, message: string, hint?: string): void {
    this.literalDiags.push(diag(code, loc, message, hint));
  }

  /**
   * After a syntax error, recovered sub-rules may hand back nothing, so building a node can fail.
   * The error is already reported; the node is dropped (sanitize.ts cleans the tree). On input
   * without syntax errors a failure here is a compiler bug and is rethrown.
   */
  protected override ACTION<T>(impl: () => T): T {
    try {
      return super.ACTION(impl);
    } catch (e) {
      if (this.errors.length > 0 && e instanceof TypeError) return undefined as T;
      throw e;
    }
  }

  private readonly depth = new Map<Expr, number>();
  private depthReported = false;

  /** Record the depth of a new node; past the limit it becomes an error node (E013, once per file). */
  protected sized(node: Expr, ...children: Expr[]): Expr {
    let d = 1;
    for (const c of children) d = Math.max(d, (this.depth.get(c) ?? 1) + 1);
    if (d <= LIMITS.maxExprDepth) {
      this.depth.set(node, d);
      return node;
    }
    if (!this.depthReported) {
      this.depthReported = true;
      this.report(
        'E013',
        node.loc,
        `expression is more than ${LIMITS.maxExprDepth} levels deep`,
        'split it with let',
      );
    }
    const err: Expr = { kind: 'error', loc: node.loc };
    this.depth.set(err, LIMITS.maxExprDepth);
    return err;
  }

  resetLimits(): void {
    this.depthReported = false;
    this.depth.clear();
  }

  protected errorExpr(t: IToken | undefined): Expr {
    return {
      kind: 'error',
      loc: t
        ? this.loc(t)
        : { file: this.file, start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 },
    };
  }

  protected literalFromToken(t: IToken): Expr {
    const loc = this.loc(t);
    // A token invented by error recovery has no text worth checking; the syntax error says it all.
    if (!Number.isFinite(loc.start)) return { kind: 'error', loc };
    const text = t.image;
    const bad = (message: string, hint?: string): Expr => {
      this.report('E004', loc, message, hint);
      return { kind: 'error', loc };
    };
    if (tokenMatcher(t, T.StringLiteral)) return this.stringLiteral(t);
    if (tokenMatcher(t, T.IntegerLiteral)) {
      const value = Number(text);
      if (value > MAX_INT) return bad(`integer ${text} is larger than ${MAX_INT}`);
      return { kind: 'int', value, raw: text, loc };
    }
    if (tokenMatcher(t, T.DurationLiteral)) {
      const ms = durationMs(text);
      if (ms > 86_400_000) return bad(`duration ${text} is longer than 24h`);
      return { kind: 'duration', ms, raw: text, loc };
    }
    if (tokenMatcher(t, T.Ipv4Literal)) {
      const err = checkIpv4(text);
      return err ? bad(err) : { kind: 'ip', value: text, loc };
    }
    if (tokenMatcher(t, T.Ipv6Literal)) {
      const err = checkIpv6(text);
      if (err) return bad(err);
      return text.includes('/')
        ? { kind: 'cidr', value: text.toLowerCase(), loc }
        : { kind: 'ip', value: text.toLowerCase(), loc };
    }
    if (tokenMatcher(t, T.CidrLiteral)) {
      const err = checkCidr(text);
      return err ? bad(err) : { kind: 'cidr', value: text, loc };
    }
    if (tokenMatcher(t, T.E164Literal)) {
      const err = checkE164(text);
      return err ? bad(err) : { kind: 'e164', value: text, loc };
    }
    if (tokenMatcher(t, T.StatusClassLiteral)) return { kind: 'status', value: text, loc };
    if (tokenMatcher(t, T.RegexLiteral)) {
      const close = text.lastIndexOf('/');
      return { kind: 'regex', source: text.slice(1, close), flags: text.slice(close + 1), raw: text, loc };
    }
    return { kind: 'bool', value: text === 'true', loc };
  }

  protected stringLiteral(t: IToken): Expr {
    const loc = this.loc(t);
    const { value, badEscape, unterminated } = decodeString(t.image);
    if (unterminated)
      this.report('E002', loc, 'string is missing its closing quote', 'add " before the end of the line');
    else if (badEscape !== undefined)
      this.report(
        'E003',
        loc,
        `unknown escape '\\${t.image[badEscape + 1] ?? ''}' in string`,
        'valid escapes are \\" \\\\ \\n \\t \\r',
      );
    else if (stringTooLong(value))
      this.report('E004', loc, `string is longer than ${LIMITS.maxStringLength} characters`);
    return { kind: 'string', value, raw: unterminated ? `${t.image}"` : t.image, loc };
  }
}
