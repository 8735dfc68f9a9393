/**
 * A real `sbc run` process for signaling-core tests: its own config (free
 * loopback ports, a temp data directory, media off unless asked), an admin
 * token to upload and activate rule sets, and readers for its CDR file and
 * /metrics. Teardown kills only this process (by its PID).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../edge/support/ports.ts';
import { baseConfig, type SbcAdmin, sbcAdmin, TOKEN } from './sbc-admin.ts';
import { type SbcProcess, spawnSbc } from './sbc-process.ts';

export { TOKEN };

export interface SbcUnderTest extends SbcAdmin {
  proc: SbcProcess;
  sipPort: number;
  adminPort: number;
  dir: string;
  close(): Promise<void>;
}

export async function startSbcUnderTest(
  options: { rules?: string; core?: Record<string, unknown>; config?: Record<string, unknown> } = {},
): Promise<SbcUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'sbc-core-'));
  const sipPort = await freePort();
  const adminPort = await freePort();
  const base = baseConfig(dir, sipPort, adminPort);
  const config = { ...base, core: { ...base.core, ...options.core }, ...options.config };
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
  const sbc: SbcUnderTest = { proc, sipPort, adminPort, dir, ...sbcAdmin(adminPort, dir), close: stop };
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
