/**
 * What tests do with a running `sbc run` through its admin API and files: call
 * the API with the test token, upload and activate rule sets, read /metrics
 * and the CDR file. Shared by test/support/sbc-under-test.ts and
 * test/faults/support/sbc-node.ts, which start the process differently.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN = 'test-token-0123456789abcdef';

export interface ApiAnswer {
  status: number;
  json: unknown;
  text: string;
}

export interface SbcAdmin {
  api(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** Uploads a one-file rule set; resolves with its version number (not activated). */
  upload(rules: string): Promise<number>;
  /** Uploads and activates a rule set (one file); resolves with its version number. */
  activate(rules: string): Promise<number>;
  metrics(): Promise<string>;
  /** The CDR file's records (`core.cdr.file` = `<dir>/cdr.jsonl`); none while it does not exist. */
  cdrs(): Array<Record<string, unknown>>;
  /**
   * The CDR records once there are at least `count` (the SBC appends through a write stream, so a
   * call's record lands on disk a moment after its last message): rejects after `timeoutMs`.
   */
  cdrsAtLeast(count: number, timeoutMs?: number): Promise<Array<Record<string, unknown>>>;
}

/** The config every test SBC starts from: loopback UDP+TCP on one port, media off, CDRs in `dir`. */
export function baseConfig(
  dir: string,
  sipPort: number,
  adminPort: number,
): Record<string, Record<string, unknown>> {
  return {
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
    core: { cdr: { file: join(dir, 'cdr.jsonl') } },
  };
}

export function sbcAdmin(adminPort: number, dir: string): SbcAdmin {
  const api: SbcAdmin['api'] = async (method, path, body) => {
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
  const upload = async (rules: string): Promise<number> => {
    const up = await api('POST', '/api/v1/rulesets/versions', { files: { 'main.rules': rules } });
    if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${up.text}`);
    return (up.json as { version: { version: number } }).version.version;
  };
  const cdrs = (): Array<Record<string, unknown>> => {
    try {
      return readFileSync(join(dir, 'cdr.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    } catch {
      return [];
    }
  };
  return {
    api,
    upload,
    async activate(rules) {
      const version = await upload(rules);
      const act = await api('POST', '/api/v1/rulesets/activate', { version });
      if (act.status !== 200) throw new Error(`activate failed: ${act.status} ${act.text}`);
      return version;
    },
    async metrics() {
      return (await api('GET', '/metrics')).text;
    },
    cdrs,
    async cdrsAtLeast(count, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const list = cdrs();
        if (list.length >= count) return list;
        if (Date.now() > deadline)
          throw new Error(`${list.length} CDR records after ${timeoutMs} ms, expected ${count}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
