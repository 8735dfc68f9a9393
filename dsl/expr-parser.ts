import { EmbeddedActionsParser, type IToken, type TokenType, tokenMatcher } from 'chevrotain';
import type { Arg, BinaryOp, Expr, Ident, Loc, RecordEntry } from './ast.ts';
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
  joinLoc,
  MAX_INT,
  stringTooLong,
  tokenLoc,
} from './literals.ts';
import { errorMessages } from './parser-messages.ts';

const K = T.keywords;

/**
 * Expression grammar (docs/language.md §5, precedence lowest first):
 *   or < and < not < comparison (== != < <= > >= in matches) < + - < ?? < postfix (. [ ]) < primary
 * Rules are class properties; the statement and declaration rules extend this class (parser.ts).
 * Everything that builds AST nodes runs inside ACTION so grammar recording never touches values.
 */
export class ExprParser extends EmbeddedActionsParser {
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

  expression = this.RULE('expression', (): Expr => this.SUBRULE(this.orExpr), {
    recoveryValueFunc: (e) => this.errorExpr(e.token),
  });

  private binaryChain(
    next: (second: boolean) => Expr,
    ops: TokenType[],
    opOf: (t: IToken) => BinaryOp,
  ): Expr {
    let left = next(false);
    const alts = ops.map((op) => ({ ALT: () => this.CONSUME(op) }));
    this.MANY(() => {
      const op = ops.length === 1 ? this.CONSUME2(ops[0]!) : this.OR(alts);
      const right = next(true);
      this.ACTION(() => {
        left = this.sized(
          { kind: 'binary', op: opOf(op), left, right, loc: joinLoc(left.loc, right.loc) },
          left,
          right,
        );
      });
    });
    return left;
  }

  orExpr = this.RULE('orExpr', (): Expr =>
    this.binaryChain(
      (b) => (b ? this.SUBRULE2(this.andExpr) : this.SUBRULE(this.andExpr)),
      [K.or],
      () => 'or',
    ),
  );

  andExpr = this.RULE('andExpr', (): Expr =>
    this.binaryChain(
      (b) => (b ? this.SUBRULE2(this.notExpr) : this.SUBRULE(this.notExpr)),
      [K.and],
      () => 'and',
    ),
  );

