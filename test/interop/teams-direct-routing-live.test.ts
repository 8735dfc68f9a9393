// The shipped Teams Direct Routing profile (rules/teams-direct-routing) end to end, carrier
// multitenant model (seeds/001): the customer's tenant is named by the FQDN of the SBC's Contact,
// found from the called number's customer; calls from Teams are screened by customer subdomain
// unless the customer opted out. sipp plays Teams and the core; the SBC and rtpengine are real.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { stopAll } from '../edge/support/sipp.ts';
import { messages, startLines } from '../core/support.ts';
import {
  messageStarting,
  placeCall,
  type ProfileUnderTest,
  provision,
  startPeer,
  startProfile,
} from './support.ts';

const TEAMS = '127.0.0.31:5061';
const CORE = '127.0.0.20:5060';

let dr: ProfileUnderTest;

beforeAll(async () => {
  dr = await startProfile('teams-direct-routing');
  await provision(
    dr.sbc,
    [
      { id: 'contoso', name: 'Contoso', direct_routing: { domain: 'contoso.sbc.example.com' } },
      {
        id: 'fabrikam',
        name: 'Fabrikam',
        direct_routing: { domain: 'fabrikam.sbc.example.com' },
        screening_opt_out: true,
      },
    ],
    [
      { number: '+14085551212', customer: 'contoso', services: { teams_direct_routing: true } },
      { number: '+14255550100', customer: 'contoso', services: { teams_direct_routing: true } },
      { number: '+14255550102', customer: 'fabrikam', services: { teams_direct_routing: true } },
    ],
  );
}, 40_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await dr?.close();
});

it("names the called number's tenant by the FQDN of the SBC's Contact, and adds X-MS-SBC", async () => {
  const teams = await startPeer(dr, TEAMS, 'interop:srtp-callee', 1);
  const core = await placeCall(dr, CORE, 'core:uac-any-final', '4085551212');
  const atTeams = messages(await teams.done);
  expect(core.successful).toBe(1);
  const invite = messageStarting(atTeams, /^INVITE /);
  expect(invite).toMatch(/^INVITE sip:\+14085551212@127\.0\.0\.31:/);
  expect(invite).toMatch(
    new RegExp(`^Contact: <sip:[^@>]+@contoso\\.sbc\\.example\\.com:${dr.sbc.sipPort}>`, 'm'),
  );
  expect(invite).toMatch(/^X-MS-SBC: sbc\/0\.1 direct-routing$/m);
  expect(invite).toMatch(/^m=audio \d+ RTP\/SAVP /m);
}, 40_000);

it("screens calls from Teams by the customer's subdomain, except for a customer that opted out", async () => {
  const core = await startPeer(dr, CORE, 'uas', 2);
  const cases = [
    // Contoso's number presented from Fabrikam's subdomain: refused (seeds/001 caller-ID screening).
    ['+14255550100', 'fabrikam.sbc.example.com', 'SIP/2.0 403 Caller ID not assigned to this customer'],
    ['+14255550100', 'contoso.sbc.example.com', 'SIP/2.0 200 OK'],
    // Fabrikam opted out of screening.
    ['+14255550102', 'elsewhere.example.net', 'SIP/2.0 200 OK'],
  ] as const;
  for (const [caller, host, final] of cases) {
    const call = await placeCall(dr, TEAMS, 'interop:srtp-caller', '+14085550111', [
      ...['-set', 'caller', caller, '-set', 'fromhost', host, '-set', 'rtp', '27862'],
    ]);
    expect(startLines(messages(call), /^SIP\/2\.0 [2-6]/)[0], `${caller}@${host}`).toBe(final);
  }
  expect(startLines(messages(await core.done), /^INVITE /)).toHaveLength(2);
}, 60_000);
