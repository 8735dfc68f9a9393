import type { languages } from 'monaco-editor/editor/editor.api.js';
import { ENUMS, FUNCTIONS, KEYWORDS, ROOTS } from './catalog.ts';

/** Syntax colouring for rule files (docs/language.md §2), from the compiler's own word lists. */
export const LANGUAGE_ID = 'sbc-rules';

export const monarch: languages.IMonarchLanguage = {
  defaultToken: '',
  keywords: [...KEYWORDS],
  fields: Object.keys(ROOTS),
  functions: Object.keys(FUNCTIONS),
  enums: [...new Set(Object.values(ENUMS).flat())],
  tokenizer: {
    root: [
      [/#.*$/, 'comment'],
      [/"/, { token: 'string.quote', next: '@string' }],
      [/\/(?:[^/\\\r\n[]|\\.|\[(?:[^\]\\\r\n]|\\.)*\])+\/[A-Za-z]*/, 'regexp'],
      [/\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?:\/\d{1,3})?/, 'number.ip'],
      [/\+\d+/, 'number.e164'],
      [/[1-6](?:\dx|xx)\b/, 'number.status'],
      [/\d+(?:ms|s|m|h)\b/, 'number.duration'],
      [/\d+/, 'number'],
      // A word before ':' is a record key, schema field or named argument, even when it is also
      // an enumeration value (`timeout: 1s` in options, `on: [503, timeout]` in failover).
      [/[A-Za-z_][A-Za-z0-9_]*(?=\s*:(?!:))/, 'attribute.name'],
      [
        /[A-Za-z_][A-Za-z0-9_]*/,
        {
          cases: {
            '@keywords': 'keyword',
            '@fields': 'variable.predefined',
            '@functions': 'support.function',
            '@enums': 'constant',
            '@default': 'identifier',
          },
        },
      ],
      [/==|!=|<=|>=|\?\?|[<>=+\-?]/, 'operator'],
      [/[{}()[\]]/, '@brackets'],
      [/[,:.]/, 'delimiter'],
    ],
    string: [
      [/[^\\"]+/, 'string'],
      [/\\./, 'string.escape'],
      [/"/, { token: 'string.quote', next: '@pop' }],
      [/$/, { token: '', next: '@pop' }],
    ],
  },
};

export const languageConfiguration: languages.LanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [
    ['{', '}'],
    ['[', ']'],
    ['(', ')'],
  ],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
  ],
  surroundingPairs: [
    { open: '"', close: '"' },
    { open: '{', close: '}' },
  ],
  indentationRules: { increaseIndentPattern: /\{[^}]*$/, decreaseIndentPattern: /^\s*\}/ },
  wordPattern: /[A-Za-z_][A-Za-z0-9_]*/,
};
