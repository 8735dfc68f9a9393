import type { IToken } from 'chevrotain';
import type { Decl, Expr, Hook, Ident, Property, SchemaField, TableEntry, TypeRef } from './ast.ts';
import { StmtParser } from './stmt-parser.ts';
import * as T from './lexer.ts';
import { joinLoc } from './literals.ts';

const K = T.keywords;

/**
 * Declaration grammar (docs/language.md §3 EBNF, §6), on top of the statement and expression rules. One instance is built once and
 * reused: chevrotain's grammar analysis is the costly part of construction.
 */
export class RuleParser extends StmtParser {
  constructor() {
    super();
    this.performSelfAnalysis();
  }

  /** Declarations parsed so far; kept outside the rule's return value so a failed file still yields them. */
  decls: Decl[] = [];

  file_ = this.RULE('file', (): void => {
    this.MANY(() => {
      const d = this.SUBRULE(this.topDecl);
      this.ACTION(() => {
        if (d !== undefined) this.decls.push(d);
      });
    });
  });

  topDecl = this.RULE(
    'topDecl',
    (): Decl =>
      this.OR([
        {
          ALT: () => {
            const kw = this.CONSUME(K.ruleset);
            const name = this.SUBRULE(this.declName);
            return this.ACTION((): Decl => ({
              kind: 'ruleset',
              name: this.ident(name),
              loc: joinLoc(this.loc(kw), this.loc(name)),
            }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(K.import);
            const path = this.CONSUME(T.StringLiteral);
            return this.ACTION((): Decl => ({
              kind: 'import',
              path: this.stringLiteral(path),
              loc: joinLoc(this.loc(kw), this.loc(path)),
            }));
          },
        },
        { ALT: () => this.SUBRULE(this.trunkOrGroup) },
        { ALT: () => this.SUBRULE(this.tableDecl) },
        {
          ALT: () => {
            const kw = this.CONSUME(K.var);
            const name = this.SUBRULE2(this.declName);
            const type = this.OPTION(() => {
              this.CONSUME(T.Colon);
              return this.SUBRULE(this.typeRef);
            });
            this.CONSUME(T.Assign);
            const value = this.SUBRULE(this.expression);
            return this.ACTION((): Decl => {
              const d: Decl = {
                kind: 'var',
                name: this.ident(name),
                value,
                loc: joinLoc(this.loc(kw), value.loc),
              };
              if (type) d.type = type;
              return d;
            });
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(K.counter);
            const name = this.SUBRULE3(this.declName);
            return this.ACTION((): Decl => ({
              kind: 'counter',
              name: this.ident(name),
              loc: joinLoc(this.loc(kw), this.loc(name)),
            }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(K.on);
            const hook = this.SUBRULE(this.hook);
            const body = this.SUBRULE(this.block);
            return this.ACTION((): Decl => ({
              kind: 'handler',
              hook,
              body,
              loc: joinLoc(this.loc(kw), body.loc),
            }));
          },
        },
      ]),
    { recoveryValueFunc: () => undefined as unknown as Decl },
  );

  trunkOrGroup = this.RULE('trunkOrGroup', (): Decl => {
    const kw = this.OR([{ ALT: () => this.CONSUME(K.trunk) }, { ALT: () => this.CONSUME(K.group) }]);
    const name = this.SUBRULE(this.declName);
    this.CONSUME(T.LBrace);
    const props: Property[] = [];
    this.MANY(() => {
      const key = this.OR2([
        { ALT: () => this.CONSUME2(T.Identifier) },
        { ALT: () => this.CONSUME(K.media) },
        { ALT: () => this.CONSUME(K.failover) },
      ]);
      const value = this.SUBRULE(this.expression);
      this.ACTION(() => props.push({ key: this.ident(key), value, loc: joinLoc(this.loc(key), value.loc) }));
    });
    const close = this.CONSUME(T.RBrace);
    return this.ACTION(
      (): Decl =>
        ({
          kind: kw.image,
          name: this.ident(name),
          props,
          loc: joinLoc(this.loc(kw), this.loc(close)),
        }) as Decl,
    );
  });

  tableDecl = this.RULE('tableDecl', (): Decl => {
    const kw = this.CONSUME(K.table);
    const name = this.SUBRULE(this.declName);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Assign);
          const source: IToken[] = [this.CONSUME2(T.Identifier)];
          this.MANY(() => {
            this.CONSUME(T.Dot);
            source.push(this.CONSUME(T.Name));
          });
          let end = source[source.length - 1]!;
          const schema = this.OPTION(() => {
            this.CONSUME(T.LBrace);
            const fields: SchemaField[] = [];
            this.MANY2(() => {
              const field = this.CONSUME2(T.Name);
              this.CONSUME(T.Colon);
              const type = this.SUBRULE(this.typeRef);
              this.OPTION2(() => this.CONSUME(T.Comma));
              this.ACTION(() =>
                fields.push({ name: this.ident(field), type, loc: joinLoc(this.loc(field), type.loc) }),
              );
            });
            end = this.CONSUME(T.RBrace);
            return fields;
          });
          return this.ACTION((): Decl => {
            const d: Decl = {
              kind: 'table',
              name: this.ident(name),
              source: source.map((t) => this.ident(t)),
              loc: joinLoc(this.loc(kw), this.loc(end)),
            };
            if (schema) d.schema = schema;
            return d;
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.LBrace);
          const entries: TableEntry[] = [];
          this.MANY3(() => {
            const key = this.SUBRULE(this.literal);
            this.CONSUME2(T.Colon);
            const value = this.SUBRULE(this.expression);
            this.OPTION3(() => this.CONSUME2(T.Comma));
            this.ACTION(() => entries.push({ key, value, loc: joinLoc(key.loc, value.loc) }));
          });
          const close = this.CONSUME2(T.RBrace);
          return this.ACTION((): Decl => ({
            kind: 'table',
            name: this.ident(name),
            entries,
            loc: joinLoc(this.loc(kw), this.loc(close)),
          }));
        },
      },
    ]);
  });

