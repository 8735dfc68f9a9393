/**
 * Rule-set versions in the running SBC (DESIGN.md "Hot reload"; issue item 2).
 * Activation compiles and loads the new version beside the running one and
 * swaps one pointer. Each call pins the version active when it started and
 * releases it when it ends; a version that is neither active nor pinned by any
 * call has its isolate disposed at once.
 */
import type { Logger } from 'pino';
import type { RuntimeOptions } from '../runtime/index.ts';
import type { RuleVersion } from '../store/index.ts';
import { type RecentRuleError, RecentRuleErrors } from './recent-rule-errors.ts';
import { LoadedVersion } from './rules/loaded-version.ts';
import type { PeerAddress, PeerState } from './routing/route-plan.ts';

export interface PinnedVersion {
  readonly version: LoadedVersion;
  /** Idempotent: a call may end along several paths at once. */
  release(): void;
}

export interface VersionCalls {
  version: number;
  hash: string;
  active: boolean;
  calls: number;
}

export interface RuleVersionsOptions extends Omit<RuntimeOptions, 'routeTargets' | 'log'> {
  logger: Logger;
  peerState?: (peer: PeerAddress) => PeerState;
  /** Told after each swap (the core re-watches OPTIONS peers, metrics show the version). */
  onActivated?: (version: LoadedVersion) => void;
}

export class RuleVersions {
  readonly #options: RuleVersionsOptions;
  readonly #logger: Logger;
  #current: LoadedVersion | undefined;
  readonly #errors = new RecentRuleErrors(100);
  /** Versions still loaded: the active one and those pinned by calls. */
  readonly #loaded = new Set<LoadedVersion>();

  constructor(options: RuleVersionsOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'rules' });
  }

  /** RuleActivator (src/admin/rule-sets.ts): throws when the version does not load; the running one stays. */
  async activate(version: RuleVersion): Promise<void> {
    const { logger: _l, peerState, onActivated: _a, ...runtime } = this.#options;
    const logger = this.#logger;
    const errors = this.#errors;
    const loaded = new LoadedVersion(version, {
      ...runtime,
      // The runtime reports each rule failure here with its call id and rule location.
      log: {
        error(obj, msg) {
          errors.record(version.version, obj);
          logger.error(obj, msg);
        },
      },
      peerState: peerState ?? (() => 'unknown'),
    });
    const old = this.#current;
    loaded.active = true;
    this.#loaded.add(loaded);
    this.#current = loaded;
    if (old) {
      old.active = false;
      this.#disposeIfIdle(old);
    }
    this.#logger.info(
      {
        version: version.version,
        hash: version.hash,
        previous: old?.number,
        pinnedToPrevious: old?.calls ?? 0,
      },
      'rule set active',
    );
    this.#options.onActivated?.(loaded);
  }

  current(): LoadedVersion | undefined {
    return this.#current;
  }

  /** Pins the active version to a new call; undefined when no version is active. */
  pin(): PinnedVersion | undefined {
    const version = this.#current;
    if (version === undefined) return undefined;
    version.calls++;
    let released = false;
    return {
      version,
      release: () => {
        if (released) return;
        released = true;
        version.calls--;
        this.#disposeIfIdle(version);
      },
    };
  }

  /** Calls pinned per loaded version (the admin API's "active calls pinned per version"). */
  pinnedCalls(): VersionCalls[] {
    return [...this.#loaded]
      .map((v) => ({ version: v.number, hash: v.hash, active: v.active, calls: v.calls }))
      .sort((a, b) => a.version - b.version);
  }

  /** The last 100 rule failures, newest first (GET /api/v1/status/rule-errors). */
  recentErrors(): RecentRuleError[] {
    return this.#errors.list();
  }

  #disposeIfIdle(version: LoadedVersion): void {
    if (version.active || version.calls > 0) return;
    this.#loaded.delete(version);
    version.dispose();
    this.#logger.info({ version: version.number }, 'rule set version unloaded (no calls left)');
  }

  close(): void {
    for (const v of this.#loaded) v.dispose();
    this.#loaded.clear();
    this.#current = undefined;
  }
}
