/**
 * A real `sbc run` process for signaling-core tests: its own config (free
 * loopback ports, a temp data directory, media off unless asked), an admin
 * token to upload and activate rule sets, and readers for its CDR file and
 * /metrics. Teardown kills only this process (by its PID).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../edge/support/ports.ts';
import { type SbcProcess, spawnSbc } from './sbc-process.ts';

export const TOKEN = 'test-token-0123456789abcdef';

export interface SbcUnderTest {
  proc: SbcProcess;
  sipPort: number;
  adminPort: number;
  dir: string;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string }>;
  /** Uploads and activates a rule set (one file); resolves with its version number. */
  activate(rules: string): Promise<number>;
  metrics(): Promise<string>;
  cdrs(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startSbcUnderTest(
  options: { rules?: string; core?: Record<string, unknown>; config?: Record<string, unknown> } = {},
): Promise<SbcUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'sbc-core-'));
  const sipPort = await freePort();
  const adminPort = await freePort();
  const config = {
    log: { level: 'info', format: 'json' },
    sip: {
      listen: [
        { transport: 'udp', host: '127.0.0.1', port: sipPort },
        { transport: 'tcp', host: '127.0.0.1', port: sipPort },
      ],
    },
    admin: { listen: { host: '127.0.0.1', port: adminPort }, token: TOKEN },
    data: { dir: join(dir, 'data') },
    media: { rtpengine: { mode: 'off' } },
    core: { cdr: { file: join(dir, 'cdr.jsonl') }, ...options.core },
    ...options.config,
  };
  const file = join(dir, 'sbc.yaml');
  writeFileSync(file, stringify(config));
  const proc = spawnSbc(['run', '-c', file]);
  const stop = async () => {
    // SIGTERM first: the SBC then stops the rtpengine it spawned (a SIGKILL would orphan it).
    proc.child.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill(), 3000);
    await proc.exited;
    clearTimeout(timer);
  };
  try {
    await proc.waitFor(/SBC started/, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const api: SbcUnderTest['api'] = async (method, path, body) => {
    const res = await fetch(`http://127.0.0.1:${adminPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  };
  const sbc: SbcUnderTest = {
    proc,
    sipPort,
    adminPort,
    dir,
    api,
    async activate(rules) {
      const up = await api('POST', '/api/v1/rulesets/versions', { files: { 'main.rules': rules } });
      if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${up.text}`);
      const version = (up.json as { version: { version: number } }).version.version;
      const act = await api('POST', '/api/v1/rulesets/activate', { version });
      if (act.status !== 200) throw new Error(`activate failed: ${act.status} ${act.text}`);
      return version;
    },
    async metrics() {
      return (await api('GET', '/metrics')).text;
    },
    cdrs() {
      try {
        return readFileSync(join(dir, 'cdr.jsonl'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>);
      } catch {
        return [];
      }
    },
    close: stop,
  };
  if (options.rules !== undefined) {
    try {
      await sbc.activate(options.rules);
    } catch (error) {
      await sbc.close();
      throw error;
    }
  }
  return sbc;
}

/** Value of one Prometheus sample (`name{labels} value`), or undefined. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith('{') || rest.startsWith(' '))) continue;
    if (!Object.entries(labels).every(([k, v]) => rest.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
