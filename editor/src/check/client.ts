/**
 * Main-thread side of the diagnostics worker: sends each change, keeps at most one check in
 * flight (a burst of keystrokes costs one extra check, not one per key), and turns the answer into
 * monaco markers on every file.
 */
import type { Diagnostic } from '../../../dsl/index.ts';
import { type FileWorkspace, uriOf } from '../files/workspace.ts';
import { monaco } from '../monaco/setup.ts';
import type { CheckRequest, CheckResponse } from './protocol.ts';
import CheckWorker from './worker.ts?worker';

export interface CheckState {
  diagnostics: Diagnostic[];
  /** Compiler time in the worker, and keystroke-to-markers time, of the last check (ms). */
  workerMs: number;
  roundTripMs: number;
  seq: number;
}

export class DiagnosticsClient {
  private readonly worker = new CheckWorker();
  private seq = 0;
  private inFlight: { seq: number; sentAt: number } | undefined;
  private pending: CheckRequest | 'all' | undefined;
  private readonly files: FileWorkspace;
  private readonly listeners = new Set<(state: CheckState) => void>();
  state: CheckState = { diagnostics: [], workerMs: 0, roundTripMs: 0, seq: 0 };

  constructor(files: FileWorkspace) {
    this.files = files;
    this.worker.onmessage = (event: MessageEvent<CheckResponse>) => this.received(event.data);
    files.onChange((path) => {
      const model = path === undefined ? undefined : files.model(path);
      if (path === undefined || !model) this.queue('all');
      else this.queue({ kind: 'edit', seq: 0, path, text: model.getValue() });
    });
  }

  onResult(listener: (state: CheckState) => void): void {
    this.listeners.add(listener);
  }

  private queue(request: CheckRequest | 'all'): void {
    // A later full set replaces anything queued; edits of another file than the queued one
    // cannot be merged, so the full set is sent instead.
    if (this.pending === undefined || request === 'all') this.pending = request;
    else if (this.pending !== 'all' && this.pending.kind === 'edit' && request.kind === 'edit') {
      this.pending = this.pending.path === request.path ? request : 'all';
    } else this.pending = 'all';
    this.flush();
  }

  private flush(): void {
    if (this.inFlight || this.pending === undefined) return;
    const seq = ++this.seq;
    const request: CheckRequest =
      this.pending === 'all' ? { kind: 'files', seq, files: this.files.files() } : { ...this.pending, seq };
    this.pending = undefined;
    this.inFlight = { seq, sentAt: performance.now() };
    this.worker.postMessage(request);
  }

  private received(response: CheckResponse): void {
    const sentAt = this.inFlight?.sentAt ?? performance.now();
    this.inFlight = undefined;
    this.applyMarkers(response.diagnostics);
    this.state = {
      diagnostics: response.diagnostics,
      workerMs: response.ms,
      roundTripMs: performance.now() - sentAt,
      seq: response.seq,
    };
    for (const l of this.listeners) l(this.state);
    this.flush();
  }

  private applyMarkers(diagnostics: Diagnostic[]): void {
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of diagnostics) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
    for (const path of this.files.paths()) {
      const model = monaco.editor.getModel(uriOf(path));
      if (!model) continue;
      monaco.editor.setModelMarkers(
        model,
        'sbc',
        (byFile.get(path) ?? []).map((d) => ({
          severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
          startLineNumber: d.line,
          startColumn: d.column,
          endLineNumber: d.endLine,
          endColumn: Math.max(d.endColumn, d.endLine === d.line ? d.column + 1 : d.endColumn),
          message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
          code: d.code,
          source: 'sbc',
        })),
      );
    }
  }
}
