// End-to-end tests of the shipped interop profiles (rules/*): the profile's main.rules exactly as
// shipped, and its site file (trunks.rules) with each peer's port moved to a free one, run by a real
// `sbc run` with the rtpengine it spawns; sipp plays every peer on the loopback address the site
// file gives it (127.0.0.11 Zoom, 127.0.0.20 the operator core, …), so trunks are classified by
// address as in production. Debian's sipp has no TLS: `transport tls` becomes udp here (TLS to
// peers is proven by test/core/tls-classify-live.test.ts and test/edge).

import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { portRange } from '../media/support/engine.ts';
import { type SippResult, type SippRun, startSipp } from '../edge/support/sipp.ts';
import { scenarioArgs } from '../core/support.ts';
import { freePort } from '../support/ports.ts';
import { ROOT } from '../support/sbc-process.ts';
import { type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { requireTool } from '../support/system-tools.ts';

export const INTEROP_SCENARIOS = new URL('./sipp/', import.meta.url).pathname;

export type Profile = 'zoom' | 'teams' | 'teams-direct-routing' | 'operator-core';

export interface ProfileUnderTest {
  sbc: SbcUnderTest;
  /** Free port now used for each shipped peer address (`127.0.0.11:5061` → 12345). */
  ports: Map<string, number>;
  close(): Promise<void>;
}

/** The peer addresses (`host:port`) a shipped site file names. */
function peerAddresses(trunks: string): string[] {
  return [...trunks.matchAll(/"(127\.\d+\.\d+\.\d+:\d+)"/g)].map((m) => m[1]!);
}

/**
 * Starts an SBC (media anchored in a spawned rtpengine) with the shipped profile active.
 * `tune` may edit the site file further (e.g. a shorter OPTIONS interval for a keepalive test).
 */
export async function startProfile(
  profile: Profile,
  options: { tune?: (trunks: string) => string; config?: Record<string, unknown>; keepalive?: boolean } = {},
): Promise<ProfileUnderTest> {
  const dir = join(ROOT, 'rules', profile);
  const main = readFileSync(join(dir, 'main.rules'), 'utf8');
  let trunks = readFileSync(join(dir, 'trunks.rules'), 'utf8').replaceAll('transport tls', 'transport udp');
  const ports = new Map<string, number>();
  for (const address of peerAddresses(trunks)) {
    const port = await freePort();
    ports.set(address, port);
    trunks = trunks.replaceAll(`"${address}"`, `"${address.split(':')[0]}:${port}"`);
  }
  // The SBC's OPTIONS keepalive would reach the sipp peers, which take it for their one call:
  // off, except for the tests about it.
  if (!options.keepalive) trunks = trunks.replaceAll('options {', 'options { enabled: false,');
  if (options.tune) trunks = options.tune(trunks);
  const sbc = await startSbcUnderTest({
    config: {
      media: {
        rtpengine: {
          mode: 'spawn',
          binary: requireTool('rtpengine'),
          ngPort: await freePort(),
          ...portRange(100),
          pingIntervalMs: 500,
        },
        ...options.config,
      },
    },
  });
  try {
    await activateShipped(sbc, profile, { 'main.rules': main, 'trunks.rules': trunks });
  } catch (error) {
    // Whatever failed, the process started here does not outlive the test.
    await sbc.close();
    throw error;
  }
  return { sbc, ports, close: () => sbc.close() };
}

/** Uploads and activates the profile, then waits until /ready (rtpengine up: no 503 for media). */
async function activateShipped(
  sbc: SbcUnderTest,
  profile: Profile,
  files: Record<string, string>,
): Promise<void> {
  const up = await sbc.api('POST', '/api/v1/rulesets/versions', {
    files,
    entry: 'main.rules',
    message: `shipped ${profile} profile`,
  });
  if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${up.text}`);
  const version = (up.json as { version: { version: number } }).version.version;
  const act = await sbc.api('POST', '/api/v1/rulesets/activate', { version });
  if (act.status !== 200) throw new Error(`activate failed: ${act.status} ${act.text}`);
  const deadline = Date.now() + 15_000;
  while ((await sbc.api('GET', '/ready')).status !== 200) {
    if (Date.now() > deadline) throw new Error('the SBC did not become ready (rtpengine?)');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The local port a shipped peer address now has. */
export function portOf(p: ProfileUnderTest, address: string): number {
  const port = p.ports.get(address);
  if (port === undefined) throw new Error(`${address} is not a peer of this profile`);
  return port;
}

function scenario(name: string): string[] {
  return name.startsWith('interop:')
    ? ['-sf', join(INTEROP_SCENARIOS, `${name.slice('interop:'.length)}.xml`)]
    : scenarioArgs(name);
}

/**
 * A sipp peer answering `calls` calls on a shipped peer address (`127.0.0.20:5060`), once it is
 * listening: an INVITE sent before sipp binds its port would meet ICMP port unreachable (503).
 */
export async function startPeer(
  p: ProfileUnderTest,
  address: string,
  name: string,
  calls: number,
  extra: string[] = [],
): Promise<SippRun> {
  const host = address.split(':')[0]!;
  const port = portOf(p, address);
  // The previous test's peer on this address may still be closing: it must be gone first, or the
  // new sipp fails to bind and the check below would see the old one.
  const freeBy = Date.now() + 5000;
  while (!(await udpFree(host, port))) {
    if (Date.now() > freeBy) throw new Error(`${host}:${port} is still taken`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const run = startSipp([
    ...scenario(name),
    ...['-i', host, '-p', String(port)],
    ...['-m', String(calls), '-timeout', '25s', '-trace_msg', ...extra],
  ]);
  const deadline = Date.now() + 5000;
  while (await udpFree(host, port)) {
    if (Date.now() > deadline) throw new Error(`sipp did not bind ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return run;
}

/** True while nothing listens on host:port (UDP). */
function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

/** A sipp caller placing one call to `service` from a shipped peer address; resolves when done. */
export async function placeCall(
  p: ProfileUnderTest,
  from: string,
  name: string,
  service: string,
  extra: string[] = [],
): Promise<SippResult> {
  portOf(p, from);
  // The peer's address classifies the call (each peer has its own); a port of its own keeps a
  // caller clear of a peer that the previous test ran on the same address and is still closing.
  const host = from.split(':')[0]!;
  const port = await freePort(host);
  return startSipp([
    `127.0.0.1:${p.sbc.sipPort}`,
    ...scenario(name),
    ...['-s', service, '-i', host, '-p', String(port)],
    ...['-m', '1', '-d', '200', '-timeout', '25s', '-trace_msg', ...extra],
  ]).done;
}

/** Customers and numbers through the admin API, as an operator provisions them. */
export async function provision(
  sbc: SbcUnderTest,
  customers: Record<string, unknown>[],
  numbers: Record<string, unknown>[],
): Promise<void> {
  for (const customer of customers) {
    const r = await sbc.api('POST', '/api/v1/customers', customer);
    if (r.status !== 201) throw new Error(`customer: ${r.status} ${r.text}`);
  }
  for (const number of numbers) {
    const r = await sbc.api('POST', '/api/v1/numbers', number);
    if (r.status !== 201) throw new Error(`number: ${r.status} ${r.text}`);
  }
}

/** The first message in a sipp trace whose first line matches, with its body. */
export function messageStarting(trace: string, start: RegExp): string {
  const blocks = trace.split(/^-{20,}.*$/m);
  const found = blocks.find((b) => {
    const body = b.replace(/^.*(?:sent|received).*:\s*$/m, '').trimStart();
    return start.test(body);
  });
  if (found === undefined) throw new Error(`no message matching ${start} in the trace`);
  return found.replace(/^.*(?:sent|received).*:\s*$/m, '').trim();
}
