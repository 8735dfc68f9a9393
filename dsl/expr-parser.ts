import type { IOrAlt, IToken, TokenType } from 'chevrotain';
import type { Arg, BinaryOp, Expr, RecordEntry } from './ast.ts';
import * as T from './lexer.ts';
import { joinLoc } from './literals.ts';
import { ParserBase } from './parser-base.ts';

const K = T.keywords;
const OR_OPS = [K.or];
const AND_OPS = [K.and];
const ADDITIVE_OPS = [T.Plus, T.Minus];
const COALESCE_OPS = [T.Coalesce];

/**
 * Expression grammar (docs/language.md §5, precedence lowest first):
 *   or < and < not < comparison (== != < <= > >= in matches) < + - < ?? < postfix (. [ ]) < primary
 * Rules are class properties; statement (stmt-parser.ts) and declaration (parser.ts) rules extend this class.
 * Everything that builds AST nodes runs inside ACTION so grammar recording never touches values.
 */
export class ExprParser extends ParserBase {
  expression = this.RULE('expression', (): Expr => this.SUBRULE(this.orExpr), {
    recoveryValueFunc: (e) => this.errorExpr(e.token),
  });

  private readonly opAlts = new Map<TokenType[], IOrAlt<IToken>[]>();
  private literalAlts?: IOrAlt<IToken>[];
  private comparisonAlts?: IOrAlt<IToken>[];
  private primaryAlts?: IOrAlt<Expr>[];

  private binaryChain(
    next: (second: boolean) => Expr,
    ops: TokenType[],
    opOf: (t: IToken) => BinaryOp,
  ): Expr {
    let left = next(false);
    // Alternatives are cached: building them on every call is a large part of parse time.
    let alts = this.opAlts.get(ops);
    if (!alts) {
      alts = ops.map((op) => ({ ALT: () => this.CONSUME(op) }));
      this.opAlts.set(ops, alts);
    }
    const cachedAlts = alts;
    this.MANY(() => {
      const op = ops.length === 1 ? this.CONSUME2(ops[0]!) : this.OR(cachedAlts);
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
      OR_OPS,
      () => 'or',
    ),
  );

  andExpr = this.RULE('andExpr', (): Expr =>
    this.binaryChain(
      (b) => (b ? this.SUBRULE2(this.notExpr) : this.SUBRULE(this.notExpr)),
      AND_OPS,
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
      const op = this.OR(
        (this.comparisonAlts ??= [
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
        ]),
      );
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
      ADDITIVE_OPS,
      (t) => t.image as BinaryOp,
    ),
  );

  coalesce = this.RULE('coalesce', (): Expr =>
    this.binaryChain(
      (b) => (b ? this.SUBRULE2(this.postfix) : this.SUBRULE(this.postfix)),
      COALESCE_OPS,
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
      this.OR(
        (this.primaryAlts ??= [
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
      ),
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
    const t = this.OR(
      (this.literalAlts ??= [
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
      ]),
    );
    return this.ACTION(() => this.literalFromToken(t));
  });
}
