// What the admin API reports about rules in a running SBC: the calls pinned to each loaded
// version (from the core's registry) and the last rule failures (issue 9, items 4 and 5).
// Real `sbc run`, sipp on both sides.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { freePort } from '../edge/support/ports.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { runUac, startUas, wait } from '../core/support.ts';

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

function rules(uacPort: number, uasPort: number, invite: string): string {
  return `ruleset live
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
}
trunk core {
  peers ["127.0.0.1:${uasPort}"]
}
on request INVITE from caller {
  ${invite}
  route core
}
`;
}

it('GET /api/v1/rulesets/calls counts a held call on the version it started with', async () => {
  const uacPort = await freePort();
  const uas = await startUas('uas', 1);
  const v = await sbc.activate(rules(uacPort, uas.port, 'set header "X-Held" = "yes"'));
  const held = runUac(sbc.sipPort, { port: uacPort, extra: ['-d', '3000'] });
  await wait(1000);
  const during = await sbc.api('GET', '/api/v1/rulesets/calls');
  expect(during.status).toBe(200);
  expect(during.json).toContainEqual(expect.objectContaining({ version: v, active: true, calls: 1 }));
  expect((await held).successful).toBe(1);
  await uas.done;
  const after = await sbc.api('GET', '/api/v1/rulesets/calls');
  expect(after.json).toContainEqual(expect.objectContaining({ version: v, active: true, calls: 0 }));
}, 30_000);

it('GET /api/v1/status/rule-errors lists a failing rule with its version, call and message', async () => {
  const uacPort = await freePort();
  const uas = await startUas('uas', 1);
  // A header value with CR LF would inject a header: the runtime refuses it and the fallback applies.
  const v = await sbc.activate(
    rules(uacPort, uas.port, 'set header "X-Bad" = "a\\r\\nVia: SIP/2.0/UDP evil"'),
  );
  const before = await sbc.api('GET', '/api/v1/status/rule-errors');
  expect(before.status).toBe(200);
  const uac = await runUac(sbc.sipPort, { port: uacPort, calls: 2 });
  expect(uac.successful + uac.failed).toBe(2);
  const res = await sbc.api('GET', '/api/v1/status/rule-errors?limit=2');
  expect(res.status).toBe(200);
  const errors = res.json as Array<Record<string, unknown>>;
  expect(errors).toHaveLength(2);
  for (const e of errors) {
    expect(e).toMatchObject({ version: v, message: expect.stringMatching(/CR, LF or NUL/) });
    expect(e.callId).toEqual(expect.any(String));
    expect(Date.parse(String(e.at))).toBeGreaterThan(Date.now() - 30_000);
  }
  // Two calls, two distinct call ids, newest first.
  expect(new Set(errors.map((e) => e.callId)).size).toBe(2);
  expect(Date.parse(String(errors[0]?.at))).toBeGreaterThanOrEqual(Date.parse(String(errors[1]?.at)));
  const bad = await sbc.api('GET', '/api/v1/status/rule-errors?limit=0');
  expect(bad.status).toBe(400);
}, 30_000);
