// One sipp UAS and one sipp UAC around an edge harness, with the transport
// and scenarios of a test; resolves with both results.

import { join } from 'node:path';
import type { EdgeHarness } from './edge-harness.ts';
import { freePort } from './ports.ts';
import { SCENARIOS, type SippResult, settle, startSipp } from './sipp.ts';
import type { TestCert } from './tls.ts';

export type SippTransport = 'udp' | 'tcp' | 'tls';

export function transportArgs(t: SippTransport, cert?: TestCert): string[] {
  if (t === 'udp') return ['-t', 'u1'];
  if (t === 'tcp') return ['-t', 't1'];
  if (cert === undefined) throw new Error('TLS needs a certificate');
  return ['-t', 'l1', '-tls_cert', cert.certFile, '-tls_key', cert.keyFile];
}

/** `-sn name` for sipp's built-in scenarios, `-sf file` for ours in test/edge/sipp/. */
/** sipp's built-in uac/uas, a scenario of test/edge/sipp by name, or a scenario file by path. */
export function scenario(name: string): string[] {
  if (name === 'uac' || name === 'uas') return ['-sn', name];
  return ['-sf', name.endsWith('.xml') ? name : join(SCENARIOS, `${name}.xml`)];
}

export interface CallRun {
  transport: SippTransport;
  uas: string;
  uac: string;
  calls: number;
  rate?: number;
  cert?: TestCert;
  uasArgs?: string[];
  uacArgs?: string[];
  timeoutSeconds?: number;
  /** Port the UAC sends to instead of the edge's listener of `transport` (a relay). */
  uacTarget?: number;
}

export async function runCalls(
  h: Pick<EdgeHarness, 'sipPort'>,
  uasPort: number,
  o: CallRun,
): Promise<{ uac: SippResult; uas: SippResult }> {
  const t = transportArgs(o.transport, o.cert);
  const seconds = o.timeoutSeconds ?? 30;
  const limit = ['-m', String(o.calls), '-timeout', `${seconds}s`];
  const killAfter = (seconds + 10) * 1000;
  const uas = startSipp([
    ...scenario(o.uas),
    '-i',
    '127.0.0.1',
    '-p',
    String(uasPort),
    ...t,
    ...limit,
    ...(o.uasArgs ?? []),
  ]);
  await settle();
  const uac = startSipp(
    [
      `127.0.0.1:${o.uacTarget ?? h.sipPort(o.transport)}`,
      ...scenario(o.uac),
      '-s',
      'service',
      '-i',
      '127.0.0.1',
      '-p',
      String(await freePort()),
      ...t,
      ...limit,
      '-r',
      String(o.rate ?? 10),
      ...(o.uacArgs ?? []),
    ],
    killAfter,
  );
  const a = await uac.done;
  const b = await uas.done;
  return { uac: a, uas: b };
}

/** A sipp result reduced to what tests compare: exit code and call totals. */
export const summary = (r: { code: number | null; successful: number; failed: number }) => ({
  code: r.code,
  ok: r.successful,
  failed: r.failed,
});

export interface PeerRun {
  transport?: SippTransport;
  calls?: number;
  /** More sipp arguments (-trace_msg...). */
  args?: string[];
}

const bounds = (o: PeerRun): string[] => ['-m', String(o.calls ?? 1), '-timeout', '20s'];

/** One sipp callee on 127.0.0.1:`port` running scenario `name` (bounded: 20 s, killed after 30 s). */
export function startCallee(name: string, port: number, o: PeerRun = {}) {
  const t = transportArgs(o.transport ?? 'udp');
  return startSipp(
    [...scenario(name), '-i', '127.0.0.1', '-p', String(port), ...t, ...bounds(o), ...(o.args ?? [])],
    30_000,
  );
}

/** One sipp caller running scenario `name` toward 127.0.0.1:`target`, from a free port. */
export async function startCaller(name: string, target: number, o: PeerRun = {}) {
  const t = transportArgs(o.transport ?? 'udp');
  const from = String(await freePort());
  return startSipp(
    [
      `127.0.0.1:${target}`,
      ...scenario(name),
      '-s',
      'service',
      '-i',
      '127.0.0.1',
      '-p',
      from,
      ...t,
      ...bounds(o),
      ...(o.args ?? []),
    ],
    30_000,
  );
}
