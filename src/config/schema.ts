/**
 * The SBC's configuration: one YAML file, validated by this schema, which also
 * carries every default. `sbc run` with no file gets `parseConfig({})`, so the
 * defaults alone must give a working SBC on a fresh machine (loopback only).
 * docs/config.md documents every key here; keep the two in step.
 */
import { z } from 'zod';
import { LOG_LEVELS } from '../log/levels.ts';

const PORT_MESSAGE = 'expected a number 1–65535';

const port = (fallback: number) =>
  z
    .number({ error: PORT_MESSAGE })
    .int({ error: PORT_MESSAGE })
    .min(1, { error: PORT_MESSAGE })
    .max(65535, { error: PORT_MESSAGE })
    .default(fallback);

const host = (fallback: string) =>
  z.string({ error: 'expected a host name or IP address' }).min(1).default(fallback);

export { LOG_LEVELS };

const logSchema = z.strictObject({
  /** Minimum level written; `--log-level` overrides it. */
  level: z.enum(LOG_LEVELS).default('info'),
  /** `auto`: pretty on a terminal, JSON lines otherwise (what log shippers want). */
  format: z.enum(['auto', 'json', 'pretty']).default('auto'),
});

const listenAddress = z.strictObject({
  transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
  host: host('127.0.0.1'),
  port: port(5060),
});

const sipSchema = z.strictObject({
  /** Where the embedded SIP edge listens; several addresses are allowed. */
  listen: z
    .array(listenAddress)
    .min(1, { error: 'at least one listen address is needed' })
    .prefault([
      { transport: 'udp', host: '127.0.0.1', port: 5060 },
      { transport: 'tcp', host: '127.0.0.1', port: 5060 },
    ]),
  /** Certificate and key (PEM files) for `tls` listen addresses. */
  tls: z
    .strictObject({
      cert: z.string().min(1),
      key: z.string().min(1),
      /** CA bundle that peers' client certificates must chain to (for trunk classification by name). */
      ca: z.string().min(1).optional(),
    })
    .optional(),
  /** RFC 3261 T1, the round-trip estimate all SIP timers derive from (§17.1.1.1). */
  t1Ms: z.number().int().min(100).max(10_000).default(500),
});

const edgeSchema = z.strictObject({
  /**
   * `embedded`: the SBC's own SIP edge (default). `external`: a drachtio-server
   * the operator runs, reached over its TCP wire protocol at host:port.
   */
  mode: z.enum(['embedded', 'external']).default('embedded'),
  host: host('127.0.0.1'),
  port: port(9022),
  /** Shared secret of the drachtio wire protocol. Secret: env SBC_EDGE_SECRET. */
  secret: z.string().min(1).default('cymru'),
});

const adminSchema = z.strictObject({
  listen: z
    .strictObject({
      /** Loopback by default: the admin API is never exposed unless asked. */
      host: host('127.0.0.1'),
      port: port(8080),
    })
    .prefault({}),
  /** Bearer token for the admin API. Secret: env SBC_ADMIN_TOKEN. */
  token: z.string().min(16, { error: 'expected at least 16 characters' }).optional(),
  /** PEM files; when set, the admin listener speaks HTTPS only. */
  tls: z
    .strictObject({
      cert: z.string({ error: 'expected the path of a PEM certificate file' }).min(1),
      key: z.string({ error: 'expected the path of a PEM private key file' }).min(1),
    })
    .optional(),
});

const dataSchema = z.strictObject({
  /** Durable state (the SQLite database of rule versions, provisioning, tokens); relative to the working directory. */
  dir: z.string({ error: 'expected a directory path' }).min(1).default('.data'),
});

/** Where the durable state lives (docs/stores.md). */
const storeSchema = z
  .strictObject({
    /** `sqlite`: one file in `data.dir` (one node, the default). `postgres`: one database several nodes share. */
    kind: z.enum(['sqlite', 'postgres']).default('sqlite'),
    /** postgres: connection URL. Secret (it may carry a password): env SBC_STORE_URL. */
    url: z.string().min(1).optional(),
    /** postgres: query connections per node (each node opens one more for notifications). */
    poolSize: z.number().int().min(2).max(100).default(10),
  })
  .refine((s) => s.kind !== 'postgres' || s.url !== undefined, {
    error: 'store.kind postgres needs store.url (or env SBC_STORE_URL)',
    path: ['url'],
  });

/** Several SBC nodes sharing stores and admission counters (docs/operations.md, "Running several nodes"). */
const clusterSchema = z.strictObject({
  /** This node's name in logs, /health and Redis; empty: the host name. */
  nodeId: z.string().default(''),
  /** Nodes sharing the limits: without Redis each node admits limit / expectedNodes. */
  expectedNodes: z.number().int().min(1).max(1000).default(2),
});

/** Admission counters shared through Redis; without `url`, each node counts in memory. */
const redisSchema = z.strictObject({
  /** e.g. redis://10.0.0.7:6379. Secret (it may carry a password): env SBC_REDIS_URL. */
  url: z.string().min(1).optional(),
  keyPrefix: z.string().default('sbc:'),
  /** A Redis command not answered in this time counts as Redis unreachable. */
  commandTimeoutMs: z.number().int().min(10).max(10_000).default(250),
  /** How often a node tells Redis it is alive. */
  heartbeatMs: z.number().int().min(100).max(60_000).default(1000),
  /** A node not heard of for this long is dead: the calls it held no longer count. */
  nodeTtlMs: z.number().int().min(300).max(600_000).default(5000),
});

