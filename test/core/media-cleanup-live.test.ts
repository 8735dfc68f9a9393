// No rtpengine session outlives its call (issue: media, item 9): a batch of mixed calls through a
// real `sbc run` and the rtpengine it spawns — answered and hung up, busy, failed over after 503,
// CANCELled while ringing, timed out on a silent peer — and rtpengine's own call list (ng `list`)
// is empty afterwards, while it did hold sessions during the batch.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { MediaService } from '../../src/media/index.ts';
import { rtpengineProbe } from '../media/support/engine.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { freePort } from '../support/ports.ts';
import type { SbcUnderTest } from '../support/sbc-under-test.ts';
import { messages, runUac, startLines, startUas, wait, startSbcWithRtpengine } from './support.ts';

let sbc: SbcUnderTest;
let probe: MediaService;

beforeAll(async () => {
  const started = await startSbcWithRtpengine(200);
  sbc = started.sbc;
  const ngPort = started.ngPort;
  // A second client of the same rtpengine, to read its call list.
  probe = await rtpengineProbe(ngPort);
}, 30_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await probe?.close();
  await sbc?.close();
});

it('leaves no rtpengine session behind after answered, busy, failed-over, cancelled and timed-out calls', async () => {
  const uacPort = await freePort();
  const answering = await startUas('uas', 6);
  const busy = await startUas('uas-486', 3);
  const refusing = await startUas('uas-503', 2);
  const ringing = await startUas('uas-ring-cancel', 3);
  const silent = await freePort();
  await sbc.activate(`ruleset cleanup
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
  media { codecs: [PCMU], srtp: off }
}
trunk ok {
  peers ["127.0.0.1:${answering.port}"]
}
trunk busy {
  peers ["127.0.0.1:${busy.port}"]
}
trunk flaky {
  peers ["127.0.0.1:${refusing.port}", "127.0.0.1:${answering.port}"]
  failover { on: [503], retry: 0 }
}
trunk ring {
  peers ["127.0.0.1:${ringing.port}"]
}
trunk silent {
  peers ["127.0.0.1:${silent}"]
  failover { on: [timeout], retry: 0, timeout: 1s }
}
on request INVITE from caller {
  if ruri.user == "1" { route ok }
  if ruri.user == "2" { route busy }
  if ruri.user == "3" { route flaky }
  if ruri.user == "4" { route ring }
  route silent
}
`);
  expect(await probe.rtpengineCallIds()).toEqual([]);
  let most = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      most = Math.max(most, (await probe.rtpengineCallIds()).length);
      await wait(50);
    }
  })();
  // Each kind of call from its own caller port; the caller trunk is matched by address.
  const batch = async (service: string, calls: number, scenario?: string) =>
    runUac(sbc.sipPort, {
      port: uacPort,
      service,
      calls,
      rate: 5,
      ...(scenario ? { scenario } : {}),
    });
  const answered = await batch('1', 4);
  const refused = await batch('2', 3);
  const failedOver = await batch('3', 2);
  const cancelled = await batch('4', 3, 'uac-cancel');
  const timedOut = await batch('5', 2);
  sampling = false;
  await sampler;
  expect(answered.successful).toBe(4);
  expect(failedOver.successful).toBe(2);
  expect(cancelled.successful).toBe(3);
  expect(startLines(messages(refused), /^SIP\/2\.0 486/)).toHaveLength(3);
  expect(startLines(messages(timedOut), /^SIP\/2\.0 408/)).toHaveLength(2);
  // Sessions existed while the calls were up…
  expect(most).toBeGreaterThanOrEqual(1);
  // …and none is left once they are over.
  await wait(300);
  expect(await probe.rtpengineCallIds()).toEqual([]);
  const causes = sbc.cdrs().map((c) => c.cause);
  expect(causes).toEqual(expect.arrayContaining(['caller-bye', 'routing-failed', 'caller-cancel']));
}, 60_000);
