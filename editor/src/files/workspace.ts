/**
 * The files being edited: one monaco model per file, compared with the active version's text
 * (the baseline) to show unsaved changes and diffs. Every change goes to the diagnostics worker.
 */
import type { editor } from 'monaco-editor/editor/editor.api.js';
import { indexFile, type FileSymbols } from '../language/symbols.ts';
import { LANGUAGE_ID } from '../language/monarch.ts';
import { monaco } from '../monaco/setup.ts';

export const uriOf = (path: string) => monaco.Uri.parse(`file:///rules/${path}`);
export const pathOf = (uri: { path: string }) => uri.path.replace(/^\/rules\//, '');

export class FileWorkspace {
  baseline: Record<string, string> = {};
  entry = 'main.rules';
  /** The version the baseline came from (undefined when nothing is active). */
  baseVersion: number | undefined;
  private readonly models = new Map<string, editor.ITextModel>();
  private readonly indexCache = new Map<string, { version: number; index: FileSymbols }>();
  private readonly listeners = new Set<(path: string | undefined) => void>();

  /** Called with the changed path, or undefined when the whole set changed. */
  onChange(listener: (path: string | undefined) => void): void {
    this.listeners.add(listener);
  }

  private emit(path: string | undefined): void {
    for (const l of this.listeners) l(path);
  }

  load(files: Record<string, string>, entry: string, version: number | undefined): void {
    for (const m of this.models.values()) m.dispose();
    this.models.clear();
    this.indexCache.clear();
    this.baseline = { ...files };
    this.entry = entry;
    this.baseVersion = version;
    for (const [path, text] of Object.entries(files)) this.addModel(path, text);
    this.emit(undefined);
  }

  /** After a push: what is stored becomes the new baseline. */
  rebase(version: number): void {
    this.baseline = this.files();
    this.baseVersion = version;
    this.emit(undefined);
  }

  private addModel(path: string, text: string): editor.ITextModel {
    const model = monaco.editor.createModel(text, LANGUAGE_ID, uriOf(path));
    model.onDidChangeContent(() => this.emit(path));
    this.models.set(path, model);
    return model;
  }

  create(path: string, text = ''): editor.ITextModel {
    const existing = this.models.get(path);
    if (existing) return existing;
    const model = this.addModel(path, text);
    this.emit(undefined);
    return model;
  }

  remove(path: string): void {
    this.models.get(path)?.dispose();
    this.models.delete(path);
    this.indexCache.delete(path);
    this.emit(undefined);
  }

  model(path: string): editor.ITextModel | undefined {
    return this.models.get(path);
  }

  paths(): string[] {
    return [...this.models.keys()].sort();
  }

  files(): Record<string, string> {
    return Object.fromEntries([...this.models].map(([p, m]) => [p, m.getValue()]));
  }

  isDirty(path: string): boolean {
    return this.models.get(path)?.getValue() !== this.baseline[path];
  }

  /** Changed, added or deleted files compared with the baseline. */
  dirtyPaths(): string[] {
    const all = new Set([...Object.keys(this.baseline), ...this.models.keys()]);
    return [...all].filter((p) => this.isDirty(p)).sort();
  }

  revert(path: string): void {
    const text = this.baseline[path];
    if (text === undefined) this.remove(path);
    else this.models.get(path)?.setValue(text);
  }

  /** Declarations of every file, re-read only for files changed since the last call. */
  indexes(): FileSymbols[] {
    const out: FileSymbols[] = [];
    for (const [path, model] of this.models) {
      const version = model.getVersionId();
      let hit = this.indexCache.get(path);
      if (!hit || hit.version !== version) {
        hit = { version, index: indexFile(path, model.getValue()) };
        this.indexCache.set(path, hit);
      }
      out.push(hit.index);
    }
    return out;
  }
}