  typeRef = this.RULE('typeRef', (): TypeRef => {
    const r = this.OR([
      {
        ALT: () => {
          const open = this.CONSUME(T.LBracket);
          const n = this.CONSUME(T.Name);
          const close = this.CONSUME(T.RBracket);
          return { n, list: true, first: open, last: close };
        },
      },
      {
        ALT: () => {
          const n = this.CONSUME2(T.Name);
          return { n, list: false, first: n, last: n };
        },
      },
    ]);
    const q = this.OPTION(() => this.CONSUME(T.Question));
    return this.ACTION(() => ({
      name: r.n.image,
      list: r.list,
      optional: q !== undefined,
      loc: joinLoc(this.loc(r.first), this.loc(q ?? r.last)),
    }));
  });

  hook = this.RULE('hook', (): Hook => {
    return this.OR([
      {
        ALT: () => {
          const kw = this.CONSUME(K.request);
          const methods: Ident[] = [];
          this.AT_LEAST_ONE_SEP({
            SEP: T.Comma,
            DEF: () => methods.push(this.ident(this.CONSUME(T.Identifier))),
          });
          const inDialog = this.OPTION(() => {
            this.CONSUME(K.in);
            return this.CONSUME(K.dialog);
          });
          const peer = this.OPTION2(() => {
            const dir = this.OR2([{ ALT: () => this.CONSUME(K.from) }, { ALT: () => this.CONSUME(K.to) }]);
            return { dir, trunk: this.CONSUME2(T.Identifier) };
          });
          return this.ACTION((): Hook => {
            const last = peer?.trunk ?? inDialog;
            const h: Hook = {
              kind: 'request',
              methods,
              inDialog: inDialog !== undefined,
              direction: peer ? (peer.dir.image as 'from' | 'to') : 'any',
              loc: last
                ? joinLoc(this.loc(kw), this.loc(last))
                : joinLoc(this.loc(kw), methods[methods.length - 1]?.loc ?? this.loc(kw)),
            };
            if (peer) h.trunk = this.ident(peer.trunk);
            return h;
          });
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(K.response);
          const statuses: Expr[] = [];
          this.AT_LEAST_ONE_SEP2({
            SEP: T.Comma,
            DEF: () => {
              const t = this.OR3([
                { ALT: () => this.CONSUME(T.StatusClassLiteral) },
                { ALT: () => this.CONSUME(T.IntegerLiteral) },
              ]);
              this.ACTION(() => statuses.push(this.literalFromToken(t)));
            },
          });
          const trunk = this.OPTION3(() => {
            this.CONSUME2(K.from);
            return this.CONSUME3(T.Identifier);
          });
          return this.ACTION((): Hook => {
            const last = trunk ? this.loc(trunk) : (statuses[statuses.length - 1]?.loc ?? this.loc(kw));
            const h: Hook = { kind: 'response', statuses, loc: joinLoc(this.loc(kw), last) };
            if (trunk) h.trunk = this.ident(trunk);
            return h;
          });
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(K.failure);
          const trunk = this.OPTION4(() => {
            this.CONSUME3(K.from);
            return this.CONSUME4(T.Identifier);
          });
          return this.ACTION((): Hook => {
            const h: Hook = {
              kind: 'failure',
              loc: joinLoc(this.loc(kw), trunk ? this.loc(trunk) : this.loc(kw)),
            };
            if (trunk) h.trunk = this.ident(trunk);
            return h;
          });
        },
      },
    ]);
  });
}

let shared: RuleParser | undefined;
/** The parser is stateless between inputs, so one instance serves every parse. */
export function ruleParser(): RuleParser {
  shared ??= new RuleParser();
  return shared;
}
