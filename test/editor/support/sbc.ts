/**
 * A real `sbc run` for the editor tests: free loopback ports for SIP and the admin API, a temp
 * data directory (so it starts with the shipped default rule set as version 1), media off, and
 * an admin token through SBC_ADMIN_TOKEN, as an operator would start it.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { EDITOR_DIST } from '../../../src/admin/editor-static.ts';
import { type SbcProcess, spawnSbc } from '../../support/sbc-process.ts';
import { freePort, waitForHttp } from '../../support/ports.ts';

export const ADMIN_TOKEN = 'editor-test-admin-token-0123456789';

export interface RunningSbc {
  url: string;
  sipPort: number;
  dir: string;
  process: SbcProcess;
  /** Calls the admin API with the bootstrap admin token (or another). */
  api<T>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/** The tests use the built editor, as `npm start` serves it; say how to build it when missing. */
export function requireEditorBuild(): void {
  if (!existsSync(join(EDITOR_DIST, 'index.html')))
    throw new Error(`the editor is not built (${EDITOR_DIST}); build it with: npm run build:editor`);
}

export async function startSbc(extra: Record<string, unknown> = {}): Promise<RunningSbc> {
  const dir = mkdtempSync(join(tmpdir(), 'sbc-editor-'));
  const sipPort = await freePort();
  const adminPort = await freePort();
  const config = join(dir, 'sbc.yaml');
  writeFileSync(
    config,
    stringify({
      log: { format: 'json', level: 'warn' },
      sip: { listen: [{ transport: 'udp', host: '127.0.0.1', port: sipPort }] },
      admin: { listen: { host: '127.0.0.1', port: adminPort } },
      data: { dir: join(dir, 'data') },
      media: { rtpengine: { mode: 'off' } },
      ...extra,
    }),
  );
  const process = spawnSbc(['run', '--config', config], { SBC_ADMIN_TOKEN: ADMIN_TOKEN });
  const url = `http://127.0.0.1:${adminPort}`;
  try {
    await waitForHttp(`${url}/health`, 20_000);
  } catch (error) {
    process.kill();
    throw new Error(`sbc did not start: ${process.stdout()}${process.stderr()}`, { cause: error });
  }
  return {
    url,
    sipPort,
    dir,
    process,
    async api<T>(method: string, path: string, body?: unknown, token = ADMIN_TOKEN) {
      const res = await fetch(url + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text) as T,
      };
    },
    async stop() {
      process.child.kill('SIGTERM');
      const timer = setTimeout(() => process.kill(), 5000);
      await process.exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
