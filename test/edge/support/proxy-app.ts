// A drachtio-srf app that proxies every INVITE with `req.proxy()` (srf's
// proxyRequest), on an embedded edge, for the proxy tests: what srf reports
// back for each call is kept so tests can compare it with what the peers saw.

import Srf from 'drachtio-srf';
import type { EdgeConfig } from '../../../src/edge/edge.ts';
import { createEdge } from '../../../src/edge/edge.ts';
import { captureLog, type EdgeHarness, sipPortOf } from './edge-harness.ts';

export interface ProxyOptions {
  destination: string | string[];
  remainInDialog?: boolean;
  forking?: 'serial' | 'simultaneous';
  provisionalTimeout?: string;
  finalTimeout?: string;
  followRedirects?: boolean;
  headers?: Record<string, string>;
}

/** What srf's proxy promise gave for one request. */
export interface ProxyOutcome {
  connected?: boolean;
  finalStatus?: number;
  /** Status of every final response srf was told about, in order. */
  statuses: number[];
  error?: string;
}

type SrfReq = { method: string; proxy(o: ProxyOptions): Promise<ProxyReply> };
type ProxyReply = {
  connected: boolean;
  finalStatus?: number;
  responses: Array<{ msgs: Array<{ status: number }> }>;
};
type SrfApp = {
  use(method: string, fn: (req: SrfReq, res: unknown, next: () => void) => void): void;
  invite(fn: (req: SrfReq) => void): void;
  options(fn: (req: SrfReq) => void): void;
  on(evt: string, fn: (...args: unknown[]) => void): void;
  connect(o: object): void;
  disconnect(): void;
};

export interface ProxyHarness extends Omit<EdgeHarness, 'b2bua'> {
  outcomes: ProxyOutcome[];
  /** CDR events as `<kind> <source> [role|reason]`, when started with `cdrs`. */
  cdrs: string[];
  /** Resolves once `n` proxy operations have finished. */
  settled(n: number): Promise<ProxyOutcome[]>;
}

export async function startEdgeWithProxy(
  sip: EdgeConfig['sip'],
  options: (req: SrfReq) => ProxyOptions,
  o: { cdrs?: boolean } = {},
): Promise<ProxyHarness> {
  const logs = captureLog();
  const edge = await createEdge({ sip, wire: { secret: 'cymru' }, cdrs: o.cdrs ?? false }, logs.log);
  const srf = new Srf() as unknown as SrfApp;
  const outcomes: ProxyOutcome[] = [];
  const waiters: Array<() => void> = [];
  const record = (o: ProxyOutcome): void => {
    outcomes.push(o);
    for (const w of waiters.splice(0)) w();
  };
  const proxy = (req: SrfReq): void => {
    req
      .proxy(options(req))
      .then((r) =>
        record({
          connected: r.connected,
          finalStatus: r.finalStatus,
          statuses: r.responses.flatMap((x) => x.msgs.map((m) => m.status)),
        }),
      )
      .catch((err: unknown) => record({ statuses: [], error: String(err) }));
  };
  srf.invite(proxy);
  srf.options(proxy);
  const cdrs: string[] = [];
  if (o.cdrs) {
    srf.on('cdr:attempt', (source) => cdrs.push(`attempt ${String(source)}`));
    srf.on('cdr:start', (source, _time, role) => cdrs.push(`start ${String(source)} ${String(role)}`));
    srf.on('cdr:stop', (source, _time, reason) => cdrs.push(`stop ${String(source)} ${String(reason)}`));
  }
  try {
    await new Promise<void>((resolve, reject) => {
      srf.on('connect', (err) => (err ? reject(err) : resolve()));
      srf.on('error', () => {});
      srf.connect({
        host: edge.wire.host,
        port: edge.wire.port,
        secret: edge.wire.secret,
        reconnect: { maxAttempts: 1 },
      });
    });
  } catch (err) {
    await edge.close();
    throw err;
  }
  // srf sends its `route` messages right after authenticating without waiting for replies.
  await new Promise((r) => setTimeout(r, 50));
  return {
    edge,
    logs,
    outcomes,
    cdrs,
    sipPort: (protocol) => sipPortOf(edge, protocol),
    async settled(n) {
      const deadline = Date.now() + 20_000;
      while (outcomes.length < n && Date.now() < deadline)
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      return outcomes;
    },
    async close() {
      try {
        srf.disconnect();
      } catch {
        // the edge already closed the connection
      }
      await edge.close();
    },
  };
}
