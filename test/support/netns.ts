/**
 * Runs a Node 24 script inside a network namespace of its own: `unshare -n`, then loopback up.
 * For tests whose traffic names hosts anywhere (fuzzed SIP with foreign Via, Contact and
 * request-URI hosts the SBC will try to resolve and answer): nothing they send can leave the
 * machine, and every port in the namespace is free. The script reports one JSON object as the
 * last line of its stdout. The run is bounded: on timeout its whole process group (the script and
 * whatever it started, e.g. `sbc run`) is killed by the group's id, which this helper created.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { requireTool } from './system-tools.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** The project's Node 24 (the npm package `node`), as bin/sbc uses it. */
export const PROJECT_NODE = resolve(ROOT, 'node_modules/node/bin/node');

export interface NetnsRun<T> {
  /** Exit code, or the signal name when it was killed. */
  code: number | string;
  /** The last stdout line parsed as JSON, when it is JSON. */
  result: T | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface NetnsOptions {
  /** Kill the run (process group) after this long. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs `node --no-node-snapshot SCRIPT ARGS…` in a fresh network namespace with only loopback. */
export function runNodeInNetns<T>(
  script: string,
  args: string[],
  options: NetnsOptions,
): Promise<NetnsRun<T>> {
  const unshare = requireTool('unshare');
  requireTool('ip');
  const child = spawn(
    unshare,
    [
      '-n',
      'sh',
      '-c',
      'ip link set lo up && exec "$0" --no-node-snapshot "$@"',
      PROJECT_NODE,
      script,
      ...args,
    ],
    { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 400_000) stderr = stderr.slice(-200_000);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, options.timeoutMs);
  return new Promise((resolveRun) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Anything the script left behind in its group goes with it.
      killGroup(child.pid);
      const last = stdout.trimEnd().split('\n').at(-1) ?? '';
      let result: T | undefined;
      try {
        result = JSON.parse(last) as T;
      } catch {
        result = undefined;
      }
      resolveRun({ code: code ?? signal ?? 'unknown', result, stdout, stderr, timedOut });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
