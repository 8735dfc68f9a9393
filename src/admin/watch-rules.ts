/**
 * `sbc run --watch DIR`: a rule author's edit-and-try loop. On every save under DIR the rule files
 * are compiled; a clean set is uploaded as a new version (author `watch`, the message names the
 * changed files) and activated through the same path as POST /api/v1/rulesets/activate, so calls
 * in progress keep their version (DESIGN.md "Hot reload"). A set with errors is not uploaded: the
 * diagnostics are logged and the running version stays.
 */
import { type FSWatcher, readdirSync, readFileSync, watch } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Logger } from '../log/logger.ts';
import type { RuleFiles } from '../store/types.ts';
import type { RuleSets } from './rule-sets.ts';

/** Editors write a file in several steps (truncate, write, rename); one save is one reload. */
export const WATCH_DEBOUNCE_MS = 200;

export interface RuleWatcher {
  close(): void;
  /** Resolves when no reload is pending or running (for tests and shutdown). */
  idle(): Promise<void>;
}

/** The files a rule set is made of, by path relative to DIR: what `sbc rules push DIR` uploads. */
export function readRuleDir(dir: string): RuleFiles {
  const files: RuleFiles = {};
  const walk = (at: string) => {
    for (const e of readdirSync(at, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = join(at, e.name);
      if (e.isDirectory()) walk(full);
      else if (isRuleFile(e.name))
        files[relative(dir, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

function isRuleFile(name: string): boolean {
  return name.endsWith('.rules') || name.endsWith('.test.yaml');
}

export function watchRules(
  dir: string,
  ruleSets: RuleSets,
  logger: Logger,
  debounceMs = WATCH_DEBOUNCE_MS,
): RuleWatcher {
  const log = logger.child({ component: 'watch' });
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const reload = async (names: string[]) => {
    let files: RuleFiles;
    try {
      files = readRuleDir(dir);
    } catch (error) {
      log.error({ err: error, dir }, 'cannot read the watched rule directory');
      return;
    }
    const active = await ruleSets.currentActivation();
    if (active && sameFiles((await ruleSets.get(active.version)).files, files)) return;
    let checked: ReturnType<RuleSets['check']>;
    try {
      checked = ruleSets.check(files);
    } catch (error) {
      log.error({ dir }, `rule files not loaded: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (checked.errors > 0) {
      for (const d of checked.diagnostics.filter((x) => x.severity === 'error'))
        log.error({ diagnostic: d }, `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);
      log.warn(
        { errors: checked.errors, active: active?.version ?? null },
        `rule files have ${checked.errors} error(s); version ${active?.version ?? 'none'} stays active`,
      );
      return;
    }
    const message = names.length > 0 ? `watch: changed ${names.join(', ')}` : `watch: loaded ${dir}`;
    try {
      const { version } = await ruleSets.upload({ files, author: 'watch', message });
      await ruleSets.activate(version.version, 'watch');
      log.info(
        {
          // An audit line like the API's, so every change of the active version is on record.
          audit: true,
          action: 'rules.activate',
          target: `v${version.version}`,
          actor: 'watch',
          version: version.version,
          previous: active?.version ?? null,
          files: names,
        },
        'watched rule set activated',
      );
    } catch (error) {
      log.error(
        { err: error },
        `watched rule set not activated: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const names = [...changed].sort();
      changed.clear();
      // One reload at a time, in order: the last save always wins.
      running = running.then(() => (closed ? undefined : reload(names))).catch(() => undefined);
    }, debounceMs);
  };

  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, filename) => {
    if (filename === null) return schedule();
    const name = filename.toString().split(sep).join('/');
    if (!isRuleFile(name)) return;
    changed.add(name);
    schedule();
  });
  watcher.on('error', (error) => log.error({ err: error, dir }, 'watching the rule directory failed'));
  log.info({ dir }, 'watching rule files');
  // What is on disk now is the starting point: load it unless it is already the active version.
  schedule();

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
    async idle() {
      while (timer !== undefined) await new Promise((r) => setTimeout(r, debounceMs));
      await running;
    },
  };
}

function sameFiles(a: RuleFiles, b: RuleFiles): boolean {
  const ak = Object.keys(a).sort();
  const bk = Object.keys(b).sort();
  return ak.length === bk.length && ak.every((k, i) => k === bk[i] && a[k] === b[k]);
}
