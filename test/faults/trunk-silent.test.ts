// Issue 11 item 3: a trunk member goes silent under traffic. test/core/keepalive-live.test.ts
// proves OPTIONS marks a peer down and that a call skips a peer already down; this test is the
// traffic part. Calls flow at 10/s through a real `sbc run` to an ordered group [a, b]; mid-run,
// peer a is frozen (SIGSTOP: its socket stays open, nothing answers — a hung carrier SBC). OPTIONS
// marks it down within down_after probes; calls that reached a while it was silent fail over to b
// (failover timeout 1 s), calls after it was marked down go straight to b, and no call fails
// beyond those a had already answered when it froze.

import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { runUac, startUas } from '../core/support.ts';
import { metricValue } from '../support/sbc-under-test.ts';
import { type SbcNode, sleep, startSbcNode, until } from './support/sbc-node.ts';

const UAS = join(import.meta.dirname, 'sipp', 'uas-calls-and-options.xml');
const CALLS = 80;
let sbc: SbcNode;

beforeAll(async () => {
  sbc = await startSbcNode();
}, 30_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await sbc?.close();
});

const peerUp = async (port: number) =>
  metricValue(await sbc.metrics(), 'sbc_options_peer_up', { peer: `udp:127.0.0.1:${port}` });

interface Cdr {
  start: string;
  answer: string | null;
  end: string;
  status: number;
  attempts: { trunk: string; peer: string; outcome: number | string }[];
}

it('marks a silent group member down and fails its traffic over, losing no call beyond those it held', async () => {
  const a = await startUas(UAS, 10_000);
  const b = await startUas(UAS, 10_000);
  const uacPort = await freePort();
  const keepalive = 'options { interval: 300ms, timeout: 200ms, down_after: 2, up_after: 2 }';
  await sbc.activate(`ruleset silent_member
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
}
trunk a {
  peers ["127.0.0.1:${a.port}"]
  ${keepalive}
}
trunk b {
  peers ["127.0.0.1:${b.port}"]
  ${keepalive}
}
group members {
  members [a, b]
  failover { on: [408, 5xx, timeout], retry: 0, timeout: 1s }
}
on request INVITE from caller {
  route members
}
`);
  await until(
    'both members up',
    async () => (await peerUp(a.port)) === 1 && (await peerUp(b.port)) === 1,
    8000,
  );

  // 80 calls at 10/s, each held 1 s; a freezes 2.5 s in.
  const traffic = runUac(sbc.sipPort, { port: uacPort, calls: CALLS, rate: 10, extra: ['-d', '1000'] });
  await sleep(2500);
  a.run.process.kill('SIGSTOP');
  const frozenAt = Date.now();
  await until('a marked down', async () => (await peerUp(a.port)) === 0, 5000);
  const downAt = Date.now();
  const uac = await traffic;

  const cdrs = sbc.cdrs() as unknown as Cdr[];
  expect(cdrs).toHaveLength(CALLS);
  const peerA = `udp:127.0.0.1:${a.port}`;
  const at = (t: string | null) => (t === null ? Number.NaN : Date.parse(t));
  // Calls a had answered and still held when it froze: their far leg is gone with it.
  const heldByA = cdrs.filter(
    (c) => c.attempts.at(-1)?.peer === peerA && at(c.answer) < frozenAt && at(c.end) > frozenAt,
  );
  expect(uac.successful + uac.failed).toBe(CALLS);
  expect(uac.failed).toBeLessThanOrEqual(heldByA.length);
  // Before the freeze a took the traffic (ordered group); after it, every call was answered by b.
  expect(cdrs.filter((c) => at(c.start) < frozenAt - 500).every((c) => c.attempts[0]?.trunk === 'a')).toBe(
    true,
  );
  const afterFreeze = cdrs.filter((c) => at(c.start) > frozenAt);
  expect(afterFreeze.length).toBeGreaterThan(30);
  for (const c of afterFreeze) {
    expect(c.status).toBe(200);
    expect(c.attempts.at(-1)).toMatchObject({ trunk: 'b', outcome: 200 });
  }
  // Calls that reached a while it was silent but not yet down timed out there and went on to b.
  const failedOver = afterFreeze.filter((c) => c.attempts[0]?.trunk === 'a');
  expect(failedOver.length).toBeGreaterThan(0);
  for (const c of failedOver) expect(c.attempts[0]?.outcome).toBe('timeout');
  // Once marked down, a was not tried at all.
  const afterDown = cdrs.filter((c) => at(c.start) > downAt + 100);
  expect(afterDown.length).toBeGreaterThan(20);
  for (const c of afterDown) expect(c.attempts.map((x) => x.trunk)).toEqual(['b']);
  // Marked down within down_after (2) probes of 300 ms plus their 200 ms timeouts, with slack.
  expect(downAt - frozenAt).toBeLessThan(3000);
}, 60_000);
