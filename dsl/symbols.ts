import type { Decl, Expr, Stmt } from './ast.ts';

export type TrunkDecl = Extract<Decl, { kind: 'trunk' }>;
export type GroupDecl = Extract<Decl, { kind: 'group' }>;
export type TableDecl = Extract<Decl, { kind: 'table' }>;
export type VarDecl = Extract<Decl, { kind: 'var' }>;
export type CounterDecl = Extract<Decl, { kind: 'counter' }>;
export type HandlerDecl = Extract<Decl, { kind: 'handler' }>;
export type LetStmt = Extract<Stmt, { kind: 'let' }>;
export type GlobalDecl = TrunkDecl | GroupDecl | TableDecl | VarDecl | CounterDecl;

/** What a bare name in an expression refers to. `free` names may still be enum values (type-directed). */
export type Binding =
  | { kind: 'local'; decl: LetStmt }
  | { kind: 'var'; decl: VarDecl }
  | { kind: 'table'; decl: TableDecl }
  | { kind: 'root'; name: string }
  | { kind: 'free' };

export interface Symbols {
  ruleset: string;
  globals: Map<string, GlobalDecl>;
  trunks: Map<string, TrunkDecl>;
  groups: Map<string, GroupDecl>;
  tables: Map<string, TableDecl>;
  vars: Map<string, VarDecl>;
  counters: Map<string, CounterDecl>;
  handlers: HandlerDecl[];
  bindings: Map<Expr, Binding>;
  /** Declarations (global or let) that something refers to; the rest get W502. */
  used: Set<GlobalDecl | LetStmt>;
}
