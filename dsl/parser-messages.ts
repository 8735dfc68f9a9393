import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';

/**
 * Short, engineer-facing syntax error messages (E100). chevrotain's defaults list every grammar
 * path; we name what was found and, in a hint, the few things that could come next.
 */
const RULE_WORDS: Record<string, string> = {
  expression: 'an expression',
  orExpr: 'an expression',
  andExpr: 'an expression',
  notExpr: 'an expression',
  comparison: 'an expression',
  additive: 'an expression',
  coalesce: 'an expression',
  postfix: 'a value',
  primary: 'a value',
  literal: 'a literal value',
  terminalStmt: "'reject', 'reply', 'route' or 'stop'",
  statement: 'a statement',
  topDecl: 'a declaration (trunk, group, table, var, counter, import or on …)',
  hook: "a hook ('request', 'response' or 'failure')",
  target: 'a header or field to change',
  typeRef: 'a type',
};

export function describeToken(t: IToken): string {
  if (t.tokenType.name === 'EOF') return 'end of file';
  const image = t.image.length > 24 ? `${t.image.slice(0, 24)}…` : t.image;
  return `'${image}'`;
}

function label(t: TokenType): string {
  if (t.name === 'EOF') return 'a declaration (trunk, group, table, var, counter, import or on …)';
  return t.LABEL ?? t.name;
}

function firstTokens(paths: TokenType[][][]): string {
  const seen = new Set<string>();
  for (const alt of paths) for (const path of alt) if (path[0]) seen.add(label(path[0]));
  const list = [...seen];
  return list.length > 8 ? `${list.slice(0, 8).join(', ')}, …` : list.join(', ');
}

export const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    if (expected.name === 'IntegerLiteral' && ruleName === 'terminalStmt')
      return `expected a status code but found ${describeToken(actual)}\u0000e.g. reject 486 "Busy Here"`;
    if (expected.name === 'RBrace' && (ruleName === 'block' || ruleName === 'trunkOrGroup'))
      return `expected ${ruleName === 'block' ? 'a statement' : 'a property'} or '}' but found ${describeToken(actual)}`;
    return `expected ${label(expected)} but found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}; expected a declaration`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const what = RULE_WORDS[ruleName] ?? `a ${ruleName}`;
    const found = actual[0] ? describeToken(actual[0]) : 'end of file';
    if (ruleName === 'target' && actual[0]?.image === 'header')
      return `expected a quoted header name after 'header' but found ${actual[1] ? describeToken(actual[1]) : 'end of file'}\u0000write: header "X-Name"`;
    if (ruleName === 'hook')
      return `expected ${what} but found ${found}\u0000'request', 'response', 'failure' (e.g. on request INVITE from zoom)`;
    return `expected ${what} but found ${found}\u0000expected one of: ${firstTokens(expectedPathsPerAlt)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const found = actual[0] ? describeToken(actual[0]) : 'end of file';
    return `expected at least one item in ${ruleName} but found ${found}\u0000expected one of: ${firstTokens([expectedIterationPaths])}`;
  },
};
