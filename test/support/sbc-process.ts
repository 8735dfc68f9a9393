/**
 * Runs the real `sbc` command (bin/sbc → Node 24 → src/cli/main.ts) as a child
 * process, the way an operator starts it, and collects what it prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SBC_BIN = resolve(ROOT, 'bin/sbc');

export interface SbcProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout+stderr match, rejects on exit or after timeoutMs. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Kills it if still running; for test teardown. */
  kill(): void;
}

export function spawnSbc(args: string[], env: NodeJS.ProcessEnv = {}): SbcProcess {
  const child = spawn(SBC_BIN, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    for (const listener of listeners) listener();
  });
  const exited = new Promise<number | string>((resolveExit) => {
    child.on('exit', (code, signal) => resolveExit(code ?? signal ?? 'unknown'));
  });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolveWait, rejectWait) => {
        const check = () => {
          const match = pattern.exec(out + err);
          if (match) {
            done();
            resolveWait(match[0]);
          }
        };
        const timer = setTimeout(() => {
          done();
          rejectWait(new Error(`timed out waiting for ${pattern}; output so far:\n${out}${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then((code) => {
          if (!listeners.has(check)) return;
          done();
          rejectWait(new Error(`sbc exited (${code}) before ${pattern}; output:\n${out}${err}`));
        });
        check();
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Runs `sbc ARGS` to completion and returns its exit code and output. */
export async function runSbc(args: string[], env: NodeJS.ProcessEnv = {}) {
  const proc = spawnSbc(args, env);
  const code = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}
