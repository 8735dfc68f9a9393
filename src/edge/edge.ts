// Builds the whole embedded edge in the current thread: SIP transports, the
// SIP stack and the wire server apps connect to. `startEmbeddedEdge`
// (embedded-edge.ts) runs this in a worker thread; tests may run it inline.

import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { SipLimits } from './sip/index.ts';
import { DEFAULT_LIMITS } from './sip/index.ts';
import type { RateLimit } from './stack/guards.ts';
import { SipStack } from './stack/stack.ts';
import { timerValues } from './transaction/index.ts';
import { TransportRegistry } from './transport/registry.ts';
import type { StreamLimits, TlsFiles } from './transport/stream.ts';
import { StreamTransport } from './transport/stream.ts';
import type { Protocol, Transport } from './transport/types.ts';
import { UdpTransport } from './transport/udp.ts';
import { WireServer } from './wire/server.ts';

export interface SipListen {
  protocol: Protocol;
  /** IPv4 or IPv6 address to bind (e.g. 127.0.0.1, ::1, 0.0.0.0). */
  host: string;
  /** 0 or absent: an ephemeral port. */
  port?: number;
  /** Public address written in Via/Contact and announced to apps (behind NAT). */
  externalHost?: string;
}

export interface TlsConfig {
  /** PEM text, or a path in certFile/keyFile/caFile. */
  cert?: string;
  key?: string;
  ca?: string;
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  /** Verify peers' certificates on outgoing TLS connections (default true). */
  rejectUnauthorized?: boolean;
}

export interface EdgeConfig {
  sip: {
    listen: SipListen[];
    tls?: TlsConfig;
    /** RFC 3261 T1 in ms (default 500). */
    t1Ms?: number;
    /** Message limits; maxMessageBytes is also the cap for one message on TCP/TLS (default 64 KiB). */
    limits?: Partial<SipLimits>;
    stream?: Partial<StreamLimits>;
    /** New requests per second per source address (default 200/s, burst 400). */
    rateLimit?: RateLimit;
    /** Forget a new request no app answered at all after this long (default 64 s, as drachtio). */
    appSilenceMs?: number;
  };
  wire: {
    /** Default 127.0.0.1: apps run on the same host. */
    host?: string;
    /** Default 0 (ephemeral); drachtio's is 9022. */
    port?: number;
    secret: string;
  };
  /** Send cdr:* events to apps that route them. */
  cdrs?: boolean;
}

export interface EdgeAddresses {
  wire: { host: string; port: number; secret: string };
  sip: Array<{ protocol: Protocol; host: string; port: number }>;
}

export interface RunningEdge extends EdgeAddresses {
  stack: SipStack;
  /** TCP/TLS connections open now, and opened by the edge toward peers so far. */
  connections(): { open: number; opened: number };
  close(): Promise<void>;
}

function tlsFiles(cfg: TlsConfig | undefined): TlsFiles | undefined {
  if (cfg === undefined) return undefined;
  const cert = cfg.cert ?? (cfg.certFile ? readFileSync(cfg.certFile, 'utf8') : undefined);
  const key = cfg.key ?? (cfg.keyFile ? readFileSync(cfg.keyFile, 'utf8') : undefined);
  if (cert === undefined || key === undefined)
    throw new Error('sip.tls needs cert and key (PEM text or file)');
  const ca = cfg.ca ?? (cfg.caFile ? readFileSync(cfg.caFile, 'utf8') : undefined);
  return { cert, key, ca, rejectUnauthorized: cfg.rejectUnauthorized };
}

export async function createEdge(config: EdgeConfig, log: Logger): Promise<RunningEdge> {
  if (config.sip.listen.length === 0)
    throw new Error('sip.listen: at least one SIP listen address is needed');
  const limits = { ...DEFAULT_LIMITS, ...config.sip.limits };
  const stack = new SipStack({
    log,
    timers: timerValues(config.sip.t1Ms),
    cdrs: config.cdrs ?? false,
    rateLimit: config.sip.rateLimit,
    appSilenceMs: config.sip.appSilenceMs,
  });
  const tls = tlsFiles(config.sip.tls);
  const transports: Transport[] = [];
  const onDrop = (remote: { host: string; port: number }, reason: string): void =>
    log.warn({ source: `${remote.host}:${remote.port}`, reason }, 'closed a SIP connection');
  try {
    for (const l of config.sip.listen) {
      if (!['udp', 'tcp', 'tls'].includes(l.protocol))
        throw new Error(`sip.listen: unsupported protocol ${String(l.protocol)} (udp, tcp or tls)`);
      const common = { host: l.host, port: l.port ?? 0, externalHost: l.externalHost, limits, sink: stack };
      transports.push(
        l.protocol === 'udp'
          ? await UdpTransport.listen(common)
          : await StreamTransport.listen({
              ...common,
              protocol: l.protocol,
              tls,
              streamLimits: config.sip.stream,
              onDrop,
            }),
      );
    }
  } catch (err) {
    await Promise.all(transports.map((t) => t.close()));
    throw err;
  }
  stack.useTransports(new TransportRegistry(transports));
  const wire = new WireServer({
    sipSide: stack,
    secret: config.wire.secret,
    host: config.wire.host ?? '127.0.0.1',
    port: config.wire.port ?? 0,
    cdrs: config.cdrs ?? false,
    log,
  });
  let wireAddr: { host: string; port: number };
  try {
    wireAddr = await wire.listen();
  } catch (err) {
    await Promise.all(transports.map((t) => t.close()));
    throw err;
  }
  log.info(
    { wire: wireAddr, sip: transports.map((t) => `${t.protocol}/${t.local.host}:${t.local.port}`) },
    'embedded edge listening',
  );
  return {
    wire: { ...wireAddr, secret: config.wire.secret },
    sip: transports.map((t) => ({ protocol: t.protocol, host: t.local.host, port: t.local.port })),
    stack,
    connections() {
      const streams = transports.filter((t): t is StreamTransport => t instanceof StreamTransport);
      return {
        open: streams.reduce((n, t) => n + t.connectionCount, 0),
        opened: streams.reduce((n, t) => n + t.opened, 0),
      };
    },
    async close() {
      await wire.close();
      stack.close();
      await Promise.all(transports.map((t) => t.close()));
    },
  };
}
