// Entry point of the embedded edge's worker thread: builds the edge from the
// config in workerData and talks to embedded-edge.ts over the message port.
// Logs are pino JSON lines handed to the parent, which writes them to its logger.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import type { EdgeConfig, RunningEdge } from './edge.ts';
import { createEdge } from './edge.ts';

export type ToWorker = { type: 'close' } | { type: 'stats'; id: number };

export type FromWorker =
  | { type: 'ready'; wire: RunningEdge['wire']; sip: RunningEdge['sip'] }
  | { type: 'failed'; message: string }
  | { type: 'log'; line: string }
  | {
      type: 'stats';
      id: number;
      cpu: NodeJS.CpuUsage;
      stack: ReturnType<RunningEdge['stack']['stats']>;
      loopDelay: LoopDelay;
    }
  | { type: 'closed' };

const port = parentPort;
if (port === null) throw new Error('edge-worker.ts must run in a worker thread');
const { config, logLevel } = workerData as { config: EdgeConfig; logLevel: string };

const post = (m: FromWorker): void => port.postMessage(m);
const log = pino(
  { level: logLevel, base: { component: 'edge' } },
  { write: (line: string) => post({ type: 'log', line }) },
);

let edge: RunningEdge | undefined;

/** How late the thread's event loop ran timers since the previous stats call (ms): the edge's own share of latency. */
export interface LoopDelay {
  p99: number;
  max: number;
}
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

function loopDelay(): LoopDelay {
  const d = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
  loop.reset();
  return d;
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'stats' && edge !== undefined) {
    post({
      type: 'stats',
      id: m.id,
      cpu: process.threadCpuUsage(),
      stack: edge.stack.stats(),
      loopDelay: loopDelay(),
    });
  } else if (m.type === 'close') {
    loop.disable();
    const closing = edge?.close() ?? Promise.resolve();
    void closing.finally(() => {
      post({ type: 'closed' });
      port.close();
    });
  }
});

// A stray exception inside the worker must be logged, not end the edge silently.
process.on('uncaughtException', (err) => log.error({ err }, 'uncaught exception in the edge'));

createEdge(config, log).then(
  (e) => {
    edge = e;
    post({ type: 'ready', wire: e.wire, sip: e.sip });
  },
  (err: unknown) => post({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
);
