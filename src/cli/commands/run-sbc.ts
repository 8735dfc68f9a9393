/** What `sbc run` does (commands/run.ts registers it): load the config, start the SBC, wait for a signal. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { watchRules } from '../../admin/watch-rules.ts';
import { type Config, ConfigError, LOG_LEVELS, loadConfig, printableConfig } from '../../config/index.ts';
import { createLogger, type Logger } from '../../log/logger.ts';
import { type RunningSbc, StartupError, startSbc } from '../../sbc.ts';
import { EXIT } from '../exit-codes.ts';
import { VERSION } from '../version.ts';
import type { RunOptions } from './run.ts';

/** A clean shutdown must finish within this; supervisors (systemd, k8s) wait little longer. */
const SHUTDOWN_DEADLINE_MS = 1800;

export async function runSbc(options: RunOptions): Promise<number> {
  if (options.logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(options.logLevel)) {
    process.stderr.write(`sbc: --log-level must be one of ${LOG_LEVELS.join(', ')}\n`);
    return EXIT.usage;
  }
  let config: Config;
  try {
    config = loadConfig(options.config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  if (options.watch !== undefined && !isDirectory(options.watch)) {
    process.stderr.write(`sbc: --watch: ${options.watch} is not a directory\n`);
    return EXIT.usage;
  }
  if (options.printConfig) {
    process.stdout.write(printableConfig(config));
    return EXIT.ok;
  }

  const logger = createLogger({ level: options.logLevel ?? config.log.level, format: config.log.format });
  let sbc: RunningSbc;
  try {
    sbc = await startSbc(config, logger, VERSION);
  } catch (error) {
    // A listener that cannot bind, a data directory or TLS file that cannot be read: one line, exit 1.
    if (!(error instanceof StartupError)) throw error;
    logger.flush();
    process.stderr.write(`sbc: ${error.message}\n`);
    return EXIT.failure;
  }
  if (options.watch !== undefined) {
    const watcher = watchRules(resolve(options.watch), sbc.ruleSets, logger);
    const running = sbc;
    sbc = { ...running, close: () => (watcher.close(), running.close()) };
  }
  logger.info({ version: VERSION, config: options.config ?? '(defaults)' }, 'SBC started');
  return waitForShutdown(sbc, logger);
}

function waitForShutdown(sbc: RunningSbc, logger: Logger): Promise<number> {
  return new Promise((resolve) => {
    const stop = async (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      // A stuck close must not keep the process alive past the deadline.
      const deadline = setTimeout(() => {
        logger.warn('shutdown deadline reached; exiting with connections still open');
        logger.flush();
        process.exit(EXIT.ok);
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      await sbc.close();
      clearTimeout(deadline);
      logger.info('stopped');
      logger.flush();
      resolve(EXIT.ok);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
