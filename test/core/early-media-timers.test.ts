// Early media, 100rel interworking and session timers through a real `sbc run` (issue items 4, 6):
// a far end that requires 100rel gets its PRACKs from the SBC while a caller without 100rel gets
// plain provisionals; 180 becomes 183 by config; 183 keeps its SDP; 180 without SDP stays without;
// a caller's too-small Session-Expires gets 422; a refused refresh tears the call down.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { freePort } from '../edge/support/ports.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { CORE_SCENARIOS, messages, runUac, startLines, startUas } from './support.ts';

let sbc: SbcUnderTest;

beforeAll(async () => {
  sbc = await startSbcUnderTest({ core: { ringingAs183: true } });
}, 30_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await sbc?.close();
});

function rules(uacPort: number, uasPort: number, core = ''): string {
  return `ruleset em
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
}
trunk core {
  peers ["127.0.0.1:${uasPort}"]
${core}
}
on request INVITE from caller {
  route core
}
`;
}

/** One message of a -trace_msg log, split at sipp's separator lines. */
function blocks(trace: string): string[] {
  return trace.split(/^-{20,}.*$/m).map((b) => b.trim());
}

it('PRACKs a far end that requires 100rel; the caller gets 183s unreliably, SDP only where there was SDP', async () => {
  const uacPort = await freePort();
  const uas = await startUas('core:uas-100rel-early-media', 1);
  await sbc.activate(rules(uacPort, uas.port, '  prack supported'));
  const uac = await runUac(sbc.sipPort, { port: uacPort });
  const far = await uas.done;
  expect(far.successful).toBe(1);
  expect(uac.successful).toBe(1);
  // The SBC answered both reliable provisionals with PRACK (RFC 3262 §4).
  expect(startLines(messages(far), /^PRACK /)).toHaveLength(2);
  const provisionals = blocks(messages(uac)).filter((b) => /^SIP\/2\.0 18\d/m.test(b));
  // 180 → 183 by core.ringingAs183; the first has no SDP, the second keeps the far end's SDP.
  expect(provisionals.map((b) => /^SIP\/2\.0 .*$/m.exec(b)![0].trim())).toEqual([
    'SIP/2.0 183 Session Progress',
    'SIP/2.0 183 Session Progress',
  ]);
  expect(provisionals[0]).toMatch(/Content-Length:\s*0/i);
  expect(provisionals[0]).not.toMatch(/^v=0/m);
  expect(provisionals[1]).toMatch(/^v=0/m);
  for (const p of provisionals) {
    expect(p).not.toMatch(/^Require:.*100rel/im);
    expect(p).not.toMatch(/^RSeq:/im);
  }
}, 40_000);

it('answers a Session-Expires below Min-SE with 422 and the Min-SE (RFC 4028 §8.1)', async () => {
  const uacPort = await freePort();
  const uas = await startUas('uas', 1);
  await sbc.activate(rules(uacPort, uas.port));
  const scenario = join(sbc.dir, 'uac-short-se.xml');
  writeFileSync(
    scenario,
    readFileSync(join(CORE_SCENARIOS, 'uac-any-final.xml'), 'utf8').replace(
      'Supported: timer',
      'Supported: timer\n      Session-Expires: 30',
    ),
  );
  const uac = await runUac(sbc.sipPort, { port: uacPort, scenario });
  const trace = messages(uac);
  expect(startLines(trace, /^SIP\/2\.0 [2-6]/)).toEqual(['SIP/2.0 422 Session Interval Too Small']);
  expect(trace).toMatch(/^Min-SE: 90/im);
}, 30_000);

it('tears the call down when a session refresh fails (RFC 4028 §10)', async () => {
  const uacPort = await freePort();
  const uas = await startUas('core:uas-refuse-refresh', 1);
  await sbc.activate(rules(uacPort, uas.port, '  session_expires 4s\n  min_se 2s'));
  const before = sbc.cdrs().length;
  const uac = await runUac(sbc.sipPort, { port: uacPort, scenario: 'core:uac-wait-bye' });
  const far = await uas.done;
  expect(far.successful).toBe(1);
  expect(uac.successful).toBe(1);
  // The far leg's INVITE asked for the trunk's interval; the refresh came at half of it.
  const atPeer = messages(far);
  expect(atPeer).toMatch(/^Session-Expires: 4/m);
  expect(startLines(atPeer, /^UPDATE /)).toHaveLength(1);
  expect(startLines(atPeer, /^BYE /)).toHaveLength(1);
  expect(startLines(messages(uac), /^BYE /)).toHaveLength(1);
  expect((await sbc.cdrsAtLeast(before + 1)).at(-1)).toMatchObject({ status: 200, cause: 'session-timer' });
}, 40_000);
