// OPTIONS keepalive toward Zoom with the shipped profile (seeds/003): a Zoom SBC that stops
// answering is marked down after 4 failed OPTIONS, calls skip it at once, and it is up again after
// 3 answered ones. The shipped interval (30 s) is shortened to 1 s (each probe waiting 500 ms) so
// the test takes seconds; the counts are the shipped ones.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { stopAll } from '../edge/support/sipp.ts';
import { placeCall, type ProfileUnderTest, provision, startPeer, startProfile } from './support.ts';
import { wait } from '../core/support.ts';

const ZOOM_A = '127.0.0.11:5061';
const ZOOM_B = '127.0.0.12:5061';
const CORE = '127.0.0.20:5060';

let zoom: ProfileUnderTest;

beforeAll(async () => {
  zoom = await startProfile('zoom', {
    keepalive: true,
    tune: (t) => t.replaceAll('interval: 30s', 'interval: 1s, timeout: 500ms'),
  });
  await provision(
    zoom.sbc,
    [{ id: 'acme', name: 'Acme' }],
    [{ number: '+14085551212', customer: 'acme', services: { zoom: true } }],
  );
}, 40_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await zoom?.close();
});

interface PeerStatus {
  trunk: string;
  state: string;
  consecutiveFailures: number;
}

async function stateOf(trunk: string): Promise<PeerStatus | undefined> {
  const r = await zoom.sbc.api('GET', '/api/v1/status/trunks');
  return (r.json as PeerStatus[]).find((p) => p.trunk === trunk);
}

async function until(trunk: string, state: string, timeoutMs: number): Promise<PeerStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await stateOf(trunk);
    if (status?.state === state) return status;
    if (Date.now() > deadline) throw new Error(`${trunk} not ${state}: ${JSON.stringify(status)}`);
    await wait(200);
  }
}

it('marks a silent Zoom SBC down after 4 OPTIONS, routes around it, and back up after 3 answers', async () => {
  // zoom_primary_b answers OPTIONS and calls; nothing answers at zoom_primary_a's address.
  const b = await startPeer(zoom, ZOOM_B, 'interop:srtp-callee-options', 400);
  const down = await until('zoom_primary_a', 'down', 12_000);
  expect(down.consecutiveFailures).toBeGreaterThanOrEqual(4);
  expect((await stateOf('zoom_primary_b'))?.state).toBe('up');

  const started = Date.now();
  const before = zoom.sbc.cdrs().length;
  const core = await placeCall(zoom, CORE, 'core:uac-late-offer', '4085551212');
  expect(core.successful).toBe(1);
  const cdr = (await zoom.sbc.cdrsAtLeast(before + 1)).at(-1) as {
    attempts: { trunk: string; outcome: unknown }[];
  };
  // No INVITE went to the down SBC: the only attempt is zoom_primary_b's (no timeout waited).
  expect(cdr.attempts).toEqual([expect.objectContaining({ trunk: 'zoom_primary_b', outcome: 200 })]);
  expect(Date.now() - started).toBeLessThan(5000);

  // zoom_primary_a answers OPTIONS again: up after 3 (seeds/003: "three consecutive keep-alive exchanges").
  const a = await startPeer(zoom, ZOOM_A, 'core:uas-options', 50);
  const up = await until('zoom_primary_a', 'up', 10_000);
  expect(up.state).toBe('up');
  a.process.kill('SIGKILL');
  b.process.kill('SIGKILL');
}, 60_000);
