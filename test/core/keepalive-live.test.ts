// OPTIONS keepalive through a real `sbc run` (issue item 7; seeds/003): peers that answer are up,
// a peer that stops answering goes down after `down_after` failures, calls skip a down peer, the
// state is in /metrics; OPTIONS from peers are answered (or refused by a rule).

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { freePort } from '../edge/support/ports.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { metricValue, type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { messages, runUac, startLines, startUas, wait } from './support.ts';

let sbc: SbcUnderTest;

beforeAll(async () => {
  sbc = await startSbcUnderTest();
}, 30_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await sbc?.close();
});

async function peerState(port: number): Promise<number | undefined> {
  return metricValue(await sbc.metrics(), 'sbc_options_peer_up', { peer: `udp:127.0.0.1:${port}` });
}

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await wait(100);
  }
  throw new Error('condition not reached in time');
}

it('marks peers up and down from OPTIONS, and routes around a down peer', async () => {
  const uacPort = await freePort();
  const answering = await startUas('core:uas-options', 1000);
  const dead = await freePort();
  const live = await startUas('uas', 1);
  await sbc.activate(`ruleset ka
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
}
trunk watched {
  peers ["127.0.0.1:${answering.port}"]
  options { interval: 300ms, timeout: 200ms, down_after: 2, up_after: 2 }
}
trunk gone {
  peers ["127.0.0.1:${dead}"]
  options { interval: 300ms, timeout: 200ms, down_after: 2, up_after: 2 }
}
trunk core {
  peers ["127.0.0.1:${live.port}"]
}
group g {
  members [gone, core]
}
on request INVITE from caller {
  route g
}
`);
  await until(async () => (await peerState(answering.port)) === 1 && (await peerState(dead)) === 0, 8000);
  // The down peer is skipped: no INVITE, no timeout, straight to the live one.
  const before = sbc.cdrs().length;
  const uac = await runUac(sbc.sipPort, { port: uacPort });
  expect(uac.successful).toBe(1);
  await live.done;
  expect((await sbc.cdrsAtLeast(before + 1)).at(-1)?.attempts).toEqual([
    { trunk: 'core', peer: `udp:127.0.0.1:${live.port}`, outcome: 200 },
  ]);
  // The answering peer stops answering: down after two failed probes.
  answering.run.process.kill('SIGKILL');
  await until(async () => (await peerState(answering.port)) === 0, 8000);
}, 45_000);

it('answers OPTIONS from peers with 200 and Allow, unless a rule refuses', async () => {
  const uacPort = await freePort();
  await sbc.activate(`ruleset opts
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
}
on request OPTIONS from caller {
  set header "X-Ignored" = "1"
}
on request OPTIONS {
  reject 403 "Unknown peer"
}
`);
  const ok = await runUac(sbc.sipPort, { port: uacPort, scenario: 'core:uac-options' });
  expect(startLines(messages(ok), /^SIP\/2\.0/)).toEqual(['SIP/2.0 200 OK']);
  expect(messages(ok)).toMatch(/^Allow: .*OPTIONS/m);
  // From another address: no trunk, so the catch-all handler answers.
  const refused = await runUac(sbc.sipPort, { scenario: 'core:uac-options', extra: ['-i', '127.0.0.2'] });
  expect(startLines(messages(refused), /^SIP\/2\.0/)).toEqual(['SIP/2.0 403 Unknown peer']);
}, 30_000);
