/**
 * Rule-set versions: upload (compile, then store), diff, and activation/rollback. Activation
 * follows DESIGN.md "Hot reload": the runtime loads and warms the new version beside the running
 * one and swaps one pointer (RuleActivator); only then is the store's active pointer moved, in
 * one transaction. A crash between the two leaves the store at the old version, which is what a
 * restarted SBC loads: never a half-activated version.
 */
import { createTwoFilesPatch } from 'diff';
import { compile, type Diagnostic } from '../../dsl/index.ts';
import { NotFoundError } from '../store/errors.ts';
import type {
  Activation,
  ActivationKind,
  RuleFiles,
  RuleStore,
  RuleVersion,
  RuleVersionSummary,
} from '../store/types.ts';
import { HttpError } from './errors.ts';

/**
 * What activation asks of the rules runtime (wired in by `sbc run`): load and warm `version`
 * beside the running one, then make it the one new calls use. Throws when it cannot; the running
 * version then stays. Calls in progress keep the version they started with.
 */
export interface RuleActivator {
  activate(version: RuleVersion): Promise<void>;
  /** Calls in progress per loaded version (DESIGN.md: a call keeps its version to the end). */
  pinnedCalls?(): VersionCalls[];
}

export interface VersionCalls {
  version: number;
  hash: string;
  /** The version new calls get. */
  active: boolean;
  /** Calls in progress that started on this version. */
  calls: number;
}

export interface UploadInput {
  files: RuleFiles;
  entry?: string;
  message?: string;
  author: string;
}

export interface ActivationResult {
  activation: Activation;
  /** False when the version was already active (nothing changed). */
  changed: boolean;
}

export class RuleSets {
  private readonly store: RuleStore;
  private readonly activator: RuleActivator;
  /** Activations run one at a time: two racing swaps could leave runtime and store disagreeing. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The version this node's runtime was last given. */
  private running: number | undefined;

  constructor(store: RuleStore, activator: RuleActivator) {
    this.store = store;
    this.activator = activator;
  }

  /** Compiles the files; errors → HttpError 422 with the compiler's diagnostics, nothing stored. */
  check(files: RuleFiles, entry?: string): { entry: string; diagnostics: Diagnostic[]; errors: number } {
    const chosen = chooseEntry(files, entry);
    const result = compile(new Map(Object.entries(files)), { entry: chosen });
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    return { entry: chosen, diagnostics: result.diagnostics, errors };
  }

  async upload(input: UploadInput): Promise<{ version: RuleVersion; diagnostics: Diagnostic[] }> {
    const checked = this.check(input.files, input.entry);
    if (checked.errors > 0) {
      throw new HttpError(
        422,
        'compile_failed',
        `the rule set has ${checked.errors} error(s); nothing was stored`,
        {
          diagnostics: checked.diagnostics,
        },
      );
    }
    const version = await this.store.addVersion({
      author: input.author,
      message: input.message ?? '',
      entry: checked.entry,
      files: input.files,
    });
    return { version, diagnostics: checked.diagnostics };
  }

  async list(): Promise<Array<RuleVersionSummary & { active: boolean }>> {
    const [versions, active] = await Promise.all([this.store.listVersions(), this.store.active()]);
    return versions.map((v) => ({ ...v, active: v.version === active?.version }));
  }

  async get(version: number): Promise<RuleVersion> {
    const found = await this.store.getVersion(version);
    if (!found) throw new NotFoundError(`rule set version ${version} does not exist`);
    return found;
  }

  /** Loaded versions and their calls; empty when the runtime does not report them. */
  pinnedCalls(): VersionCalls[] {
    return this.activator.pinnedCalls?.() ?? [];
  }

  currentActivation(): Promise<Activation | undefined> {
    return this.store.active();
  }

  activationHistory(limit: number): Promise<Activation[]> {
    return this.store.activations(limit);
  }

