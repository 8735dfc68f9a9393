/** Entry point of the `sbc` command (started by bin/sbc on the project's Node 24). */
import { enableCompileCache } from 'node:module';

// Node keeps the compiled code of the CLI's modules (and the type-stripped TypeScript) in a cache
// under the temp directory, keyed by content and Node version: a second `sbc check` or `sbc rules`
// starts in about two thirds of the time. It must be on before the modules load, hence the
// dynamic imports below. A cache that cannot be written is simply not used.
enableCompileCache();

const { CommanderError } = await import('commander');
const { EXIT } = await import('./exit-codes.ts');
const { buildProgram } = await import('./program.ts');

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // Commander has already printed the message (unknown command, bad flag, help).
  process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
}
