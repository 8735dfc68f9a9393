/**
 * The rule language in monaco: colouring, completion, hover, go to definition and document
 * formatting (the same formatter as `sbc fmt`, from dsl/).
 */
import { format } from '../../../dsl/index.ts';
import type { FileWorkspace } from '../files/workspace.ts';
import { pathOf, uriOf } from '../files/workspace.ts';
import { monaco } from '../monaco/setup.ts';
import { complete, type ItemKind } from './completion.ts';
import { hover } from './hover.ts';
import { LANGUAGE_ID, languageConfiguration, monarch } from './monarch.ts';
import { findDefinition } from './symbols.ts';

const K = monaco.languages.CompletionItemKind;
const KINDS: Record<ItemKind, number> = {
  keyword: K.Keyword,
  field: K.Field,
  function: K.Function,
  trunk: K.Module,
  group: K.Module,
  table: K.Struct,
  variable: K.Variable,
  property: K.Property,
  value: K.EnumMember,
  header: K.Text,
};

export function registerRuleLanguage(files: FileWorkspace, sampleHeaders: () => string[]): void {
  monaco.languages.register({ id: LANGUAGE_ID, extensions: ['.rules'] });
  monaco.languages.setMonarchTokensProvider(LANGUAGE_ID, monarch);
  monaco.languages.setLanguageConfiguration(LANGUAGE_ID, languageConfiguration);

  monaco.languages.registerCompletionItemProvider(LANGUAGE_ID, {
    triggerCharacters: ['.', '"', ' ', '['],
    provideCompletionItems(model, position) {
      const before = model.getValueInRange({
        startLineNumber: 1,
        startColumn: 1,
        endLineNumber: position.lineNumber,
        endColumn: position.column,
      });
      const word = model.getWordUntilPosition(position);
      const headerWord = /[A-Za-z0-9-]*$/.exec(before)?.[0] ?? '';
      const items = complete({
        before,
        file: pathOf(model.uri),
        line: position.lineNumber,
        column: position.column,
        indexes: files.indexes(),
        headers: sampleHeaders(),
      });
      return {
        suggestions: items.map((item) => {
          const start = item.kind === 'header' ? position.column - headerWord.length : word.startColumn;
          return {
            label: item.label,
            kind: KINDS[item.kind],
            insertText: item.insert ?? item.label,
            ...(item.detail ? { detail: item.detail } : {}),
            ...(item.doc ? { documentation: { value: item.doc } } : {}),
            range: {
              startLineNumber: position.lineNumber,
              endLineNumber: position.lineNumber,
              startColumn: start,
              endColumn: position.column,
            },
          };
        }),
      };
    },
  });

  monaco.languages.registerHoverProvider(LANGUAGE_ID, {
    provideHover(model, position) {
      const found = hover({
        textBeforeLine: model.getValueInRange({
          startLineNumber: 1,
          startColumn: 1,
          endLineNumber: position.lineNumber,
          endColumn: 1,
        }),
        lineText: model.getLineContent(position.lineNumber),
        file: pathOf(model.uri),
        line: position.lineNumber,
        column: position.column,
        indexes: files.indexes(),
      });
      if (!found) return null;
      return {
        contents: [{ value: found.markdown }],
        range: new monaco.Range(position.lineNumber, found.startColumn, position.lineNumber, found.endColumn),
      };
    },
  });

  monaco.languages.registerDefinitionProvider(LANGUAGE_ID, {
    provideDefinition(model, position) {
      const word = model.getWordAtPosition(position);
      if (!word) return null;
      const def = findDefinition(files.indexes(), pathOf(model.uri), word.word, {
        line: position.lineNumber,
        column: position.column,
      });
      if (!def) return null;
      return {
        uri: uriOf(def.file),
        range: new monaco.Range(def.line, def.column, def.endLine, def.endColumn),
      };
    },
  });

  monaco.languages.registerDocumentFormattingEditProvider(LANGUAGE_ID, {
    provideDocumentFormattingEdits(model) {
      const result = format(model.getValue(), pathOf(model.uri));
      // A file with syntax errors is left as it is (as `sbc fmt` does); the markers say why.
      if (!result.ok || result.text === model.getValue()) return [];
      return [{ range: model.getFullModelRange(), text: result.text }];
    },
  });
}