  /** A unified diff (what `git diff` prints) of every file that differs, in path order. */
  async diff(from: number, to: number): Promise<string> {
    const [a, b] = await Promise.all([this.get(from), this.get(to)]);
    const paths = [...new Set([...Object.keys(a.files), ...Object.keys(b.files)])].sort();
    let out = '';
    for (const path of paths) {
      const before = a.files[path];
      const after = b.files[path];
      if (before === after) continue;
      const patch = createTwoFilesPatch(
        before === undefined ? '/dev/null' : `a/${path}`,
        after === undefined ? '/dev/null' : `b/${path}`,
        before ?? '',
        after ?? '',
        `v${from}`,
        `v${to}`,
      );
      out += patch.replace(/^=+\n/, '');
    }
    return out;
  }

  activate(version: number, actor: string, kind: ActivationKind = 'activate'): Promise<ActivationResult> {
    return this.serialized(() => this.swap(version, actor, kind));
  }

  /** To `version`, or else to the version that was active before the current one. */
  rollback(version: number | undefined, actor: string): Promise<ActivationResult> {
    return this.serialized(async () => {
      let target = version;
      if (target === undefined) {
        const current = await this.store.active();
        if (current?.previous == null)
          throw new HttpError(409, 'conflict', 'there is no previous version to roll back to');
        target = current.previous;
      }
      return this.swap(target, actor, 'rollback');
    });
  }

  /** At startup: hand the stored active version to the runtime, so a restart resumes where it was. */
  async restoreActive(): Promise<RuleVersion | undefined> {
    const active = await this.store.active();
    if (!active) return undefined;
    const version = await this.get(active.version);
    await this.activator.activate(version);
    this.running = version.version;
    return version;
  }

  /**
   * Several nodes sharing one store: the active pointer moved, on this node or another (or may
   * have, while this node was not listening). Loads the stored active version into this node's
   * runtime unless it already runs it; calls in progress keep theirs. Resolves with the version
   * loaded, or undefined when nothing changed.
   */
  followActive(): Promise<RuleVersion | undefined> {
    return this.serialized(async () => {
      const active = await this.store.active();
      if (!active || active.version === this.running) return undefined;
      const version = await this.get(active.version);
      await this.activator.activate(version);
      this.running = version.version;
      return version;
    });
  }

  private async swap(number: number, actor: string, kind: ActivationKind): Promise<ActivationResult> {
    const version = await this.get(number);
    const current = await this.store.active();
    if (current?.version === number) return { activation: current, changed: false };
    try {
      await this.activator.activate(version);
      this.running = number;
    } catch (error) {
      throw new HttpError(
        422,
        'activation_failed',
        `version ${number} could not be loaded; version ${current?.version ?? 'none'} stays active: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    try {
      return { activation: await this.store.activate(number, actor, kind), changed: true };
    } catch (error) {
      // The runtime already runs the new version but the store could not record it: put the
      // runtime back, so what runs is what a restart would load.
      if (current)
        await this.activator
          .activate(await this.get(current.version))
          .then(() => (this.running = current.version))
          .catch(() => undefined);
      throw error;
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** The entry file: as named, else main.rules, else the only .rules file (as `sbc check DIR` does). */
function chooseEntry(files: RuleFiles, entry: string | undefined): string {
  if (entry !== undefined) {
    if (!Object.hasOwn(files, entry))
      throw new HttpError(422, 'unprocessable', `entry '${entry}' is not among the files`);
    return entry;
  }
  if (Object.hasOwn(files, 'main.rules')) return 'main.rules';
  const rules = Object.keys(files).filter((p) => p.endsWith('.rules'));
  if (rules.length === 1 && rules[0] !== undefined) return rules[0];
  throw new HttpError(
    422,
    'unprocessable',
    rules.length === 0
      ? 'the upload holds no .rules file'
      : 'the upload holds several .rules files and no main.rules; name the entry',
  );
}
