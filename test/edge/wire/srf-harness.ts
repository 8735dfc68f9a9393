// Runs a real drachtio-srf `Srf` against the wire server on 127.0.0.1 (ephemeral
// port), with a FakeSipSide standing in for the SIP layer. Also taps srf's socket
// so tests can compare the exact frames on the wire with the captured ones.

import type { Socket } from 'node:net';
import Srf from 'drachtio-srf';
import { FrameReader } from '../../../src/edge/wire/framing.ts';
import { WireServer, type WireServerOptions } from '../../../src/edge/wire/server.ts';
import { FakeSipSide } from './fake-sip-side.ts';

export const SECRET = 'cymru';

export interface Harness {
  server: WireServer;
  sip: FakeSipSide;
  port: number;
  /** Disconnects every app started with connectApp, then stops the server. */
  close(): Promise<void>;
  apps: Srf[];
}

export async function startHarness(opts: Partial<WireServerOptions> = {}): Promise<Harness> {
  const sip = new FakeSipSide();
  const server = new WireServer({ sipSide: sip, secret: SECRET, ...opts });
  const { port } = await server.listen();
  const apps: Srf[] = [];
  return {
    server,
    sip,
    port,
    apps,
    async close() {
      for (const srf of apps) {
        try {
          srf.disconnect();
        } catch {
          // already gone (e.g. refused by the server)
        }
      }
      await server.close();
    },
  };
}

export interface ConnectedApp {
  srf: Srf;
  err: Error | null;
  hostport: string | undefined;
  serverVersion: string | undefined;
  localHostports: string | undefined;
  /** Frames srf wrote, exactly as on the wire (`<len>#<payload>`). */
  sent: string[];
  /** Payloads srf received. */
  received: string[];
  /** srf's connection events in order (`connect`, `close`, ...). */
  events: string[];
}

export interface ConnectOptions {
  secret?: string;
  tags?: string[];
  enablePing?: boolean;
  pingInterval?: number;
}

/** Connects a new Srf and resolves on its `connect` event (success or failure). */
export function connectApp(h: Harness, opts: ConnectOptions = {}): Promise<ConnectedApp> {
  const srf = opts.tags ? new Srf(opts.tags) : new Srf();
  h.apps.push(srf);
  const app: ConnectedApp = {
    srf,
    err: null,
    hostport: undefined,
    serverVersion: undefined,
    localHostports: undefined,
    sent: [],
    received: [],
    events: [],
  };
  const emitter = srf as unknown as { on(evt: string, fn: () => void): void };
  for (const evt of ['close', 'error', 'reconnecting']) emitter.on(evt, () => app.events.push(evt));
  const connectOpts = {
    host: '127.0.0.1',
    port: h.port,
    secret: opts.secret ?? SECRET,
    // One attempt only: a refused app must not keep reconnecting during the test.
    reconnect: { maxAttempts: 1 },
    enablePing: opts.enablePing,
    pingInterval: opts.pingInterval,
  };
  return new Promise((resolve) => {
    srf.on(
      'connect',
      (err: Error | null, hostport?: string, serverVersion?: string, localHostports?: string) => {
        Object.assign(app, { err, hostport, serverVersion, localHostports });
        app.events.push('connect');
        resolve(app);
      },
    );
    (srf.connect as (o: object) => void)(connectOpts);
    tapSocket(srf, app);
  });
}

/** srf's socket to the server (its agent keeps one per connection). */
export function srfSocket(srf: Srf): Socket | undefined {
  const agent = (srf as unknown as { app: { client: { mapServer: Map<Socket, unknown> } } }).app.client;
  return agent.mapServer.keys().next().value;
}

function tapSocket(srf: Srf, app: ConnectedApp): void {
  // The socket exists once the agent has opened it; it is registered on 'connect'.
  const tryTap = (): void => {
    const socket = srfSocket(srf);
    if (!socket) {
      setImmediate(tryTap);
      return;
    }
    const write = socket.write.bind(socket) as (chunk: string, cb?: () => void) => boolean;
    (socket as unknown as { write: typeof write }).write = (chunk: string, cb?: () => void) => {
      app.sent.push(String(chunk));
      return write(chunk, cb);
    };
    const reader = new FrameReader(9);
    socket.prependListener('data', (chunk: Buffer) => {
      app.received.push(...reader.push(chunk).frames);
    });
  };
  tryTap();
}

/** Polls until `cond` holds (for state that changes on the server after a frame arrives). */
export async function waitFor(cond: () => boolean, what = 'condition', timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits until some app connection routed all `verbs`. */
export function waitForRoutes(h: Harness, verbs: string[], count = 1): Promise<void> {
  return waitFor(
    () => h.server.connections().filter((c) => verbs.every((v) => c.verbs.includes(v))).length >= count,
    `routes ${verbs.join(',')}`,
  );
}

/** The next frame written by srf whose payload matches, waiting for it to appear. */
export async function nextSent(app: ConnectedApp, match: (frame: string) => boolean): Promise<string> {
  await waitFor(() => app.sent.some(match), 'frame from srf');
  return app.sent.find(match)!;
}
