/**
 * The core as `sbc run` starts it: rule-set versions, the signaling core, the
 * CDR file, and the edge it talks to — the embedded edge on its own thread
 * (default) or an operator's drachtio-server (`edge.mode: external`).
 */
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.ts';
import { type EmbeddedEdge, startEmbeddedEdge } from '../edge/embedded-edge.ts';
import type { TableSource } from '../runtime/index.ts';
import { type MediaHealth, MediaService } from '../media/index.ts';
import { RedisCounters } from '../cluster/redis-counters.ts';
import type { CountersStatus } from './admission/counters.ts';
import { RtpengineBridge } from './call/rtpengine-bridge.ts';
import { NO_CDRS, RotatingCdrFile } from './cdr.ts';
import { RuleVersions } from './rule-versions.ts';
import { SignalingCore } from './signaling-core.ts';

export interface StartedCore {
  versions: RuleVersions;
  core: SignalingCore;
  /** Where admission counts are kept now (shared through Redis, or this node's share). */
  admission(): CountersStatus;
  /** rtpengine as the media layer sees it; undefined when media is off or not started yet. */
  media(): MediaHealth | undefined;
  /** Starts the edge (embedded) and connects the core to it. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function startCore(
  config: Config,
  logger: Logger,
  deps: { tables: TableSource; registry: Registry; dataDir: string },
): StartedCore {
  const c = config.core;
  const versions = new RuleVersions({
    logger,
    tables: deps.tables,
    peerState: (peer) => core.keepalive.state(peer),
    // Called only after `core` exists: activation happens once the SBC is wired.
    onActivated: (v) => core.versionActivated(v),
  });
  const cdr = c.cdr.enabled
    ? new RotatingCdrFile(c.cdr.file ? resolve(c.cdr.file) : join(deps.dataDir, 'cdr', 'calls.jsonl'), {
        maxBytes: Math.round(c.cdr.maxSizeMb * 1024 * 1024),
        keep: c.cdr.keep,
      })
    : NO_CDRS;
  // Several nodes: admission counted in Redis, so limits per trunk and tenant hold across them.
  const counters = config.redis.url
    ? new RedisCounters({
        ...config.redis,
        url: config.redis.url,
        nodeName: config.cluster.nodeId,
        expectedNodes: config.cluster.expectedNodes,
        logger: logger.child({ component: 'admission' }),
        registry: deps.registry,
      })
    : undefined;
  const core: SignalingCore = new SignalingCore({
    ...(counters ? { counters } : {}),
    versions,
    registry: deps.registry,
    logger,
    settings: {
      ringingAs183: c.ringingAs183,
      sessionExpires: c.sessionTimer.expires,
      minSe: c.sessionTimer.minSe,
      tenants: c.tenants,
      listenPorts: listenPorts(config.sip.listen),
    },
    flood: { perSecond: c.flood.perSourceCps, action: c.flood.action },
    cdr,
    ...(c.defaultTrunk !== undefined ? { defaultTrunk: c.defaultTrunk } : {}),
  });
  const started = core;
  let edge: EmbeddedEdge | undefined;
  let media: MediaService | undefined;
  return {
    versions,
    core: started,
    admission: () => counters?.status() ?? { mode: 'memory', detail: 'counted in this node' },
    media: () => media?.health(),
    async start() {
      await counters?.start();
      if (config.media.rtpengine.mode !== 'off') {
        // Never fails for a missing rtpengine: calls needing media get 503 until one is up.
        media = await MediaService.start(config.media, logger.child({ component: 'media' }));
        started.setMedia(
          new RtpengineBridge(media, { trunks: config.media.trunks, bypass: config.media.bypass }),
        );
      }
      if (config.edge.mode === 'external') {
        await started.start({ host: config.edge.host, port: config.edge.port, secret: config.edge.secret });
        logger.info({ host: config.edge.host, port: config.edge.port }, 'connected to drachtio-server');
        return;
      }
      const perSecond = Math.max(1000, 2 * c.flood.perSourceCps);
      edge = await startEmbeddedEdge({
        config: {
          sip: {
            listen: config.sip.listen.map((l) => ({ protocol: l.transport, host: l.host, port: l.port })),
            rateLimit: { perSecond, burst: 2 * perSecond },
            t1Ms: config.sip.t1Ms,
            ...(config.sip.tls
              ? {
                  tls: {
                    certFile: config.sip.tls.cert,
                    keyFile: config.sip.tls.key,
                    ...(config.sip.tls.ca ? { caFile: config.sip.tls.ca } : {}),
                  },
                }
              : {}),
          },
          wire: { host: '127.0.0.1', port: 0, secret: config.edge.secret },
        },
        log: logger.child({ component: 'edge' }),
      });
      await started.start(edge.wire);
      logger.info(
        { sip: edge.sip.map((s) => `${s.protocol}/${s.host}:${s.port}`) },
        'SIP edge listening (embedded)',
      );
    },
    async close() {
      await started.close();
      await counters?.close();
      await media?.close();
      versions.close();
      await edge?.close();
    },
  };
}

/** The first listening port of each transport (the port of a Contact whose host a rule set). */
function listenPorts(listen: { transport: 'udp' | 'tcp' | 'tls'; port: number }[]) {
  const ports: Partial<Record<'udp' | 'tcp' | 'tls', number>> = {};
  for (const l of listen) ports[l.transport] ??= l.port;
  return ports;
}
