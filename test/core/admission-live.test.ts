// Admission control through a real `sbc run` (issue item 9): a trunk's max_calls and cps answer
// 503 with Retry-After when over; a flooding source is limited while another source keeps working.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { freePort } from '../edge/support/ports.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { metricValue, type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { messages, runUac, startLines, startUas } from './support.ts';

let sbc: SbcUnderTest;

beforeAll(async () => {
  sbc = await startSbcUnderTest({ core: { flood: { perSourceCps: 5, action: 'reject' } } });
}, 30_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await sbc?.close();
});

const finals = (trace: string) => startLines(trace, /^SIP\/2\.0 [2-6]\d\d/);

it('refuses a call over the trunk max_calls with 503 and Retry-After', async () => {
  const uacPort = await freePort();
  const uas = await startUas('uas', 1);
  await sbc.activate(`ruleset adm
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
  max_calls 1
}
trunk core {
  peers ["127.0.0.1:${uas.port}"]
}
on request INVITE from caller {
  route core
}
`);
  // Two calls 200 ms apart, each held 1.5 s: the second finds the trunk full.
  const uac = await runUac(sbc.sipPort, { port: uacPort, calls: 2, rate: 5, extra: ['-d', '1500'] });
  await uas.done;
  const trace = messages(uac);
  expect(finals(trace)).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 503 Service Unavailable', 'SIP/2.0 200 OK']);
  expect(trace).toMatch(/^Retry-After: 5/m);
  expect(metricValue(await sbc.metrics(), 'sbc_admission_rejects_total', { limit: 'trunk:caller' })).toBe(1);
}, 40_000);

it('limits one flooding source (503) while another source is still served', async () => {
  const flooder = await freePort();
  const quiet = await freePort();
  const uas = await startUas('uas', 40);
  await sbc.activate(`ruleset flood
trunk callers {
  peers ["127.0.0.1:${quiet}"]
  sources [127.0.0.0/8]
}
trunk core {
  peers ["127.0.0.1:${uas.port}"]
}
on request INVITE from callers {
  route core
}
`);
  // 30 INVITEs at 100/s from 127.0.0.1 (limit 5/s), and 3 from 127.0.0.2 meanwhile.
  const flood = runUac(sbc.sipPort, { port: flooder, calls: 30, rate: 100 });
  const calm = runUac(sbc.sipPort, { port: quiet, calls: 3, rate: 2, extra: ['-i', '127.0.0.2'] });
  const [f, c] = await Promise.all([flood, calm]);
  const floodFinals = finals(messages(f));
  expect(floodFinals.filter((l) => l.startsWith('SIP/2.0 503')).length).toBeGreaterThan(15);
  expect(floodFinals.filter((l) => l.startsWith('SIP/2.0 200')).length).toBeGreaterThanOrEqual(5);
  expect(c.successful).toBe(3);
  expect(metricValue(await sbc.metrics(), 'sbc_flood_limited_total', { action: 'reject' })).toBeGreaterThan(
    15,
  );
}, 60_000);