  notExpr = this.RULE('notExpr', (): Expr =>
    this.OR([
      {
        ALT: () => {
          const not = this.CONSUME(K.not);
          const operand = this.SUBRULE(this.notExpr);
          return this.ACTION((): Expr =>
            this.sized(
              { kind: 'unary', op: 'not', operand, loc: joinLoc(this.loc(not), operand.loc) },
              operand,
            ),
          );
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]),
  );

  comparison = this.RULE('comparison', (): Expr => {
    let left = this.SUBRULE(this.additive);
    this.OPTION(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(T.EqEq) },
        { ALT: () => this.CONSUME(T.NotEq) },
        { ALT: () => this.CONSUME(T.LtEq) },
        { ALT: () => this.CONSUME(T.GtEq) },
        { ALT: () => this.CONSUME(T.Lt) },
        { ALT: () => this.CONSUME(T.Gt) },
        { ALT: () => this.CONSUME(K.in) },
        { ALT: () => this.CONSUME(K.matches) },
        {
          // `if a = b` is a classic slip: report it once and read it as ==, so parsing goes on.
          ALT: () => {
            const eq = this.CONSUME(T.Assign);
            this.ACTION(() =>
              this.report(
                'E100',
                this.loc(eq),
                "'=' assigns; to compare, write '=='",
                'write: if a == b { … }',
              ),
            );
            return { ...eq, image: '==' };
          },
        },
      ]);
      const right = this.SUBRULE2(this.additive);
      this.ACTION(() => {
        left = this.sized(
          { kind: 'binary', op: op.image as BinaryOp, left, right, loc: joinLoc(left.loc, right.loc) },
          left,
          right,
        );
      });
    });
    return left;
  });

  additive = this.RULE('additive', (): Expr =>
    this.binaryChain(
      (b) => (b ? this.SUBRULE2(this.coalesce) : this.SUBRULE(this.coalesce)),
      [T.Plus, T.Minus],
      (t) => t.image as BinaryOp,
    ),
  );

  coalesce = this.RULE('coalesce', (): Expr =>
    this.binaryChain(
      (b) => (b ? this.SUBRULE2(this.postfix) : this.SUBRULE(this.postfix)),
      [T.Coalesce],
      () => '??',
    ),
  );

  postfix = this.RULE('postfix', (): Expr => {
    let object = this.SUBRULE(this.primary);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Dot);
            const name = this.CONSUME(T.Name);
            this.ACTION(() => {
              object = this.sized(
                { kind: 'member', object, name: this.ident(name), loc: joinLoc(object.loc, this.loc(name)) },
                object,
              );
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            const index = this.SUBRULE(this.expression);
            const close = this.CONSUME(T.RBracket);
            this.ACTION(() => {
              object = this.sized(
                { kind: 'index', object, index, loc: joinLoc(object.loc, this.loc(close)) },
                object,
                index,
              );
            });
          },
        },
      ]);
    });
    return object;
  });

  primary = this.RULE(
    'primary',
    (): Expr =>
      this.OR([
        { ALT: () => this.SUBRULE(this.literal) },
        { ALT: () => this.SUBRULE(this.listExpr) },
        { ALT: () => this.SUBRULE(this.recordExpr) },
        {
          ALT: () => {
            const open = this.CONSUME(T.LParen);
            const expr = this.SUBRULE(this.expression);
            const close = this.CONSUME(T.RParen);
            return this.ACTION((): Expr =>
              this.sized({ kind: 'paren', expr, loc: joinLoc(this.loc(open), this.loc(close)) }, expr),
            );
          },
        },
        {
          ALT: () => {
            const kw = this.OR2([
              { ALT: () => this.CONSUME(K.header) },
              { ALT: () => this.CONSUME(K.headers) },
            ]);
            this.CONSUME2(T.LBracket);
            const name = this.SUBRULE2(this.expression);
            const close = this.CONSUME2(T.RBracket);
            return this.ACTION((): Expr =>
              this.sized(
                {
                  kind: 'header',
                  all: kw.image === 'headers',
                  name,
                  loc: joinLoc(this.loc(kw), this.loc(close)),
                },
                name,
              ),
            );
          },
        },
        {
          ALT: () => {
            const id = this.CONSUME(T.Identifier);
            const args = this.OPTION(() => {
              this.CONSUME3(T.LParen);
              const list: Arg[] = [];
              this.MANY_SEP({ SEP: T.Comma, DEF: () => list.push(this.SUBRULE(this.argument)) });
              const close = this.CONSUME3(T.RParen);
              return { list, close };
            });
            return this.ACTION((): Expr => {
              if (args === undefined) return { kind: 'name', name: id.image, loc: this.loc(id) };
              const call: Expr = {
                kind: 'call',
                callee: this.ident(id),
                args: args.list,
                loc: joinLoc(this.loc(id), this.loc(args.close)),
              };
              return this.sized(call, ...args.list.map((a) => a.value));
            });
          },
        },
        {
          ALT: () => {
            const kw = this.OR3([
              { ALT: () => this.CONSUME(K.from) },
              { ALT: () => this.CONSUME(K.to) },
              { ALT: () => this.CONSUME(K.request) },
              { ALT: () => this.CONSUME(K.response) },
              { ALT: () => this.CONSUME(K.failure) },
            ]);
            return this.ACTION((): Expr => ({ kind: 'name', name: kw.image, loc: this.loc(kw) }));
          },
        },
      ]),
    { recoveryValueFunc: (e) => this.errorExpr(e.token) },
  );

  argument = this.RULE('argument', (): Arg => {
    const name = this.OPTION(() => {
      const n = this.CONSUME(T.Name);
      this.CONSUME(T.Colon);
      return n;
    });
    const value = this.SUBRULE(this.expression);
    return this.ACTION(() => (name === undefined ? { value } : { name: this.ident(name), value }));
  });

  listExpr = this.RULE('listExpr', (): Expr => {
    const open = this.CONSUME(T.LBracket);
    const items: Expr[] = [];
    this.MANY(() => {
      items.push(this.SUBRULE(this.expression));
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    const close = this.CONSUME(T.RBracket);
    return this.ACTION((): Expr =>
      this.sized({ kind: 'list', items, loc: joinLoc(this.loc(open), this.loc(close)) }, ...items),
    );
  });

  recordExpr = this.RULE('recordExpr', (): Expr => {
    const open = this.CONSUME(T.LBrace);
    const entries: RecordEntry[] = [];
    this.MANY(() => {
      const key = this.CONSUME(T.Name);
      this.CONSUME(T.Colon);
      const value = this.SUBRULE(this.expression);
      this.OPTION(() => this.CONSUME(T.Comma));
      this.ACTION(() =>
        entries.push({ key: this.ident(key), value, loc: joinLoc(this.loc(key), value.loc) }),
      );
    });
    const close = this.CONSUME(T.RBrace);
    return this.ACTION((): Expr =>
      this.sized(
        { kind: 'record', entries, loc: joinLoc(this.loc(open), this.loc(close)) },
        ...entries.map((e) => e.value),
      ),
    );
  });

  literal = this.RULE('literal', (): Expr => {
    const t = this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.IntegerLiteral) },
      { ALT: () => this.CONSUME(T.DurationLiteral) },
      { ALT: () => this.CONSUME(T.Ipv4Literal) },
      { ALT: () => this.CONSUME(T.Ipv6Literal) },
      { ALT: () => this.CONSUME(T.CidrLiteral) },
      { ALT: () => this.CONSUME(T.E164Literal) },
      { ALT: () => this.CONSUME(T.StatusClassLiteral) },
      { ALT: () => this.CONSUME(T.RegexLiteral) },
      { ALT: () => this.CONSUME(K.true) },
      { ALT: () => this.CONSUME(K.false) },
    ]);
    return this.ACTION(() => this.literalFromToken(t));
  });

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
