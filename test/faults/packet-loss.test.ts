// Issue 11 item 3: 10 % packet loss on loopback through a real `sbc run`, with sipp's drop option
// (lost="10" on the messages of sipp/uac-lossy.xml and ../support/sipp/uas-lossy.xml, which say which and
// why). test/edge/sipp-scenarios.test.ts proves the edge's transactions retransmit around a lossy
// far end behind a test B2BUA; here the loss is on both legs of the SBC itself: toward the caller
// the SBC must absorb INVITE and BYE retransmissions and resend its 200 until the ACK (RFC 3261
// §13.3.1.4), toward the callee resend its INVITE and BYE (§17.1) and ACK every retransmitted 200
// (§13.2.2.4). Every call completes. T1 is 100 ms here so retransmissions come quickly.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { messages, runUac, startUas } from '../core/support.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { freePort } from '../support/ports.ts';
import { metricSum, type SbcNode, startSbcNode, until } from './support/sbc-node.ts';

const UAS = join(import.meta.dirname, '..', 'support', 'sipp', 'uas-lossy.xml');
const UAC = join(import.meta.dirname, 'sipp', 'uac-lossy.xml');
const CALLS = 20;

/** sipp's count of messages it sent again (last line of its -trace_stat CSV). */
function retransmissions(dir: string): number {
  const lines = readFileSync(join(dir, 'stat.csv'), 'utf8').trim().split('\n');
  const header = lines[0]!.split(';');
  return Number(lines.at(-1)!.split(';')[header.indexOf('Retransmissions(C)')]);
}

let sbc: SbcNode;

beforeAll(async () => {
  sbc = await startSbcNode({ config: { sip: { t1Ms: 100 } } });
}, 30_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await sbc?.close();
});

it(`completes all ${CALLS} calls with 10 % loss on both legs (retransmissions)`, async () => {
  const uas = await startUas(UAS, CALLS, ['-timeout', '90s']);
  const uacPort = await freePort();
  await sbc.activate(`ruleset lossy
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
}
trunk callee {
  peers ["127.0.0.1:${uas.port}"]
}
on request INVITE from caller {
  route callee
}
`);
  const uac = await runUac(sbc.sipPort, {
    port: uacPort,
    scenario: UAC,
    calls: CALLS,
    rate: 5,
    extra: ['-timeout', '90s'],
  });
  const callee = await uas.done;
  expect({ ok: uac.successful, failed: uac.failed }).toEqual({ ok: CALLS, failed: 0 });
  expect({ ok: callee.successful, failed: callee.failed }).toEqual({ ok: CALLS, failed: 0 });
  await until('no call left', async () => metricSum(await sbc.metrics(), 'sbc_calls_active') === 0, 10_000);
  const cdrs = sbc.cdrs();
  expect(cdrs).toHaveLength(CALLS);
  expect(cdrs.every((c) => c.status === 200)).toBe(true);
  // Loss did happen and was repaired: the callee got more INVITEs and BYEs than there were calls
  // (the SBC sent again what it dropped), and the caller had to send again (sipp's statistics).
  const atCallee = messages(callee);
  const received = (method: string) =>
    atCallee.split('\n').filter((l) => l.startsWith(`${method} sip:`)).length;
  expect(received('INVITE') + received('BYE')).toBeGreaterThan(2 * CALLS);
  expect(retransmissions(uac.dir)).toBeGreaterThan(0);
}, 120_000);
