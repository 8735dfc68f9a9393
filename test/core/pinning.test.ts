// Hot reload without dropping calls (issue item 2; DESIGN.md "Hot reload"): a call keeps the
// rule-set version it started with to its end, the new version takes new calls at once, and the
// old version is unloaded when its last call ends. Real `sbc run`, sipp on both sides.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { freePort } from '../edge/support/ports.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { metricValue, type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { messages, runUac, startUas, wait } from './support.ts';

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

function version(mark: string, uacPort: number, uasPort: number): string {
  return `ruleset pinned
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
}
trunk core {
  peers ["127.0.0.1:${uasPort}"]
}
on request INVITE from caller {
  set header "X-Version" = "${mark}"
  route core
}
on request BYE in dialog {
  set header "X-Version" = "${mark}"
}
`;
}

it('keeps a call on the version it started with while a new version takes new calls', async () => {
  const uacPort = await freePort();
  const uas = await startUas('uas', 2);
  const v1 = await sbc.activate(version('one', uacPort, uas.port));
  // A long call on v1 (held 3 s before its BYE).
  const long = runUac(sbc.sipPort, { port: uacPort, extra: ['-d', '3000'] });
  await wait(800);
  const v2 = await sbc.activate(version('two', uacPort, uas.port));
  let m = await sbc.metrics();
  expect(metricValue(m, 'sbc_rule_version_calls', { version: String(v1) })).toBe(1);
  expect(metricValue(m, 'sbc_rule_version_calls', { version: String(v2) })).toBe(0);
  const short = await runUac(sbc.sipPort, { port: await freePort(), service: '2000' });
  expect(short.successful).toBe(1);
  expect((await long).successful).toBe(1);
  const atPeer = messages(await uas.done);
  // Both the INVITE and the BYE of the long call carry v1's mark; the new call v2's.
  const invites = atPeer.split(/^-{10,}.*$/m).filter((m) => /^(INVITE|BYE) /m.test(m));
  const long1 = invites.filter((x) => /^(INVITE|BYE) sip:1000@/m.test(x) || /^BYE /m.test(x));
  expect(invites.some((x) => /^INVITE sip:1000@/m.test(x) && /^X-Version: one/m.test(x))).toBe(true);
  expect(invites.some((x) => /^INVITE sip:2000@/m.test(x) && /^X-Version: two/m.test(x))).toBe(true);
  expect(long1.filter((x) => /^BYE /m.test(x) && /^X-Version: one/m.test(x))).toHaveLength(1);
  const cdrs = sbc.cdrs();
  expect(cdrs.find((c) => c.to === '1000')?.ruleVersion).toBe(v1);
  expect(cdrs.find((c) => c.to === '2000')?.ruleVersion).toBe(v2);
  // v1 had no calls left: it was unloaded, only v2 remains.
  m = await sbc.metrics();
  expect(metricValue(m, 'sbc_rule_version_calls', { version: String(v1) })).toBeUndefined();
  expect(metricValue(m, 'sbc_rule_version_calls', { version: String(v2) })).toBe(0);
}, 45_000);
