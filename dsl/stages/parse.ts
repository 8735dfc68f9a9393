import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import type { Comment, Decl, Loc, SourceFile } from '../ast.ts';
import { type Diagnostic, diag } from '../diagnostics.ts';
import { keywords, LBrace, LBracket, LParen, RBrace, RBracket, RParen, ruleLexer } from '../lexer.ts';
import { LIMITS } from '../limits.ts';
import { tokenLoc } from '../literals.ts';
import { ruleParser } from '../parser.ts';
import { sanitizeDecls } from '../sanitize.ts';

/**
 * Stage 1 — parse: text → AST for one file, with lexical, limit and syntax diagnostics.
 * Limits are checked before the parser runs (docs/language.md §9) so no input can exhaust the
 * stack or run for long; a file over a limit yields one diagnostic and an empty AST.
 */
export interface ParseResult {
  file: SourceFile;
  diagnostics: Diagnostic[];
}

export function parseFile(path: string, text: string): ParseResult {
  const empty = (diagnostics: Diagnostic[], comments: Comment[] = []): ParseResult => ({
    file: { path, decls: [], comments, hasSyntaxErrors: true },
    diagnostics,
  });
  if (text.length > LIMITS.maxFileChars) {
    return empty([
      diag(
        'E010',
        pointLoc(path, 1, 1),
        `file has ${text.length} characters; the limit is ${LIMITS.maxFileChars}`,
        'split it into files joined with import',
      ),
    ]);
  }
  const lexed = ruleLexer.tokenize(text);
  const diagnostics = lexErrors(path, text, lexed.errors);
  const comments: Comment[] = (lexed.groups.comments ?? []).map((t) => ({
    text: t.image,
    loc: tokenLoc(path, t),
  }));
  const limit = checkNesting(path, lexed.tokens);
  if (limit) return empty([...diagnostics, limit], comments);

  const parser = ruleParser();
  parser.file = path;
  parser.literalDiags = [];
  parser.resetLimits();
  parser.decls = [];
  parser.input = lexed.tokens;
  parser.file_();
  const decls = parser.errors.length > 0 ? sanitizeDecls(parser.decls, path) : parser.decls;
  parser.decls = [];
  diagnostics.push(...parser.literalDiags, ...syntaxErrors(path, lexed.tokens, parser.errors));
  const file: SourceFile = { path, decls, comments, hasSyntaxErrors: diagnostics.length > 0 };
  if (parser.errors.length > 0) {
    file.regionStarts = regionStarts(text);
    markRecovered(decls, diagnostics);
  }
  parser.input = [];
  parser.resetLimits();
  return { file, diagnostics };
}

const DECLARATION_START = /^(?:on|trunk|group|table|var|counter|import|ruleset)\b/;

/** Lines (1-based) that begin with a declaration keyword in column 1, as formatted files do. */
function regionStarts(text: string): number[] {
  const starts = [1];
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (i > 0 && DECLARATION_START.test(line)) starts.push(i + 1);
  });
  return starts;
}

/** A declaration followed by a syntax error before the next one was only partly understood. */
function markRecovered(decls: Decl[], diagnostics: Diagnostic[]): void {
  const errorLines = diagnostics.filter((d) => d.code === 'E100').map((d) => d.line);
  decls.forEach((d, i) => {
    const next = decls[i + 1]?.loc.line ?? Number.POSITIVE_INFINITY;
    if (errorLines.some((l) => l >= d.loc.line && l < next)) d.recovered = true;
  });
}

function pointLoc(file: string, line: number, column: number, length = 1): Loc {
  return { file, line, column, endLine: line, endColumn: column + length, start: 0, end: 0 };
}

/** Adjacent unknown characters are one mistake, so they give one E001. */
function lexErrors(path: string, text: string, errors: ILexingError[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  let runEnd = -1;
  let last: Diagnostic | undefined;
  for (const e of errors) {
    if (last && e.offset === runEnd && e.line === last.line) {
      last.endColumn += e.length;
      runEnd = e.offset + e.length;
      continue;
    }
    const ch = text.codePointAt(e.offset) ?? 0;
    const shown =
      ch < 0x20 || ch === 0x7f || ch > 0x7e
        ? `U+${ch.toString(16).toUpperCase().padStart(4, '0')}`
        : `'${String.fromCodePoint(ch)}'`;
    last = diag(
      'E001',
      pointLoc(path, e.line ?? 1, e.column ?? 1, e.length),
      `unexpected character ${shown}`,
      ch === 0x3b
        ? "statements end with the line; no ';' is needed"
        : 'remove it, or put it inside a "string"',
    );
    out.push(last);
    runEnd = e.offset + e.length;
  }
  return out;
}

function checkNesting(path: string, tokens: IToken[]): Diagnostic | undefined {
  let depth = 0;
  let prefixRun = 0;
  for (const t of tokens) {
    const tt = t.tokenType;
    if (tt === LParen || tt === LBracket || tt === LBrace) {
      depth++;
      if (depth > LIMITS.maxNesting)
        return diag(
          'E011',
          tokenLoc(path, t),
          `brackets nested more than ${LIMITS.maxNesting} deep`,
          'flatten the rule with let or separate handlers',
        );
    } else if (tt === RParen || tt === RBracket || tt === RBrace) depth = Math.max(0, depth - 1);
    prefixRun = tt === keywords.not ? prefixRun + 1 : 0;
    if (prefixRun > LIMITS.maxPrefixOps)
      return diag(
        'E011',
        tokenLoc(path, t),
        `more than ${LIMITS.maxPrefixOps} 'not' in a row`,
        "two 'not' cancel out",
      );
  }
  return undefined;
}

/**
 * chevrotain reports a mistake at the token where it noticed it; recovery may then report the
 * same mistake again a few tokens later. One mistake should cost one diagnostic, so an error is
 * dropped when it falls inside the tokens the previous error's recovery skipped or on the same token.
 */
function syntaxErrors(path: string, tokens: IToken[], errors: IRecognitionException[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  let coveredUntil = -1;
  let lastIndex = Number.NEGATIVE_INFINITY;
  const lastReal = tokens[tokens.length - 1];
  for (const e of errors) {
    const real = Number.isFinite(e.token.startOffset) && e.token.tokenType.name !== 'EOF';
    const t = real ? e.token : ((e as { previousToken?: IToken }).previousToken ?? lastReal);
    const offset = t ? t.startOffset : 0;
    const index = t ? tokenIndex(tokens, offset) : 0;
    // Errors within a few tokens of the previous one are recovery echoes of the same mistake.
    const echo = offset <= coveredUntil || index - lastIndex <= 3;
    lastIndex = index;
    const skipped = e.resyncedTokens ?? [];
    const lastSkipped = skipped[skipped.length - 1];
    coveredUntil = Math.max(coveredUntil, offset, lastSkipped ? lastSkipped.startOffset : offset);
    if (echo) continue;
    const [message, expected] = e.message.split('\u0000');
    let loc = t ? tokenLoc(path, t) : pointLoc(path, 1, 1);
    if (!real && t) loc = pointLoc(path, loc.endLine, loc.endColumn, 1);
    const hint = expected || undefined;
    out.push(diag('E100', loc, message ?? 'syntax error', hint));
  }
  return out;
}

function tokenIndex(tokens: IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
