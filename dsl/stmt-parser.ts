import { type IToken, tokenMatcher } from 'chevrotain';
import type { Block, IfBranch, Stmt, Target } from './ast.ts';
import { ExprParser } from './expr-parser.ts';
import * as T from './lexer.ts';
import { joinLoc } from './literals.ts';

const K = T.keywords;
const LOG_LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/**
 * Statement grammar (docs/language.md §3 EBNF, §7): blocks and the statements of handlers.
 * The declaration rules extend this class (parser.ts).
 */
export class StmtParser extends ExprParser {
  /** A name being declared. Keywords are accepted and reported, so the mistake costs one diagnostic. */
  declName = this.RULE('declName', (): IToken => {
    const t = this.CONSUME(T.Name);
    this.ACTION(() => {
      if (t.tokenType !== T.Identifier && Number.isFinite(t.startOffset))
        this.report(
          'E100',
          this.loc(t),
          `'${t.image}' is a keyword and cannot be used as a name`,
          `rename it, e.g. ${t.image}_1`,
        );
    });
    return t;
  });

  block = this.RULE('block', (): Block => {
    const open = this.CONSUME(T.LBrace);
    const stmts: Stmt[] = [];
    this.MANY(() => {
      const s = this.SUBRULE(this.statement);
      this.ACTION(() => {
        if (s !== undefined) stmts.push(s);
      });
    });
    const close = this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ stmts, loc: joinLoc(this.loc(open), this.loc(close)) }));
  });

  statement = this.RULE(
    'statement',
    (): Stmt =>
      this.OR([
        { ALT: () => this.SUBRULE(this.letStmt) },
        { ALT: () => this.SUBRULE(this.ifStmt) },
        { ALT: () => this.SUBRULE(this.setStmt) },
        { ALT: () => this.SUBRULE(this.removeStmt) },
        { ALT: () => this.SUBRULE(this.replaceStmt) },
        { ALT: () => this.SUBRULE(this.terminalStmt) },
        {
          ALT: () => {
            const kw = this.CONSUME(K.media);
            const leg = this.CONSUME(T.Identifier);
            const policy = this.SUBRULE(this.recordExpr);
            return this.ACTION((): Stmt => ({
              kind: 'media',
              leg: this.ident(leg),
              policy,
              loc: joinLoc(this.loc(kw), policy.loc),
            }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(K.log);
            const level = this.OPTION({
              GATE: () =>
                LOG_LEVELS.has(this.LA(1).image) &&
                this.LA(1).tokenType === T.Identifier &&
                startsExpression(this.LA(2)),
              DEF: () => this.CONSUME2(T.Identifier),
            });
            const message = this.SUBRULE(this.expression);
            return this.ACTION((): Stmt => {
              const s: Stmt = { kind: 'log', message, loc: joinLoc(this.loc(kw), message.loc) };
              if (level) s.level = this.ident(level);
              return s;
            });
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(K.count);
            const name = this.CONSUME3(T.Identifier);
            return this.ACTION((): Stmt => ({
              kind: 'count',
              counter: this.ident(name),
              loc: joinLoc(this.loc(kw), this.loc(name)),
            }));
          },
        },
      ]),
    { recoveryValueFunc: () => undefined as unknown as Stmt },
  );

  /** Statements that end the handler: reject, reply, route, stop (§7.9). */
  terminalStmt = this.RULE('terminalStmt', (): Stmt =>
    this.OR([
      {
        ALT: () => {
          const kw = this.OR2([{ ALT: () => this.CONSUME(K.reject) }, { ALT: () => this.CONSUME(K.reply) }]);
          const codeTok = this.CONSUME(T.IntegerLiteral);
          const reason = this.OPTION(() => this.SUBRULE(this.expression));
          return this.ACTION((): Stmt => {
            const code = this.literalFromToken(codeTok);
            const s: Stmt = {
              kind: kw.image as 'reject' | 'reply',
              code,
              loc: joinLoc(this.loc(kw), (reason ?? code).loc),
            };
            if (reason) s.reason = reason;
            return s;
          });
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(K.route);
          const target = this.CONSUME(T.Identifier);
          const failover = this.OPTION2(() => {
            this.CONSUME(K.failover);
            return this.SUBRULE(this.recordExpr);
          });
          return this.ACTION((): Stmt => {
            const s: Stmt = {
              kind: 'route',
              target: this.ident(target),
              loc: joinLoc(this.loc(kw), failover?.loc ?? this.loc(target)),
            };
            if (failover) s.failover = failover;
            return s;
          });
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(K.stop);
          return this.ACTION((): Stmt => ({ kind: 'stop', loc: this.loc(kw) }));
        },
      },
    ]),
  );

  letStmt = this.RULE('letStmt', (): Stmt => {
    const kw = this.CONSUME(K.let);
    const name = this.SUBRULE(this.declName);
    this.CONSUME(T.Assign);
    const value = this.SUBRULE(this.expression);
    const orElse = this.OPTION(() => {
      const elseKw = this.CONSUME(K.else);
      return this.OR([
        { ALT: () => this.SUBRULE(this.block) },
        {
          ALT: () => {
            const s = this.SUBRULE(this.terminalStmt);
            return this.ACTION((): Block => ({ stmts: [s], loc: joinLoc(this.loc(elseKw), s.loc) }));
          },
        },
      ]);
    });
    return this.ACTION((): Stmt => {
      const s: Stmt = {
        kind: 'let',
        name: this.ident(name),
        value,
        loc: joinLoc(this.loc(kw), (orElse ?? value).loc),
      };
      if (orElse) s.orElse = orElse;
      return s;
    });
  });

  ifStmt = this.RULE('ifStmt', (): Stmt => {
    const kw = this.CONSUME(K.if);
    const branches: IfBranch[] = [];
    const cond = this.SUBRULE(this.expression);
    const body = this.SUBRULE(this.block);
    this.ACTION(() => branches.push({ cond, body }));
    this.MANY({
      GATE: () => this.LA(2).tokenType === K.if,
      DEF: () => {
        this.CONSUME(K.else);
        this.CONSUME2(K.if);
        const c = this.SUBRULE2(this.expression);
        const b = this.SUBRULE2(this.block);
        this.ACTION(() => branches.push({ cond: c, body: b }));
      },
    });
    const otherwise = this.OPTION(() => {
      this.CONSUME2(K.else);
      return this.SUBRULE3(this.block);
    });
    return this.ACTION((): Stmt => {
      const last = otherwise ?? branches[branches.length - 1]!.body;
      const s: Stmt = { kind: 'if', branches, loc: joinLoc(this.loc(kw), last.loc) };
      if (otherwise) s.otherwise = otherwise;
      return s;
    });
  });

  setStmt = this.RULE('setStmt', (): Stmt => {
    const kw = this.OR([
      { ALT: () => this.CONSUME(K.set) },
      { ALT: () => this.CONSUME(K.add) },
      { ALT: () => this.CONSUME(K.default) },
    ]);
    const target = this.SUBRULE(this.target);
    this.CONSUME(T.Assign);
    const value = this.SUBRULE(this.expression);
    return this.ACTION((): Stmt => ({
      kind: 'set',
      mode: kw.image as 'set' | 'add' | 'default',
      target,
      value,
      loc: joinLoc(this.loc(kw), value.loc),
    }));
  });

  removeStmt = this.RULE('removeStmt', (): Stmt => {
    const kw = this.CONSUME(K.remove);
    return this.OR([
      {
        GATE: () => tokenMatcher(this.LA(2), T.RegexLiteral),
        ALT: () => {
          this.CONSUME(K.header);
          const re = this.CONSUME(T.RegexLiteral);
          return this.ACTION((): Stmt => {
            const pattern = this.literalFromToken(re);
            if (pattern.kind !== 'regex') throw new Error('unreachable');
            return { kind: 'removeHeaders', pattern, loc: joinLoc(this.loc(kw), pattern.loc) };
          });
        },
      },
      {
        ALT: () => {
          const target = this.SUBRULE(this.target);
          return this.ACTION((): Stmt => ({
            kind: 'remove',
            target,
            loc: joinLoc(this.loc(kw), target.loc),
          }));
        },
      },
    ]);
  });

  replaceStmt = this.RULE('replaceStmt', (): Stmt => {
    const kw = this.CONSUME(K.replace);
    const target = this.SUBRULE(this.target);
    const re = this.CONSUME(T.RegexLiteral);
    this.CONSUME(K.with);
    const replacement = this.SUBRULE(this.expression);
    return this.ACTION((): Stmt => ({
      kind: 'replace',
      target,
      pattern: this.literalFromToken(re),
      replacement,
      loc: joinLoc(this.loc(kw), replacement.loc),
    }));
  });

  target = this.RULE('target', (): Target =>
    this.OR([
      {
        GATE: () => this.LA(2).tokenType !== T.LBracket,
        ALT: () => {
          const kw = this.CONSUME(K.header);
          const name = this.CONSUME(T.StringLiteral);
          const param = this.OPTION(() => {
            this.CONSUME(K.param);
            return this.CONSUME2(T.StringLiteral);
          });
          return this.ACTION((): Target => {
            const t: Target = {
              kind: 'header',
              name: this.stringLiteral(name),
              loc: joinLoc(this.loc(kw), this.loc(param ?? name)),
            };
            if (param) t.param = this.stringLiteral(param);
            return t;
          });
        },
      },
      {
        ALT: () => {
          const expr = this.SUBRULE(this.postfix);
          return this.ACTION((): Target => ({ kind: 'path', expr, loc: expr.loc }));
        },
      },
    ]),
  );
}

/** Tokens that can begin an expression; used to tell `log info x` (level) from `log info` (value). */
function startsExpression(t: IToken): boolean {
  const tt = t.tokenType;
  if (tt === T.Identifier || tt === T.LParen || tt === T.LBracket || tt === T.LBrace) return true;
  if (tt === K.not || tt === K.true || tt === K.false || tt === K.header || tt === K.headers) return true;
  if (tt === K.from || tt === K.to || tt === K.request || tt === K.response || tt === K.failure) return true;
  return tt.CATEGORIES?.includes(T.StringLiteral) === true || tt.name.endsWith('Literal');
}
