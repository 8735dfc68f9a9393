// The shipped operator-core profile (rules/operator-core) end to end: a national-format core call
// leaves for the interconnect in E.164 with a P-Asserted-Identity, and a late offer (INVITE without
// SDP) is relayed as such, the core allowing it. sipp plays both sides; the SBC is real.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { stopAll } from '../edge/support/sipp.ts';
import { messages, startLines } from '../core/support.ts';
import { messageStarting, placeCall, type ProfileUnderTest, startPeer, startProfile } from './support.ts';

const CORE = '127.0.0.20:5060';
const INTERCONNECT = '127.0.0.40:5060';

let core: ProfileUnderTest;

beforeAll(async () => {
  core = await startProfile('operator-core');
}, 40_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await core?.close();
});

it('sends a national late-offer core call to the interconnect in E.164, still without SDP', async () => {
  const far = await startPeer(core, INTERCONNECT, 'core:uas-late-offer', 1);
  const caller = await placeCall(core, CORE, 'core:uac-late-offer', '4085551212');
  const atFar = messages(await far.done);
  expect(caller.successful).toBe(1);
  expect(startLines(atFar, /^INVITE /)).toHaveLength(1);
  const invite = messageStarting(atFar, /^INVITE /);
  expect(invite).toMatch(/^INVITE sip:\+14085551212@/);
  expect(invite).toMatch(/^P-Asserted-Identity: <sip:sipp@/m);
  expect(invite).toMatch(/^Content-Length: 0$/m);
  expect(invite).not.toMatch(/^m=audio/m);
}, 40_000);
