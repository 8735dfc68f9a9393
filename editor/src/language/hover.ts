/**
 * Hover documentation: fields (with type and whether rules may write them), built-in functions
 * (signature and doc), properties of trunks/groups/media records, and declared names (where they
 * are declared). Pure: the editor turns the markdown into a monaco hover.
 */
import { CODES } from '../../../dsl/codes.ts';
import { BLOCK_PROPS, fieldAt, fieldDoc, FUNCTIONS, functionDoc, propDoc } from './catalog.ts';
import { enclosingBlock } from './completion.ts';
import { findDefinition, type FileSymbols } from './symbols.ts';

export interface HoverInput {
  /** The whole file up to the start of the hovered line. */
  textBeforeLine: string;
  lineText: string;
  file: string;
  line: number;
  /** 1-based column inside the hovered word. */
  column: number;
  indexes: readonly FileSymbols[];
}

export interface HoverResult {
  markdown: string;
  /** 1-based columns of the hovered word (end exclusive). */
  startColumn: number;
  endColumn: number;
}

export function hover(input: HoverInput): HoverResult | undefined {
  const { lineText } = input;
  const i = input.column - 1;
  if (!/[A-Za-z0-9_]/.test(lineText[i] ?? '')) return undefined;
  let start = i;
  while (start > 0 && /[A-Za-z0-9_]/.test(lineText[start - 1]!)) start--;
  let end = i;
  while (end < lineText.length && /[A-Za-z0-9_]/.test(lineText[end]!)) end++;
  const word = lineText.slice(start, end);
  const range = { startColumn: start + 1, endColumn: end + 1 };
  const code = /^[EW]\d{3}$/.test(word) ? CODES[word as keyof typeof CODES] : undefined;
  if (code) return { markdown: `**${word}** (${code.severity}): ${code.title}`, ...range };

  // A dotted path ending at this word: from.uri.user
  let pathStart = start;
  while (pathStart > 1 && lineText[pathStart - 1] === '.' && /[A-Za-z0-9_]/.test(lineText[pathStart - 2]!)) {
    pathStart -= 2;
    while (pathStart > 0 && /[A-Za-z0-9_]/.test(lineText[pathStart - 1]!)) pathStart--;
  }
  const path = lineText.slice(pathStart, end).split('.');
  const field = fieldAt(path);
  if (field && !(path.length === 1 && isDeclared(input, word))) {
    return { markdown: fieldDoc(path, field), ...range };
  }
  if (FUNCTIONS[word] && /^\s*\(/.test(lineText.slice(end)))
    return { markdown: functionDoc(word)!, ...range };

  const block = enclosingBlock(input.textBeforeLine + lineText.slice(0, start));
  if (block && BLOCK_PROPS[block]?.[word] && /^\s*:?\s*/.test(lineText.slice(end))) {
    return { markdown: propDoc(block, word)!, ...range };
  }
  const def = findDefinition(input.indexes, input.file, word, { line: input.line, column: input.column });
  if (def && path.length === 1) {
    const fields = def.fields?.length ? `\n\nfields: ${def.fields.join(', ')}` : '';
    return {
      markdown: `**${def.kind} ${def.name}** — declared at ${def.file}:${def.line}:${def.column}${fields}`,
      ...range,
    };
  }
  return undefined;
}

function isDeclared(input: HoverInput, name: string): boolean {
  return (
    findDefinition(input.indexes, input.file, name, { line: input.line, column: input.column }) !== undefined
  );
}
