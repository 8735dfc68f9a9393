// An embedded edge plus the minimal B2BUA, on loopback with ephemeral ports,
// for the sipp tests. Logs go to a pino logger whose records the test can read.

import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { EdgeConfig, RunningEdge } from '../../../src/edge/edge.ts';
import { createEdge } from '../../../src/edge/edge.ts';
import { type B2bua, startB2bua } from './b2bua.ts';

export interface LogCapture {
  log: Logger;
  records: Array<Record<string, unknown>>;
}

/** A pino logger (level debug) that keeps its records in memory. */
export function captureLog(): LogCapture {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line) records.push(JSON.parse(line));
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, stream), records };
}

export interface EdgeHarness {
  edge: RunningEdge;
  b2bua: B2bua;
  logs: LogCapture;
  sipPort(protocol: 'udp' | 'tcp' | 'tls'): number;
  close(): Promise<void>;
}

export async function startEdgeWithB2bua(
  sip: EdgeConfig['sip'],
  farEnd: (req: { calledNumber: string }) => string,
): Promise<EdgeHarness> {
  const logs = captureLog();
  const edge = await createEdge({ sip, wire: { secret: 'cymru' } }, logs.log);
  let b2bua: B2bua;
  try {
    b2bua = await startB2bua(edge.wire, farEnd);
  } catch (err) {
    await edge.close();
    throw err;
  }
  return {
    edge,
    b2bua,
    logs,
    sipPort: (protocol) => sipPortOf(edge, protocol),
    async close() {
      b2bua.close();
      await edge.close();
    },
  };
}

/** The port of the edge's listener for `protocol`; throws when it has none. */
export function sipPortOf(edge: RunningEdge, protocol: 'udp' | 'tcp' | 'tls'): number {
  const l = edge.sip.find((s) => s.protocol === protocol);
  if (l === undefined) throw new Error(`no ${protocol} listener`);
  return l.port;
}
