// Regressions from the SIP wire fuzzer (seed 8 case 207, seed 24 cases 1165+1171, RFC 4475
// esc01): values a caller
// controls, written by rules into the URIs of the INVITE the SBC sends on, must come out as valid
// SIP — escaped (RFC 3261 §19.1.2, §25.1) or refused — and never take the SBC down. Before, a
// `set ruri.user = header["X-Called"]` with `@` and `>` in the header made the far INVITE's
// request-URI unreadable; the response hook then threw while reading it, outside any handler,
// and the process exited. A From user with escaped spaces (esc01) went out unescaped, so the far
// end's answers, which copy the From, were dropped as malformed and the caller got 408. A
// request-URI without a user part (`sip:host`), whose empty user a rule wrote back, went out as
// `sip:@host` and crashed the SBC the same way as the first case.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { type FarEnd, startFarEnd } from './support/far-end.ts';
import { RFC4475_DIR } from './support/sip-cases.ts';
import { sendUdpRequest } from './support/sip-client.ts';

let sbc: SbcUnderTest;
let far: FarEnd;

// One SBC per test: a crash in one case must not fail the other.
beforeEach(async () => {
  far = await startFarEnd('127.0.0.2', await freePort('127.0.0.2'));
  sbc = await startSbcUnderTest({
    rules: `ruleset rule_values
trunk callers {
  peers ["127.0.0.1:5070"]
  sources [127.0.0.1/32]
}
trunk far {
  peers ["127.0.0.2:${far.port}"]
  failover { on: [timeout], retry: 0, timeout: 2s }
}
on request INVITE from callers {
  set ruri.user = header["X-Called"] ?? ruri.user
  route far
}
on response 18x from far {
  set header "X-Seen" = "ringing"
}
`,
  });
}, 30_000);

afterEach(async () => {
  await sbc?.close();
  far?.close();
});

async function stillRunning(): Promise<void> {
  expect(sbc.proc.child.exitCode).toBeNull();
  expect((await sbc.api('GET', '/health')).status).toBe(200);
}

it('answers an INVITE whose header, copied into the request-URI user, holds "@" and ">" (and keeps running)', async () => {
  const answer = await sendUdpRequest(
    sbc.sipPort,
    (port) =>
      [
        `INVITE sip:+14155550207@127.0.0.1:${sbc.sipPort};user=phone SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-fz207-invite;rport`,
        'Max-Forwards: 70',
        'From: "Fuzz 207" <sip:+12125550100@127.0.0.1>;tag=fz207',
        `To: <sip:+14155550207@127.0.0.1:${sbc.sipPort}>`,
        'Call-ID: fz-207-invite@fuzz',
        'CSeq: 5 INVITE',
        `Contact: <sip:fuzz@127.0.0.1:${port};transport=udp>`,
        'X-Called: +14155550199+12125550100@carrier.example>',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    6000,
  );
  expect(answer.finalStatus).toBeGreaterThanOrEqual(400);
  await new Promise((r) => setTimeout(r, 500));
  await stillRunning();
});

it('passes an escaped From user (RFC 4475 esc01) on escaped, so the far end is heard (486, not 408)', async () => {
  const esc01 = readFileSync(join(RFC4475_DIR, 'esc01.dat'), 'latin1');
  const answer = await sendUdpRequest(
    sbc.sipPort,
    (port) => esc01.replace(/^Via: .*$/m, `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-esc01`),
    6000,
  );
  expect(answer.finalStatus).toBe(486);
  await stillRunning();
});

it('answers an INVITE to a request-URI without a user part whose empty user a rule writes back', async () => {
  const answer = await sendUdpRequest(
    sbc.sipPort,
    (port) =>
      [
        `INVITE sip:127.0.0.1:${sbc.sipPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-no-user`,
        'Max-Forwards: 70',
        'From: <sip:caller@127.0.0.1>;tag=nouser',
        `To: <sip:127.0.0.1:${sbc.sipPort}>`,
        'Call-ID: no-user@fuzz',
        'CSeq: 1 INVITE',
        `Contact: <sip:caller@127.0.0.1:${port}>`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    6000,
  );
  expect(answer.finalStatus).toBeGreaterThanOrEqual(400);
  await new Promise((r) => setTimeout(r, 500));
  await stillRunning();
});
