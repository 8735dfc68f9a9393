/**
 * Wires the layers of a running SBC together. This is the only module that
 * knows every layer (DESIGN.md: "Only the entry point wires the layers").
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RuleSets } from './admin/rule-sets.ts';
import { createAdminServer } from './admin/server.ts';
import type { Config } from './config/index.ts';
import { startCore } from './core/start.ts';
import type { Logger } from './log/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { openStores, ProvisioningTables, type Stores } from './store/index.ts';

export interface RunningSbc {
  /** Closes every listener and connection; resolves when all are closed. */
  close(): Promise<void>;
  /** Rule-set versions: upload and activate as the admin API does (`sbc run --watch`). */
  ruleSets: RuleSets;
}

/** Raised when the SBC cannot start; names the config key to change. */
export class StartupError extends Error {
  readonly configKey: string;
  constructor(configKey: string, message: string) {
    super(message);
    this.name = 'StartupError';
    this.configKey = configKey;
  }
}

/** Raised when a listener cannot bind; names the address and the config key to change. */
export class ListenError extends StartupError {
  readonly address: string;
  readonly code: string;
  constructor(configKey: string, address: string, code: string) {
    const reason = code === 'EADDRINUSE' ? 'address already in use' : code;
    super(configKey, `cannot listen on ${address} (${configKey}): ${reason}`);
    this.name = 'ListenError';
    this.address = address;
    this.code = code;
  }
}

export async function startSbc(config: Config, logger: Logger, version: string): Promise<RunningSbc> {
  const dataDir = resolve(config.data.dir);
  let stores: Stores;
  try {
    stores = await openStores(
      config.store.kind === 'postgres'
        ? {
            kind: 'postgres',
            url: config.store.url ?? '',
            poolSize: config.store.poolSize,
            log: logger.child({ component: 'store' }),
          }
        : { kind: 'sqlite', dir: dataDir },
    );
  } catch (error) {
    // Never the URL itself: it may carry a password.
    if (config.store.kind === 'postgres')
      throw new StartupError('store.url', `cannot open the PostgreSQL store (store.url): ${String(error)}`);
    throw new StartupError(
      'data.dir',
      `cannot open the data directory ${dataDir} (data.dir): ${String(error)}`,
    );
  }
  const tables = new ProvisioningTables(stores.lookup);
  const metrics = createMetrics();
  const core = startCore(config, logger, { tables, registry: metrics.registry, dataDir });
  const rules = core.versions;
  let admin: ReturnType<typeof createAdminServer>;
  try {
    admin = createAdminServer({
      logger,
      version,
      stores,
      activator: rules,
      metrics,
      live: {
        trunks: () => core.core.peerStatuses(),
        calls: () => core.core.calls(),
        ruleErrors: () => rules.recentErrors(),
      },
      ...components(config, stores, core),
      // Not ready while calls needing media would be refused (issue: media, item 1).
      ...(config.media.rtpengine.mode !== 'off' ? { readiness: { media: () => mediaHealth(core).ok } } : {}),
      ...(config.admin.token ? { bootstrapToken: config.admin.token } : {}),
      ...(config.admin.tls ? { tls: readTls(config.admin.tls) } : {}),
    });
  } catch (error) {
    stores.close();
    if (error instanceof StartupError) throw error;
    throw new StartupError('admin.tls', `cannot start the admin API (admin.tls): ${String(error)}`);
  }
  const closeAll = async () => {
    await admin.close();
    await core.close();
    stores.close();
  };

  try {
    const restored = await admin.ruleSets.restoreActive();
    if (restored) {
      logger.info({ version: restored.version, hash: restored.hash }, 'rule set restored');
    } else if ((await admin.ruleSets.list()).length === 0) {
      // A fresh data directory: the shipped default rule set becomes version 1, so calls work at once.
      const files = { 'main.rules': readFileSync(join(DEFAULT_RULES, 'main.rules'), 'utf8') };
      const { version } = await admin.ruleSets.upload({ files, author: 'sbc', message: 'default rule set' });
      await admin.ruleSets.activate(version.version, 'sbc');
      logger.info({ version: version.version }, 'default rule set loaded (rules/default)');
    }
  } catch (error) {
    // The stored version no longer loads (e.g. after an upgrade): run without rules, say so.
    logger.error({ err: error }, 'the active rule set could not be loaded; activate a version');
  }
  if (stores.onActivation) {
    // Several nodes: an activation on any node (or one missed while disconnected) is followed here.
    const follow = () =>
      void admin.ruleSets.followActive().then(
        (version) => {
          if (!version) return;
          logger.info({ version: version.version, hash: version.hash }, 'rule set activated by another node');
        },
        (error: unknown) =>
          logger.error(
            { err: error },
            'the rule set activated by another node does not load here; the running one stays',
          ),
      );
    stores.onActivation(follow);
    follow();
  }
  if (!config.admin.token)
    logger.info('no admin.token (SBC_ADMIN_TOKEN) configured: only stored tokens are accepted');

  // The SIP side first: once the admin API answers (/health), the SBC is fully up.
  try {
    await core.start();
  } catch (error) {
    await closeAll();
    if (error instanceof StartupError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      const first = config.sip.listen[0]!;
      throw new ListenError('sip.listen', formatAddress(first.host, first.port), code);
    }
    throw new StartupError('edge', `cannot start the SIP edge (edge): ${String(error)}`);
  }

  const { host, port } = config.admin.listen;
  try {
    await admin.listen({ host, port });
  } catch (error) {
    await closeAll();
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ListenError('admin.listen', formatAddress(host, port), code);
  }
  const scheme = config.admin.tls ? 'https' : 'http';
  logger.info({ url: `${scheme}://${formatAddress(host, port)}`, dataDir }, 'admin API listening');

  return { close: closeAll, ruleSets: admin.ruleSets };
}

/** What /health reports when stores or admission counters are shared with other nodes. */
/** What /health reports on, when there is more than this process: shared stores, rtpengine. */
function components(config: Config, stores: Stores, core: ReturnType<typeof startCore>) {
  const parts = {
    ...(config.store.kind === 'postgres' || config.redis.url ? clusterHealth(config, stores, core) : {}),
    ...(config.media.rtpengine.mode !== 'off' ? { media: () => mediaHealth(core) } : {}),
  };
  return Object.keys(parts).length > 0 ? { components: parts } : {};
}

/** rtpengine's state for /health: calls needing media get 503 while it is not ok. */
function mediaHealth(core: ReturnType<typeof startCore>): { ok: boolean; detail: string } {
  const health = core.media();
  if (!health) return { ok: false, detail: 'rtpengine not started yet' };
  return { ok: health.ok, detail: `${health.message}; ${health.sessions} sessions` };
}

function clusterHealth(
  config: Config,
  stores: Stores,
  core: ReturnType<typeof startCore>,
): Record<string, () => { ok: boolean; detail: string }> {
  return {
    stores: () => {
      const ok = stores.healthy();
      if (config.store.kind !== 'postgres') return { ok, detail: 'SQLite (this node only)' };
      return { ok, detail: ok ? 'PostgreSQL, following changes' : 'PostgreSQL unreachable; reconnecting' };
    },
    admission: () => {
      const status = core.admission();
      return { ok: status.mode !== 'local-share', detail: status.detail };
    },
  };
}

function readTls(files: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  const read = (path: string, key: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new StartupError(
        key,
        `cannot read ${path} (${key}): ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
  };
  return { cert: read(files.cert, 'admin.tls.cert'), key: read(files.key, 'admin.tls.key') };
}

const DEFAULT_RULES = resolve(import.meta.dirname, '../rules/default');

function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
