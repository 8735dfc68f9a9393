/**
 * What to offer at the cursor, decided from the text before it: members after a dot, header names
 * inside `header "…"`, trunks after `route` or `from`, properties inside trunk/group/media blocks,
 * enumeration values after a property, else keywords, fields, functions and declared names.
 * Pure (no monaco): the editor maps the items to monaco's completion items.
 */
import {
  BLOCK_PROPS,
  COMMON_HEADERS,
  ENUMS,
  enumValuesOf,
  fieldDoc,
  FUNCTIONS,
  functionDoc,
  functionSignature,
  KEYWORDS,
  membersAt,
  propDoc,
  ROOTS,
} from './catalog.ts';
import { type FileSymbols, letsAt, type RuleSymbol } from './symbols.ts';

export type ItemKind =
  | 'keyword'
  | 'field'
  | 'function'
  | 'trunk'
  | 'group'
  | 'table'
  | 'variable'
  | 'property'
  | 'value'
  | 'header';

export interface CompletionItem {
  label: string;
  kind: ItemKind;
  detail?: string;
  doc?: string;
  /** Text to insert when it differs from the label (`e164(` for a function). */
  insert?: string;
}

const DECLARATION_KEYWORDS = ['ruleset', 'import', 'trunk', 'group', 'table', 'var', 'counter', 'on'];
const STATEMENT_KEYWORDS = [
  'let',
  'if',
  'else',
  'set',
  'add',
  'default',
  'remove',
  'replace',
  'header',
  'headers',
  'reject',
  'reply',
  'route',
  'media',
  'log',
  'count',
  'stop',
  'not',
  'and',
  'or',
  'in',
  'matches',
  'true',
  'false',
];

export interface CompletionInput {
  /** The whole file up to the cursor. */
  before: string;
  file: string;
  line: number;
  column: number;
  indexes: readonly FileSymbols[];
  /** Header names seen in sample messages, offered with the common ones. */
  headers?: readonly string[];
}

