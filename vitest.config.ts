import { defineConfig } from 'vitest/config';

// isolated-vm needs --no-node-snapshot, which only a forked child process can
// be given, so tests run in forks (vitest's `execArgv`).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    allowOnly: false,
  },
});
