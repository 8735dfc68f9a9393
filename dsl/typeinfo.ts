import type { Expr } from './ast.ts';
import type { FieldDef, HookKind } from './fields.ts';
import type { HandlerDecl, LetStmt, TableDecl, VarDecl } from './symbols.ts';
import type { EnumName, Type } from './types.ts';

/** Everything the type checker learned, for the lint and lower stages. */
export interface TypeInfo {
  types: Map<Expr, Type>;
  /** Bare names that turned out to be enum values (`tls`, `INVITE`, `PCMU`). */
  enumValues: Map<Expr, { enum: EnumName; value: string }>;
  /** Fields resolved for member/index expressions rooted at a SIP field. */
  fieldPaths: Map<Expr, string>;
  lets: Map<LetStmt, Type>;
  vars: Map<VarDecl, Type>;
  tables: Map<TableDecl, { key: Type; value: Type }>;
  hooks: Map<HandlerDecl, HookContext>;
}

export interface HookContext {
  kind: HookKind;
  direction: 'from' | 'to' | 'any';
  inDialog: boolean;
  methods: string[];
}

export interface ResolvedField {
  def: FieldDef;
  path: string;
  root: string;
}
