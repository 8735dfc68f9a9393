/**
 * monaco-editor, the Vite way: the editor API and its features without the bundled languages
 * (the rule language is ours), and monaco's own worker as a `?worker` import so Vite bundles it
 * with the rest — nothing is loaded from a CDN.
 */
import * as monaco from 'monaco-editor/editor/editor.api.js';
import 'monaco-editor/features/register.all.js';
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export { monaco };
export type Monaco = typeof monaco;
