import { createToken, Lexer, type TokenType } from 'chevrotain';

/**
 * Tokens of the rule language (docs/language.md §2). Order matters: chevrotain takes the first
 * pattern that matches, so longer literal forms (CIDR, IP, duration, status class) come before
 * the plain integer, and keywords use `longer_alt` so `fromage` stays an identifier.
 */

/** Category matched wherever any word is accepted (field names, record keys). */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA });
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [Name],
});

const keywordList = [
  'ruleset',
  'import',
  'trunk',
  'group',
  'table',
  'var',
  'counter',
  'on',
  'request',
  'response',
  'failure',
  'from',
  'to',
  'in',
  'dialog',
  'if',
  'else',
  'let',
  'set',
  'add',
  'default',
  'remove',
  'replace',
  'with',
  'header',
  'headers',
  'param',
  'reject',
  'reply',
  'route',
  'failover',
  'media',
  'log',
  'count',
  'stop',
  'and',
  'or',
  'not',
  'matches',
  'true',
  'false',
] as const;
export type Keyword = (typeof keywordList)[number];

export const keywords = {} as Record<Keyword, TokenType>;
for (const word of keywordList) {
  keywords[word] = createToken({
    name: `Kw_${word}`,
    label: `'${word}'`,
    pattern: new RegExp(`${word}(?![A-Za-z0-9_])`),
    longer_alt: Identifier,
    categories: [Name],
  });
}
export const KEYWORDS: ReadonlySet<string> = new Set(keywordList);

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
});
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: 'comments' });

export const StringLiteral = createToken({ name: 'StringLiteral', label: 'string', pattern: Lexer.NA });
export const CompleteString = createToken({
  name: 'CompleteString',
  label: 'string',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  categories: [StringLiteral],
});
/** A string missing its closing quote; accepted by the parser so the mistake costs one diagnostic (E002). */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  label: 'string',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringLiteral],
});
/** Regex literal; `/` is never an operator in this language, so it is unambiguous. */
export const RegexLiteral = createToken({ name: 'RegexLiteral', label: 'regex', pattern: Lexer.NA });
export const CompleteRegex = createToken({
  name: 'CompleteRegex',
  label: 'regex',
  pattern: /\/(?:[^/\\\r\n[]|\\[^\r\n]|\[(?:[^\]\\\r\n]|\\[^\r\n])*\])+\/[A-Za-z]*/,
  categories: [RegexLiteral],
});
/** A regex whose [ class ] is not closed: still one token, so the checker reports it once (E005). */
export const LooseRegex = createToken({
  name: 'LooseRegex',
  label: 'regex',
  pattern: /\/(?:[^/\\\r\n]|\\[^\r\n])+\/[A-Za-z]*/,
  categories: [RegexLiteral],
});

const IPV6_CANDIDATE = /[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:\/[0-9]{1,3})?/y;
/** IPv6 address or prefix (`2001:db8::1`, `2001:db8::/32`): needs two colons, validated later (E004). */
export const Ipv6Literal = createToken({
  name: 'Ipv6Literal',
  label: 'IPv6 address',
  pattern: (text: string, offset: number) => {
    IPV6_CANDIDATE.lastIndex = offset;
    const m = IPV6_CANDIDATE.exec(text);
    if (m === null) return null;
    const c = m[0];
    // `a::b` needs at least one hex digit or a `::`; plain `::` alone is the unspecified address.
    if (!c.includes('::') && c.split(':').length < 8) return null;
    return m;
  },
  line_breaks: false,
  start_chars_hint: [...'0123456789abcdefABCDEF:'],
});
export const CidrLiteral = createToken({
  name: 'CidrLiteral',
  label: 'CIDR',
  pattern: /[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\/[0-9]{1,3}/,
});
export const Ipv4Literal = createToken({
  name: 'Ipv4Literal',
  label: 'IPv4 address',
  pattern: /[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}/,
});
export const E164Literal = createToken({ name: 'E164Literal', label: 'E.164 number', pattern: /\+[0-9]+/ });
export const StatusClassLiteral = createToken({
  name: 'StatusClassLiteral',
  label: 'status class',
  pattern: /[1-6](?:[0-9]x|xx)(?![A-Za-z0-9_])/,
});
export const DurationLiteral = createToken({
  name: 'DurationLiteral',
  label: 'duration',
  pattern: /[0-9]+(?:ms|s|m|h)(?![A-Za-z0-9_])/,
});
export const IntegerLiteral = createToken({ name: 'IntegerLiteral', label: 'integer', pattern: /[0-9]+/ });

const punct = (name: string, pattern: string) => createToken({ name, label: `'${pattern}'`, pattern });
export const EqEq = punct('EqEq', '==');
export const NotEq = punct('NotEq', '!=');
export const LtEq = punct('LtEq', '<=');
export const GtEq = punct('GtEq', '>=');
export const Lt = punct('Lt', '<');
export const Gt = punct('Gt', '>');
export const Coalesce = punct('Coalesce', '??');
export const Question = punct('Question', '?');
export const Assign = punct('Assign', '=');
export const Plus = punct('Plus', '+');
export const Minus = punct('Minus', '-');
export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const LBracket = punct('LBracket', '[');
export const RBracket = punct('RBracket', ']');
export const LBrace = punct('LBrace', '{');
export const RBrace = punct('RBrace', '}');
export const Comma = punct('Comma', ',');
export const Colon = punct('Colon', ':');
export const Dot = punct('Dot', '.');

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  CompleteString,
  UnterminatedString,
  CompleteRegex,
  LooseRegex,
  CidrLiteral,
  Ipv4Literal,
  Ipv6Literal,
  StatusClassLiteral,
  DurationLiteral,
  IntegerLiteral,
  E164Literal,
  ...Object.values(keywords),
  Identifier,
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  Lt,
  Gt,
  Coalesce,
  Question,
  Assign,
  Plus,
  Minus,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Colon,
  Dot,
  Name,
  StringLiteral,
  RegexLiteral,
];

export const ruleLexer = new Lexer(allTokens, {
  positionTracking: 'full',
  ensureOptimizations: false,
});
