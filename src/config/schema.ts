/**
 * The SBC's configuration: one YAML file, validated by this schema, which also
 * carries every default. `sbc run` with no file gets `parseConfig({})`, so the
 * defaults alone must give a working SBC on a fresh machine (loopback only).
 * docs/config.md documents every key here; keep the two in step.
 */
import { z } from 'zod';

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

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

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

export const configSchema = z.strictObject({
  log: logSchema.prefault({}),
  sip: sipSchema.prefault({}),
  edge: edgeSchema.prefault({}),
  admin: adminSchema.prefault({}),
  data: dataSchema.prefault({}),
});

export type Config = z.infer<typeof configSchema>;

/** Paths of values that are secrets: masked by `--print-config`, settable from the environment. */
export const SECRETS = [
  { path: ['admin', 'token'], env: 'SBC_ADMIN_TOKEN' },
  { path: ['edge', 'secret'], env: 'SBC_EDGE_SECRET' },
] as const;
