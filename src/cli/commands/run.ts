/**
 * `sbc run`: start the SBC and keep it running until SIGINT/SIGTERM. Only the command's options live
 * here; the SBC itself (run-sbc.ts) is loaded when the command runs, so the other commands start
 * without loading it (about 0.55 s of module loading on the development machine).
 */
import type { Command } from 'commander';
import { LOG_LEVELS } from '../../log/levels.ts';

export interface RunOptions {
  config?: string;
  printConfig?: boolean;
  logLevel?: string;
  watch?: string;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('start the SBC (embedded defaults when no --config is given)')
    .option('-c, --config <file>', 'YAML config file (see docs/config.md)')
    .option('--print-config', 'print the effective config, secrets masked, and exit')
    .option('--log-level <level>', `override log.level (${LOG_LEVELS.join(', ')})`)
    .option('--watch <dir>', 'reload the rule files in DIR on every save (docs/admin-api.md)')
    .action(async (options: RunOptions) => {
      const { runSbc } = await import('./run-sbc.ts');
      process.exitCode = await runSbc(options);
    });
}