const ngEndpoint = z.strictObject({ host: host('127.0.0.1'), port: port(22222) });

const rtpengineSchema = z
  .strictObject({
    /** `spawn`: start and supervise a local rtpengine (default); `external`: use `endpoints`; `off`: no media anchoring. */
    mode: z.enum(['spawn', 'external', 'off']).default('spawn'),
    binary: z.string().min(1).default('rtpengine'),
    /** spawn: address of the ng control port and of the RTP ports (loopback by default). */
    host: host('127.0.0.1'),
    ngPort: port(22222),
    /** spawn: RTP/RTCP port range; each two-party call takes 4 ports (800 ports: 200 calls). */
    portMin: port(30000),
    portMax: port(30799),
    /** spawn: rtpengine `--interface` value (e.g. `pub/10.0.0.5!203.0.113.5`); empty: `host`. */
    interface: z.string().default(''),
    /** external: rtpengine ng endpoints in priority order, health-checked, failed over. */
    endpoints: z.array(ngEndpoint).default([]),
    timeoutMs: z.number().int().min(50).max(60_000).default(1000),
    pingIntervalMs: z.number().int().min(100).max(600_000).default(2000),
    /** UDP port for rtpengine's DTMF reports (`--dtmf-log-dest`); 0: any free port (spawn only). */
    dtmfLogPort: z.number().int().min(0).max(65535).default(0),
  })
  .refine((r) => r.portMin <= r.portMax, { error: 'portMin must not exceed portMax', path: ['portMax'] })
  .refine((r) => r.mode !== 'external' || r.endpoints.length > 0, {
    error: 'external mode needs at least one endpoint',
    path: ['endpoints'],
  });

const mediaSchema = z.strictObject({
  rtpengine: rtpengineSchema.prefault({}),
  /** WAV (8 kHz mono PCM) played as ringback; empty: a generated ringing tone. */
  ringbackFile: z.string().default(''),
  /** Per-trunk media extras beside the rule file's `media { … }`: SRTP suites, a= rules, topology hiding. */
  trunks: z
    .record(
      z.string(),
      z.strictObject({
        srtpSuites: z
          .array(z.enum(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_256_GCM']))
          .min(1)
          .optional(),
        attributes: z
          .strictObject({ allow: z.array(z.string()).optional(), remove: z.array(z.string()).optional() })
          .optional(),
        hideTopology: z.boolean().optional(),
      }),
    )
    .default({}),
  /** Trunk pairs whose media flows end to end without rtpengine (either direction). */
  bypass: z.array(z.strictObject({ from: z.string().min(1), to: z.string().min(1) })).default([]),
});

const coreSchema = z.strictObject({
  /** Trunk for requests whose source matches no trunk; unset: such requests get 403. */
  defaultTrunk: z.string().min(1).optional(),
  /** Per-source INVITE flood limit: above `perSourceCps`, `reject` (503) or `drop` (no answer). */
  flood: z
    .strictObject({
      perSourceCps: z.number().int().min(1).default(200),
      action: z.enum(['reject', 'drop']).default('reject'),
    })
    .prefault({}),
  /** Send every 180 upstream as 183 Session Progress. */
  ringingAs183: z.boolean().default(false),
  /** RFC 4028 session timer for trunks whose rules set none, in seconds. */
  sessionTimer: z
    .strictObject({
      expires: z.number().int().min(1).default(1800),
      minSe: z.number().int().min(1).default(90),
    })
    .prefault({}),
  /** Admission limits per tenant, keyed by the value rules give the `tenant` call variable. */
  tenants: z
    .record(
      z.string(),
      z.strictObject({
        maxCalls: z.number().int().min(1).optional(),
        cps: z.number().int().min(1).optional(),
      }),
    )
    .default({}),
  /** Call detail records: one JSON line per call attempt, rotated by size. */
  cdr: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Empty: `<data.dir>/cdr/calls.jsonl`. */
      file: z.string().default(''),
      maxSizeMb: z.number().min(0.001).default(100),
      keep: z.number().int().min(1).max(1000).default(10),
    })
    .prefault({}),
});

export const configSchema = z
  .strictObject({
    log: logSchema.prefault({}),
    sip: sipSchema.prefault({}),
    edge: edgeSchema.prefault({}),
    admin: adminSchema.prefault({}),
    data: dataSchema.prefault({}),
    store: storeSchema.prefault({}),
    cluster: clusterSchema.prefault({}),
    redis: redisSchema.prefault({}),
    media: mediaSchema.prefault({}),
    core: coreSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    const tlsAt = config.sip.listen.findIndex((listen) => listen.transport === 'tls');
    if (tlsAt >= 0 && !config.sip.tls) {
      ctx.addIssue({
        code: 'custom',
        path: ['sip', 'listen', tlsAt, 'transport'],
        message: 'a tls listen address needs sip.tls.cert and sip.tls.key',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** Paths of values that are secrets: masked by `--print-config`, settable from the environment. */
export const SECRETS = [
  { path: ['admin', 'token'], env: 'SBC_ADMIN_TOKEN' },
  { path: ['edge', 'secret'], env: 'SBC_EDGE_SECRET' },
  { path: ['store', 'url'], env: 'SBC_STORE_URL' },
  { path: ['redis', 'url'], env: 'SBC_REDIS_URL' },
] as const;
