/**
 * Spawns and supervises a local rtpengine (Debian `rtpengine-daemon`, userspace:
 * `--table=-1`, no kernel module, no privilege). It is restarted with backoff when
 * it dies; while it is down `state` says so (health endpoint, logs) and new calls
 * get `MediaUnavailable` → 503. It is stopped on shutdown by its own PID only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { NgClient } from './ng-client.ts';

export interface RtpengineProcessOptions {
  /** Binary name or path; default `rtpengine`. */
  binary?: string;
  /** Address the ng control port and the RTP ports bind to (loopback by default). */
  host: string;
  ngPort: number;
  portMin: number;
  portMax: number;
  /** `--interface` value; default `host`. `NAME/LOCAL!PUBLIC` advertises a different address. */
  interface?: string;
  /** Where rtpengine sends a JSON datagram per DTMF digit (`--dtmf-log-dest`). */
  dtmfLogDest?: { host: string; port: number };
  /** rtpengine log level (syslog numbers, 6 = info). */
  logLevel?: number;
  extraArgs?: string[];
  /** First restart delay; doubles up to `maxRestartDelayMs`. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** How long start-up may take before it counts as failed. */
  readyTimeoutMs?: number;
}

export type ProcessState = 'stopped' | 'starting' | 'running' | 'restarting';

export interface ProcessHealth {
  state: ProcessState;
  pid?: number;
  restarts: number;
  lastError?: string;
  /** Last lines rtpengine wrote to stderr (kept for diagnosis when it dies). */
  recentLog: string[];
}

export function rtpengineArgs(options: RtpengineProcessOptions): string[] {
  const args = [
    '--config-file=none',
    '--foreground',
    '--log-stderr',
    '--table=-1',
    `--interface=${options.interface ?? options.host}`,
    `--listen-ng=${options.host}:${options.ngPort}`,
    `--port-min=${options.portMin}`,
    `--port-max=${options.portMax}`,
    // Sessions go away at once on delete (the default keeps them 30 s), so counts and ports are exact.
    '--delete-delay=0',
    `--log-level=${options.logLevel ?? 5}`,
  ];
  if (options.dtmfLogDest)
    args.push(`--dtmf-log-dest=${options.dtmfLogDest.host}:${options.dtmfLogDest.port}`);
  return [...args, ...(options.extraArgs ?? [])];
}

export class RtpengineProcess extends EventEmitter {
  private readonly options: RtpengineProcessOptions;
  private readonly logger: Logger | undefined;
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private delay: number;
  private health_: ProcessHealth = { state: 'stopped', restarts: 0, recentLog: [] };

  constructor(options: RtpengineProcessOptions, logger?: Logger) {
    super();
    this.options = options;
    this.logger = logger;
    this.delay = options.restartDelayMs ?? 250;
  }

  get state(): ProcessState {
    return this.health_.state;
  }

  /** The ng control address of this rtpengine. */
  get endpoint(): { host: string; port: number } {
    return { host: this.options.host, port: this.options.ngPort };
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  health(): ProcessHealth {
    return {
      ...this.health_,
      recentLog: [...this.health_.recentLog],
      ...(this.pid ? { pid: this.pid } : {}),
    };
  }

  /** Starts rtpengine and resolves once it answers an ng ping; on failure it rejects and keeps retrying. */
  async start(): Promise<void> {
    this.stopping = false;
    try {
      await this.launch();
    } catch (error) {
      this.scheduleRestart();
      throw error;
    }
  }

  private async launch(): Promise<void> {
    this.health_.state = this.health_.restarts > 0 ? 'restarting' : 'starting';
    const binary = this.options.binary ?? 'rtpengine';
    const child = spawn(binary, rtpengineArgs(this.options), { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let spawnError: Error | undefined;
    child.on('error', (error) => {
      spawnError = error;
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.remember(chunk));
    child.on('exit', (code, signal) => this.onExit(child, code, signal, spawnError));
    try {
      await this.waitReady(child, () => spawnError);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.health_.lastError = message;
      this.logger?.error({ err: message, binary }, 'rtpengine did not start');
      if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
      throw error;
    }
    this.health_.state = 'running';
    this.delay = this.options.restartDelayMs ?? 250;
    this.logger?.info(
      { pid: child.pid, ng: `${this.options.host}:${this.options.ngPort}` },
      'rtpengine running',
    );
    this.emit('up');
  }

  private async waitReady(child: ChildProcess, spawnError: () => Error | undefined): Promise<void> {
    const client = new NgClient({ host: this.options.host, port: this.options.ngPort }, 200);
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 5000);
    try {
      for (;;) {
        const error = spawnError();
        if (error) {
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
          throw new Error(
            missing
              ? `rtpengine binary '${this.options.binary ?? 'rtpengine'}' not found (install the rtpengine-daemon package)`
              : `cannot start rtpengine: ${error.message}`,
          );
        }
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `rtpengine exited during start-up: ${this.health_.recentLog.slice(-3).join(' | ')}`,
          );
        }
        try {
          await client.send('ping');
          return;
        } catch {
          if (Date.now() > deadline) throw new Error('rtpengine did not answer ng ping in time');
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      client.close();
    }
  }

  private remember(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue;
      this.health_.recentLog.push(line);
      if (/\b(ERR|CRIT|ALERT|EMERG)\b/.test(line)) this.logger?.warn({ rtpengine: line }, 'rtpengine error');
    }
    if (this.health_.recentLog.length > 20)
      this.health_.recentLog.splice(0, this.health_.recentLog.length - 20);
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null, spawnError?: Error): void {
    if (child !== this.child) return;
    this.child = undefined;
    if (this.stopping) {
      this.health_.state = 'stopped';
      this.emit('stopped');
      return;
    }
    const cause = spawnError?.message ?? `exit code ${code}${signal ? `, signal ${signal}` : ''}`;
    this.health_.lastError = `rtpengine died (${cause})`;
    this.health_.state = 'restarting';
    this.logger?.error(
      { cause, restartInMs: this.delay },
      'rtpengine died; calls needing media get 503 until it is back',
    );
    this.emit('down', this.health_.lastError);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.stopping || this.restartTimer) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.options.maxRestartDelayMs ?? 10_000);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.health_.restarts += 1;
      this.launch().catch(() => this.scheduleRestart());
    }, wait);
  }

  /** Stops the rtpengine this object started (SIGTERM to its PID, SIGKILL after graceMs). */
  async stop(graceMs = 3000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.health_.state = 'stopped';
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    this.health_.state = 'stopped';
  }
}
