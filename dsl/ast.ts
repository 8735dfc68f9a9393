import type { Span } from './diagnostics.ts';

/** Source location of a node: a Span plus 0-based offsets (end exclusive) for the formatter. */
export interface Loc extends Span {
  start: number;
  end: number;
}

export interface Ident {
  name: string;
  loc: Loc;
}

// ---- expressions (docs/language.md §5) ----
export type Expr =
  | { kind: 'string'; value: string; raw: string; loc: Loc }
  | { kind: 'int'; value: number; raw: string; loc: Loc }
  | { kind: 'bool'; value: boolean; loc: Loc }
  | { kind: 'duration'; ms: number; raw: string; loc: Loc }
  | { kind: 'ip'; value: string; loc: Loc }
  | { kind: 'cidr'; value: string; loc: Loc }
  | { kind: 'e164'; value: string; loc: Loc }
  | { kind: 'status'; value: string; loc: Loc }
  | { kind: 'regex'; source: string; flags: string; raw: string; loc: Loc }
  | { kind: 'list'; items: Expr[]; loc: Loc }
  | { kind: 'record'; entries: RecordEntry[]; loc: Loc }
  | { kind: 'name'; name: string; loc: Loc }
  | { kind: 'member'; object: Expr; name: Ident; loc: Loc }
  | { kind: 'index'; object: Expr; index: Expr; loc: Loc }
  | { kind: 'header'; all: boolean; name: Expr; loc: Loc }
  | { kind: 'call'; callee: Ident; args: Arg[]; loc: Loc }
  | { kind: 'unary'; op: 'not'; operand: Expr; loc: Loc }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; loc: Loc }
  | { kind: 'paren'; expr: Expr; loc: Loc }
  | { kind: 'error'; loc: Loc };

export type BinaryOp =
  'or' | 'and' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'matches' | '+' | '-' | '??';

export interface RecordEntry {
  key: Ident;
  value: Expr;
  loc: Loc;
}

export interface Arg {
  name?: Ident;
  value: Expr;
}

export type ExprOf<K extends Expr['kind']> = Extract<Expr, { kind: K }>;

// ---- statements (§7) ----
export type Target =
  { kind: 'header'; name: Expr; param?: Expr; loc: Loc } | { kind: 'path'; expr: Expr; loc: Loc };

export type Stmt =
  | { kind: 'let'; name: Ident; value: Expr; orElse?: Block; loc: Loc }
  | { kind: 'if'; branches: IfBranch[]; otherwise?: Block; loc: Loc }
  | { kind: 'set'; mode: 'set' | 'add' | 'default'; target: Target; value: Expr; loc: Loc }
  | { kind: 'remove'; target: Target; loc: Loc }
  | { kind: 'removeHeaders'; pattern: ExprOf<'regex'>; loc: Loc }
  | { kind: 'replace'; target: Target; pattern: Expr; replacement: Expr; loc: Loc }
  | { kind: 'reject' | 'reply'; code: Expr; reason?: Expr; loc: Loc }
  | { kind: 'route'; target: Ident; failover?: Expr; loc: Loc }
  | { kind: 'media'; leg: Ident; policy: Expr; loc: Loc }
  | { kind: 'log'; level?: Ident; message: Expr; loc: Loc }
  | { kind: 'count'; counter: Ident; loc: Loc }
  | { kind: 'stop'; loc: Loc };

export interface IfBranch {
  cond: Expr;
  body: Block;
}

export interface Block {
  stmts: Stmt[];
  loc: Loc;
}

// ---- declarations (§6) ----
export interface TypeRef {
  name: string;
  optional: boolean;
  list: boolean;
  loc: Loc;
}

export interface Property {
  key: Ident;
  value: Expr;
  loc: Loc;
}

export interface SchemaField {
  name: Ident;
  type: TypeRef;
  loc: Loc;
}

export interface TableEntry {
  key: Expr;
  value: Expr;
  loc: Loc;
}

export type Hook =
  | {
      kind: 'request';
      methods: Ident[];
      inDialog: boolean;
      direction: 'from' | 'to' | 'any';
      trunk?: Ident;
      loc: Loc;
    }
  | { kind: 'response'; statuses: Expr[]; trunk?: Ident; loc: Loc }
  | { kind: 'failure'; trunk?: Ident; loc: Loc };

/** `recovered`: a syntax error follows inside this declaration, so later stages stay quiet about it. */
export type Decl = { recovered?: boolean } & (
  | { kind: 'ruleset'; name: Ident; loc: Loc }
  | { kind: 'import'; path: Expr; loc: Loc }
  | { kind: 'trunk'; name: Ident; props: Property[]; loc: Loc }
  | { kind: 'group'; name: Ident; props: Property[]; loc: Loc }
  | { kind: 'table'; name: Ident; source?: Ident[]; schema?: SchemaField[]; entries?: TableEntry[]; loc: Loc }
  | { kind: 'var'; name: Ident; type?: TypeRef; value: Expr; loc: Loc }
  | { kind: 'counter'; name: Ident; loc: Loc }
  | { kind: 'handler'; hook: Hook; body: Block; loc: Loc }
);

export interface Comment {
  text: string;
  loc: Loc;
}

export interface SourceFile {
  path: string;
  decls: Decl[];
  comments: Comment[];
  /** True when the file had lexical or syntax errors (the AST is a best-effort recovery). */
  hasSyntaxErrors: boolean;
  /**
   * When the file has syntax errors: the lines where a top-level declaration keyword starts a line
   * (the regions in which one syntax error silences the rest, docs/language.md §3.1).
   */
  regionStarts?: number[];
}
