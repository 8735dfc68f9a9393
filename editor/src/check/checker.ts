import { type Diagnostic, Workspace } from '../../../dsl/index.ts';

/**
 * The checks the editor runs on every keystroke, in a Web Worker. They are those of `sbc check DIR`
 * (src/cli/commands/check.ts) on the same files: every `.rules` file is compiled as an entry,
 * files that another file imports are checked through their importer, and diagnostics are
 * de-duplicated in the same order, so the editor shows exactly what the CLI and the server print.
 * The Workspace caches parses by content: after a keystroke only the edited file is re-parsed.
 */
export class RuleChecker {
  private readonly files = new Map<string, string>();
  private readonly workspace = new Workspace({ read: (path) => this.files.get(path) });

  /** Replaces the file set (paths relative to the rule-set root, as the admin API stores them). */
  setFiles(files: Record<string, string>): void {
    this.files.clear();
    for (const [path, text] of Object.entries(files)) this.files.set(path, text);
  }

  setFile(path: string, text: string): void {
    this.files.set(path, text);
  }

  removeFile(path: string): void {
    this.files.delete(path);
  }

  /** How many parses the workspace has done in total (one per changed file per check). */
  get parses(): number {
    return this.workspace.parses;
  }

  check(): Diagnostic[] {
    const entries = [...this.files.keys()].filter((p) => p.endsWith('.rules')).sort(walkOrder);
    const results = entries.map((entry) => ({ entry, result: this.workspace.check(entry) }));
    const imported = new Set(results.flatMap((r) => r.result.files.filter((f) => f !== r.entry)));
    const roots = results.filter((r) => !imported.has(r.entry) || results.length === 1);
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const r of roots) {
      for (const d of r.result.diagnostics) {
        const key = JSON.stringify(d);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(d);
      }
    }
    return out;
  }
}

/** The order `sbc check DIR` walks a directory: entries sorted by name at each level. */
export function walkOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p !== q) return p < q ? -1 : 1;
  }
  return x.length - y.length;
}
