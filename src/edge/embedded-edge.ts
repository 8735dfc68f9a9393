// Starts the embedded edge on its own thread. The edge (SIP transports,
// transactions, dialogs, wire server) must not share an event loop with the
// signaling core (DESIGN.md "Where the time goes"): the wire protocol's
// loopback TCP port is the seam, exactly as with an external drachtio-server.

import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { EdgeConfig, EdgeAddresses } from './edge.ts';
import type { FromWorker, LoopDelay, ToWorker } from './edge-worker.ts';

export type { EdgeConfig } from './edge.ts';

export interface EmbeddedEdgeOptions {
  config: EdgeConfig;
  /** Receives the edge's log records (rejected messages, dropped connections...). */
  log?: Logger;
  /** Level inside the worker (default: the logger's level, else 'info'). */
  logLevel?: string;
  /** How long to wait for the edge to listen (default 10 s). */
  startTimeoutMs?: number;
}

export interface EdgeStats {
  /** CPU time used by the edge's thread so far, µs. */
  cpu: { user: number; system: number };
  stack: {
    serverTransactions: number;
    clientTransactions: number;
    appTransactions: number;
    dialogs: number;
    proxiedDialogs: number;
    rejected: number;
  };
  /** Event-loop delay of the edge's thread since the previous call (ms). */
  loopDelay: LoopDelay;
}

export interface EmbeddedEdge extends EdgeAddresses {
  stats(): Promise<EdgeStats>;
  /** Stops listening, drops apps and connections, ends the thread. */
  close(): Promise<void>;
}

const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

function relay(log: Logger | undefined, line: string): void {
  if (log === undefined) return;
  try {
    const {
      level,
      time: _t,
      pid: _p,
      hostname: _h,
      msg,
      ...fields
    } = JSON.parse(line) as Record<string, unknown>;
    const method = LEVELS[level as number] ?? 'info';
    log[method](fields, typeof msg === 'string' ? msg : '');
  } catch {
    log.info(line);
  }
}

export function startEmbeddedEdge(options: EmbeddedEdgeOptions): Promise<EmbeddedEdge> {
  const logLevel = options.logLevel ?? options.log?.level ?? 'info';
  const worker = new Worker(new URL('./edge-worker.ts', import.meta.url), {
    workerData: { config: options.config, logLevel },
    // Every SIP message makes short-lived strings and buffers: a larger young
    // generation means fewer scavenges per call.
    resourceLimits: { maxYoungGenerationSizeMb: 64 },
  });
  let nextStats = 1;
  const statsWaiters = new Map<number, (s: EdgeStats) => void>();
  let closed: (() => void) | undefined;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error('embedded edge did not start in time'));
    }, options.startTimeoutMs ?? 10_000);
    worker.on('error', (err) => {
      clearTimeout(timer);
      options.log?.error({ err }, 'embedded edge thread failed');
      reject(err);
    });
    worker.on('exit', () => closed?.());
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'log':
          relay(options.log, m.line);
          return;
        case 'failed':
          clearTimeout(timer);
          void worker.terminate();
          reject(new Error(`embedded edge failed to start: ${m.message}`));
          return;
        case 'stats':
          statsWaiters.get(m.id)?.({ cpu: m.cpu, stack: m.stack, loopDelay: m.loopDelay });
          statsWaiters.delete(m.id);
          return;
        case 'closed':
          return;
        case 'ready':
          clearTimeout(timer);
          resolve({
            wire: m.wire,
            sip: m.sip,
            stats: () =>
              new Promise((res) => {
                const id = nextStats++;
                statsWaiters.set(id, res);
                worker.postMessage({ type: 'stats', id } satisfies ToWorker);
              }),
            close: () =>
              new Promise<void>((res) => {
                closed = res;
                worker.postMessage({ type: 'close' } satisfies ToWorker);
                // A wedged worker is ended after a grace period.
                setTimeout(() => void worker.terminate(), 5000).unref();
              }),
          });
      }
    });
  });
}
