/**
 * An admin server on real SQLite stores in a temp directory, driven in-process with
 * Fastify's inject (the same routing, hooks, validation and serialisation as over a socket).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { LiveStatus } from '../../../src/admin/routes/live.ts';
import { type AdminServer, createAdminServer } from '../../../src/admin/server.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { openSqliteStores, type RuleVersion, type Stores } from '../../../src/store/index.ts';

export const ADMIN_TOKEN = 'test-bootstrap-admin-token-0123456789';

/**
 * Stands in for the rules runtime/core wiring (RuleActivator), which is not part of the admin
 * layer: it records what it was asked to load and can be told to fail.
 */
export class RecordingActivator {
  readonly loaded: number[] = [];
  failNext: string | undefined;
  /** What pinnedCalls reports: calls in progress per version. */
  calls = new Map<number, number>();

  pinnedCalls() {
    const active = this.loaded.at(-1);
    return [...new Set([...this.calls.keys(), ...(active === undefined ? [] : [active])])]
      .sort((a, b) => a - b)
      .map((version) => ({
        version,
        hash: `h${version}`,
        active: version === active,
        calls: this.calls.get(version) ?? 0,
      }));
  }

  async activate(version: RuleVersion): Promise<void> {
    if (this.failNext !== undefined) {
      const message = this.failNext;
      this.failNext = undefined;
      throw new Error(message);
    }
    this.loaded.push(version.version);
  }
}

export interface TestAdmin {
  app: AdminServer;
  stores: Stores;
  activator: RecordingActivator;
  dir: string;
  /** Parsed JSON log lines written so far (audit lines have `audit: true`). */
  logs(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startTestAdmin(
  dir = mkdtempSync(join(tmpdir(), 'sbc-admin-')),
  extra: { live?: LiveStatus } = {},
): Promise<TestAdmin> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const stores = openSqliteStores(dir);
  const activator = new RecordingActivator();
  const app = createAdminServer({
    logger,
    version: '0.0.0-test',
    stores,
    activator,
    metrics: createMetrics(),
    bootstrapToken: ADMIN_TOKEN,
    ...extra,
  });
  await app.ready();
  return {
    app,
    stores,
    activator,
    dir,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    async close() {
      await app.close();
      stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function auth(token = ADMIN_TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export const ZOOM_RULES = `ruleset zoom_peering

trunk core {
  peers ["10.0.0.10:5060"]
}

table numbers = provisioning.numbers {
  zoom: bool
  header: string?
}

on request INVITE {
  let callee = e164(ruri.user, country: "US") else reject 484
  let entry = numbers[callee] else reject 404 "Number not provisioned"
  if not entry.zoom {
    reject 403 "Number not enabled for Zoom"
  }
  route core
}
`;
