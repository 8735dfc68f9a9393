/**
 * The `sbc` command line. Each subcommand lives in commands/ and registers
 * itself; only commands that work are registered.
 */
import { Command } from 'commander';
import { register as registerCheck } from './commands/check.ts';
import { register as registerFmt } from './commands/fmt.ts';
import { register as registerNumbers } from './commands/numbers.ts';
import { register as registerPreview } from './commands/preview.ts';
import { register as registerRules } from './commands/rules.ts';
import { register as registerRun } from './commands/run.ts';
import { register as registerTest } from './commands/test.ts';
import { VERSION } from './version.ts';

const registrars: ReadonlyArray<(program: Command) => void> = [
  registerRun,
  registerCheck,
  registerFmt,
  registerPreview,
  registerTest,
  registerRules,
  registerNumbers,
];

export function buildProgram(): Command {
  const program = new Command('sbc')
    .description('Programmable session border controller')
    .version(VERSION, '-v, --version')
    // Throw instead of exiting so main() maps every usage error to exit code 2.
    .exitOverride()
    .showSuggestionAfterError(true);
  for (const register of registrars) register(program);
  return program;
}
