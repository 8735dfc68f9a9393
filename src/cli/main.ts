/** Entry point of the `sbc` command (started by bin/sbc on the project's Node 24). */
import { CommanderError } from 'commander';
import { EXIT } from './exit-codes.ts';
import { buildProgram } from './program.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // Commander has already printed the message (unknown command, bad flag, help).
  process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
}
