/**
 * The workbench: files on the left, the rule editor (or a diff against the active version) in the
 * middle with the problems list under it, and Preview / Deploy / Status on the right.
 */
import type { editor } from 'monaco-editor/editor/editor.api.js';
import type { Diagnostic } from '../../../dsl/index.ts';
import type { Api } from '../api/client.ts';
import type { RuleLocation, Whoami } from '../api/types.ts';
import { DiagnosticsClient } from '../check/client.ts';
import { FileWorkspace, pathOf } from '../files/workspace.ts';
import { LANGUAGE_ID } from '../language/monarch.ts';
import { registerRuleLanguage } from '../language/register.ts';
import { monaco } from '../monaco/setup.ts';
import { deployPanel } from '../panels/deploy.ts';
import { previewPanel } from '../panels/preview.ts';
import { statusPanel } from '../panels/status.ts';
import { sampleHeaders } from '../samples.ts';
import { clear, h } from './dom.ts';

declare global {
  interface Window {
    /** For tests and the benchmark: the editor's state, read through the page. */
    __sbc?: Record<string, unknown>;
  }
}

export async function startWorkbench(root: HTMLElement, api: Api, me: Whoami, signOut: () => void) {
  const files = new FileWorkspace();
  registerRuleLanguage(files, sampleHeaders);
  const checks = new DiagnosticsClient(files);
  let current = '';
  let pinned = new Map<number, number>();

  const editorBox = h('div', { class: 'editor', 'data-testid': 'editor' });
  const diffBox = h('div', { class: 'editor hidden', 'data-testid': 'diff-editor' });
  const fileList = h('ul', { class: 'files', 'data-testid': 'files' });
  const problems = h('ul', { class: 'problems', 'data-testid': 'problems' });
  const problemCount = h('span', { 'data-testid': 'problem-count' });
  const activeLabel = h('span', { 'data-testid': 'active-version' });
  const timing = h('span', { class: 'muted', 'data-testid': 'check-timing' });

  const ed = monaco.editor.create(editorBox, {
    automaticLayout: true,
    language: LANGUAGE_ID,
    minimap: { enabled: false },
    fontSize: 13,
    tabSize: 2,
    insertSpaces: true,
    scrollBeyondLastLine: false,
    model: null,
  });
  let diff: editor.IStandaloneDiffEditor | undefined;

  const open = (path: string, at?: { line: number; column: number }) => {
    const model = files.model(path);
    if (!model) return;
    showDiff(false);
    current = path;
    if (ed.getModel() !== model) ed.setModel(model);
    if (at) {
      ed.setPosition({ lineNumber: at.line, column: at.column });
      ed.revealLineInCenter(at.line);
    }
    ed.focus();
    renderFiles();
  };
  const jump = (at: RuleLocation) => open(at.file, at);
  // Go to definition in another file opens that file here (monaco only knows one editor).
  monaco.editor.registerEditorOpener({
    openCodeEditor(_source, resource, selection) {
      const at = selection && 'startLineNumber' in selection ? selection : undefined;
      open(pathOf(resource), at ? { line: at.startLineNumber, column: at.startColumn } : undefined);
      return true;
    },
  });

  const showDiff = (on: boolean) => {
    diffBox.classList.toggle('hidden', !on);
    editorBox.classList.toggle('hidden', on);
    if (!on) {
      diff?.dispose();
      diff = undefined;
      return;
    }
    diff?.dispose();
    diff = monaco.editor.createDiffEditor(diffBox, {
      automaticLayout: true,
      readOnly: true,
      renderSideBySide: true,
    });
    const base = monaco.editor.createModel(files.baseline[current] ?? '', LANGUAGE_ID);
    const now = files.model(current) ?? monaco.editor.createModel('', LANGUAGE_ID);
    diff.setModel({ original: base, modified: now });
    diff.onDidDispose(() => base.dispose());
  };

  const renderFiles = () => {
    clear(
      fileList,
      files
        .paths()
        .map((p) =>
          h(
            'li',
            { class: p === current ? 'current' : '', 'data-path': p, onclick: () => open(p) },
            files.isDirty(p) ? h('span', { class: 'dirty', title: 'unsaved changes' }, '●') : null,
            p,
            p === files.entry ? h('span', { class: 'muted' }, ' (entry)') : null,
          ),
        ),
      Object.keys(files.baseline)
        .filter((p) => !files.model(p))
        .map((p) => h('li', { class: 'deleted' }, h('span', { class: 'dirty' }, '●'), `${p} (deleted)`)),
    );
    const dirty = files.dirtyPaths().length;
    activeLabel.textContent =
      (files.baseVersion ? `active v${files.baseVersion}` : 'no active version') +
      (dirty ? ` · ${dirty} unsaved file(s)` : '');
  };
  files.onChange(() => renderFiles());

  const renderProblems = (diagnostics: Diagnostic[]) => {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    problemCount.textContent = `${errors} error(s), ${diagnostics.length - errors} warning(s)`;
    clear(
      problems,
      diagnostics.map((d) =>
        h(
          'li',
          { class: `link ${d.severity}`, 'data-testid': 'problem', onclick: () => jump(d) },
          h('span', { class: 'loc' }, `${d.file}:${d.line}:${d.column}`),
          ` ${d.code} ${d.message}`,
          d.hint ? h('span', { class: 'muted' }, ` — ${d.hint}`) : null,
        ),
      ),
    );
  };
  let firstCheckAt = 0;
  checks.onResult((s) => {
    if (firstCheckAt === 0 && files.paths().length > 0) firstCheckAt = performance.now();
    renderProblems(s.diagnostics);
    timing.textContent = `checked in ${s.workerMs.toFixed(1)} ms`;
  });

  const loadVersion = async (n: number | undefined) => {
    if (n === undefined) {
      files.load({ 'main.rules': 'ruleset main\n' }, 'main.rules', undefined);
    } else {
      const v = await api.version(n);
      files.load(v.files, v.entry, v.version);
    }
    open(files.paths().includes(files.entry) ? files.entry : (files.paths()[0] ?? ''));
  };
  const loadActive = async () => loadVersion((await api.active())?.version);

  const preview = previewPanel(api, files, jump);
  const deploy = deployPanel(api, me.role, files, {
    open: loadVersion,
    activated: async (version) => {
      if (files.dirtyPaths().length === 0) await loadVersion(version);
    },
    pinnedCalls: () => pinned,
  });
  const status = statusPanel(api, (s) => {
    pinned = new Map(s.pinned.map((p) => [p.version, p.calls]));
    deploy.renderVersions();
  });

  const tabs: Record<string, HTMLElement> = { Preview: preview.el, Deploy: deploy.el, Status: status.el };
  const tabBar = h('nav', { class: 'tabs' });
  const side = h('div', { class: 'side-body' });
  const show = (name: string) => {
    for (const b of tabBar.children) b.classList.toggle('current', b.textContent === name);
    clear(side, tabs[name]!);
    if (name === 'Deploy') void deploy.refresh();
    if (name === 'Status') status.shown();
  };
  for (const name of Object.keys(tabs))
    tabBar.append(
      h('button', { 'data-testid': `tab-${name.toLowerCase()}`, onclick: () => show(name) }, name),
    );

  const newFile = () => {
    const name = prompt('New file name (e.g. teams.rules)')?.trim();
    if (name && /^[A-Za-z0-9_][A-Za-z0-9_./-]*\.rules$/.test(name)) {
      files.create(name, '');
      open(name);
    }
  };
  const deleteFile = () => {
    if (current === files.entry || !confirm(`Delete ${current}? (Nothing is stored until you push.)`)) return;
    files.remove(current);
    open(files.entry);
  };
  const format = () => void ed.getAction('editor.action.formatDocument')?.run();

  clear(
    root,
    h(
      'div',
      { class: 'workbench' },
      h(
        'header',
        {},
        h('b', {}, 'SBC rule editor'),
        activeLabel,
        h('span', { class: 'spacer' }),
        timing,
        h('span', { 'data-testid': 'whoami' }, `${me.name} (${me.role})`),
        h('button', { onclick: signOut, 'data-testid': 'signout' }, 'Sign out'),
      ),
      h(
        'aside',
        {},
        h('h3', {}, 'Files'),
        fileList,
        h(
          'div',
          { class: 'buttons' },
          h('button', { onclick: newFile }, 'New file'),
          h('button', { onclick: format, 'data-testid': 'format' }, 'Format'),
          h(
            'button',
            { onclick: () => showDiff(diffBox.classList.contains('hidden')), 'data-testid': 'diff' },
            'Diff vs active',
          ),
          h('button', { onclick: () => files.revert(current) }, 'Revert file'),
          h('button', { onclick: deleteFile, 'data-testid': 'delete-file' }, 'Delete file'),
        ),
      ),
      h(
        'main',
        {},
        editorBox,
        diffBox,
        h('div', { class: 'problems-head' }, 'Problems ', problemCount),
        problems,
      ),
      h('section', { class: 'side' }, tabBar, side),
    ),
  );
  show('Preview');
  status.start();
  await loadActive();

  window.__sbc = {
    diagnostics: () => checks.state.diagnostics,
    checkState: () => checks.state,
    onCheck: (listener: (state: unknown) => void) => checks.onResult(listener),
    /** performance.now() when the editor first showed files with their diagnostics (0: not yet). */
    readyAt: () => firstCheckAt,
    files: () => files.files(),
    setFile: (path: string, text: string) => (files.model(path) ?? files.create(path)).setValue(text),
    open,
    editor: ed,
    monaco,
    markers: () =>
      monaco.editor.getModelMarkers({ owner: 'sbc' }).map((m) => ({ ...m, resource: pathOf(m.resource) })),
  };
}