export function complete(input: CompletionInput): CompletionItem[] {
  const lineStart = input.before.lastIndexOf('\n') + 1;
  const line = stripStringsAndComments(input.before.slice(lineStart), true);
  const raw = input.before.slice(lineStart);
  const decls = input.indexes.flatMap((i) => i.decls);
  const named = (kind: RuleSymbol['kind']) => decls.filter((d) => d.kind === kind);

  const header = /\b(?:header|headers)\s*(?:\[\s*)?"([^"]*)$/.exec(raw);
  if (header) {
    const names = [...new Set([...COMMON_HEADERS, ...(input.headers ?? [])])].sort();
    return names.map((h) => ({ label: h, kind: 'header', detail: 'SIP header' }));
  }
  if (/"[^"]*$/.test(line) && line.split('"').length % 2 === 0) return [];

  const member = /([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\.([A-Za-z0-9_]*)$/.exec(line);
  if (member) {
    const path = member[1]!.split('.');
    const table = named('table').find((t) => t.name === path[0]);
    if (table && path.length === 1) return (table.fields ?? []).map((f) => ({ label: f, kind: 'field' }));
    const lets = input.indexes.find((i) => i.file === input.file);
    const isLet = lets && letsAt(lets, input).some((l) => l.name === path[0]);
    if (isLet) return [];
    const members = membersAt(path);
    return Object.entries(members ?? {}).map(([name, def]) => ({
      label: name,
      kind: 'field',
      detail: def.doc,
      doc: fieldDoc([...path, name], def),
    }));
  }

  const trunkOrGroup = () => [
    ...named('trunk').map((t) => ({ label: t.name, kind: 'trunk' as const, detail: 'trunk' })),
    ...named('group').map((g) => ({ label: g.name, kind: 'group' as const, detail: 'route group' })),
  ];
  if (/\broute\s+[A-Za-z0-9_]*$/.test(line)) return trunkOrGroup();
  if (/^\s*on\s+request\b.*\b(from|to)\s+[A-Za-z0-9_]*$/.test(line)) return trunkOrGroup();
  if (/^\s*on\s+(response|failure)\b.*\bfrom\s+[A-Za-z0-9_]*$/.test(line)) return trunkOrGroup();
  if (/^\s*on\s+request\s+[A-Z,\s]*[A-Za-z]*$/.test(line))
    return [
      ...ENUMS.Method.map((m) => ({ label: m, kind: 'value' as const, detail: 'SIP method' })),
      ...['from', 'to', 'in'].map((k) => ({ label: k, kind: 'keyword' as const })),
    ];
  if (/^\s*on\s+[a-z]*$/.test(line))
    return ['request', 'response', 'failure'].map((k) => ({ label: k, kind: 'keyword' }));
  if (/\bcount\s+[A-Za-z0-9_]*$/.test(line))
    return named('counter').map((c) => ({ label: c.name, kind: 'variable', detail: 'counter' }));
  if (/\bmedia\s+[a-z]*$/.test(line) && !/^\s*media\s*$/.test(line))
    return ENUMS.Leg.map((l) => ({ label: l, kind: 'value', detail: 'media leg' }));
  if (/^\s*log\s+[a-z]*$/.test(line))
    return ENUMS.LogLevel.map((l) => ({ label: l, kind: 'value', detail: 'log level' }));

  const block = enclosingBlock(input.before);
  const props = block ? BLOCK_PROPS[block] : undefined;
  if (props) {
    if (block === 'group' && /\b(members\s*\[[^\]]*|backup\s+[A-Za-z0-9_]*)$/.test(line)) {
      return /backup/.test(line)
        ? named('group').map((g) => ({ label: g.name, kind: 'group', detail: 'route group' }))
        : named('trunk').map((t) => ({ label: t.name, kind: 'trunk', detail: 'trunk' }));
    }
    const value =
      /(?:^\s*|[{,]\s*)([a-z_]+)\s*:?\s+(?:\[[^\]]*)?[A-Za-z0-9_]*$|([a-z_]+)\s*:\s*(?:\[[^\]]*)?[A-Za-z0-9_]*$/.exec(
        line,
      );
    const key = value?.[1] ?? value?.[2];
    if (key && props[key]) {
      const values = enumValuesOf(props[key]);
      if (values.length > 0) return values.map((v) => ({ label: v, kind: 'value', detail: key }));
      return [];
    }
    return Object.entries(props).map(([name, def]) => ({
      label: name,
      kind: 'property',
      detail: def.doc,
      doc: propDoc(block!, name) ?? def.doc,
    }));
  }
  if (block === undefined) {
    return DECLARATION_KEYWORDS.map((k) => ({ label: k, kind: 'keyword' }));
  }

  // Inside a handler: statements, fields, functions and names in scope.
  const own = input.indexes.find((i) => i.file === input.file);
  const lets = own ? letsAt(own, input) : [];
  return [
    ...STATEMENT_KEYWORDS.filter((k) => KEYWORDS.has(k)).map((k) => ({ label: k, kind: 'keyword' as const })),
    ...Object.entries(ROOTS).map(([name, def]) => ({
      label: name,
      kind: 'field' as const,
      detail: def.doc,
      doc: fieldDoc([name], def),
    })),
    ...Object.keys(FUNCTIONS).map((name) => ({
      label: name,
      kind: 'function' as const,
      detail: functionSignature(name)!,
      doc: functionDoc(name)!,
      insert: `${name}(`,
    })),
    ...named('table').map((t) => ({ label: t.name, kind: 'table' as const, detail: 'table' })),
    ...named('var').map((v) => ({ label: v.name, kind: 'variable' as const, detail: 'call variable' })),
    ...lets.map((l) => ({ label: l.name, kind: 'variable' as const, detail: 'let' })),
    ...trunkOrGroup(),
  ];
}

/**
 * The kind of the innermost `{ … }` around the end of `text`: 'trunk', 'group', 'media',
 * 'options', 'failover', 'table', 'handler', or undefined at top level.
 */
export function enclosingBlock(text: string): string | undefined {
  const stack: string[] = [];
  let lineStart = 0;
  const clean = stripStringsAndComments(text, false);
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i];
    if (c === '\n') lineStart = i + 1;
    else if (c === '{') {
      const head = clean.slice(lineStart, i).trim();
      stack.push(blockKind(head, stack[stack.length - 1]));
    } else if (c === '}') stack.pop();
  }
  return stack[stack.length - 1];
}

function blockKind(head: string, outer: string | undefined): string {
  const words = head.split(/[\s:,[]+/).filter(Boolean);
  const first = words[0] ?? '';
  if (outer === undefined) {
    if (first === 'trunk' || first === 'group' || first === 'table') return first;
    return 'handler';
  }
  const last = words.filter((w) => /^[a-z_]+$/.test(w));
  for (let k = last.length - 1; k >= 0; k--) {
    const w = last[k]!;
    if (w === 'media' || w === 'options' || w === 'failover') return w;
  }
  return outer === 'trunk' || outer === 'group' ? outer : 'handler';
}

/** Blanks out comments and string contents (keeping length), so braces and words in them are ignored. */
function stripStringsAndComments(text: string, keepOpenString: boolean): string {
  let out = '';
  let inString = false;
  let inComment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      inString = false;
      inComment = false;
      out += c;
    } else if (inComment) out += ' ';
    else if (inString) {
      if (c === '\\') {
        out += '  ';
        i++;
      } else if (c === '"') {
        inString = false;
        out += c;
      } else out += keepOpenString ? c : ' ';
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '#') {
      inComment = true;
      out += ' ';
    } else out += c;
  }
  return out;
}
