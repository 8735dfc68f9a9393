// Regression from the SIP wire fuzzer: requests whose header lines end in a bare LF. The edge
// accepts them (RFC 3261 §7 asks for CRLF; tolerating LF is the robust choice), but handed them
// on as received, and the core's SIP library splits on CRLF only: it saw an INVITE without SDP
// body as one with no headers at all, and dropped one with a body (no final answer ever, the
// caller left with 100 Trying). Each variant must reach the rules with its headers, and a far
// end's bare-LF response with a body must reach the caller.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { type FarEnd, startFarEnd } from './support/far-end.ts';
import { header, sendUdpRequest } from './support/sip-client.ts';

let sbc: SbcUnderTest;
let far: FarEnd;

beforeAll(async () => {
  far = await startFarEnd('127.0.0.1', await freePort(), { lineEnd: '\n', busyBody: 'busy, bare LF\n' });
  sbc = await startSbcUnderTest({
    rules: `ruleset line_ends
trunk callers {
  peers ["127.0.0.1:5070"]
  sources [127.0.0.1/32]
}
trunk far {
  peers ["127.0.0.1:${far.port}"]
}
on request INVITE from callers {
  if header["X-Route"] == "far" {
    route far
  }
  if header["X-Probe"] == "seen" {
    reject 486 "Probe Seen"
  }
  reject 480 "No Probe Header"
}
`,
  });
}, 30_000);

afterAll(async () => {
  await sbc?.close();
  far?.close();
});

const SDP =
  'v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n';

function invite(port: number, lineEnd: string, body: string, n: number, extra: string[] = []): string {
  return [
    `INVITE sip:+14155550100@127.0.0.1:${sbc.sipPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-lineends-${n}`,
    'Max-Forwards: 70',
    `From: <sip:+12125550100@127.0.0.1>;tag=le${n}`,
    'To: <sip:+14155550100@127.0.0.1>',
    `Call-ID: line-ends-${n}@fuzz`,
    'CSeq: 1 INVITE',
    `Contact: <sip:caller@127.0.0.1:${port}>`,
    'Subject: line ends',
    '\tcontinued', // a folded line (RFC 3261 §7.3.1), to keep the unfolding honest
    'X-Probe: seen',
    ...extra,
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join(lineEnd);
}

const variants = [
  { name: 'CRLF, with SDP', lineEnd: '\r\n', body: SDP },
  { name: 'bare LF, with SDP', lineEnd: '\n', body: SDP },
  { name: 'bare LF, no body', lineEnd: '\n', body: '' },
  { name: 'mixed CRLF and LF', lineEnd: '\n', body: SDP, mixed: true },
];

for (const [n, v] of variants.entries()) {
  it(`answers an INVITE with ${v.name} line ends from its rules, headers seen`, async () => {
    const answer = await sendUdpRequest(sbc.sipPort, (port) => {
      const text = invite(port, v.lineEnd, v.body, n);
      return v.mixed ? text.replace('Max-Forwards: 70\n', 'Max-Forwards: 70\r\n') : text;
    });
    expect(answer.statusLines.at(-1)).toBe('SIP/2.0 486 Probe Seen');
    expect(header(answer.final, 'Call-ID')).toBe(`line-ends-${n}@fuzz`);
  });
}

it("relays a far end's bare-LF response with a body to the caller", async () => {
  const answer = await sendUdpRequest(sbc.sipPort, (port) => invite(port, '\r\n', SDP, 9, ['X-Route: far']));
  expect(far.received()).toBeGreaterThan(0);
  expect(answer.statusLines.at(-1)).toBe('SIP/2.0 486 Busy Here');
});
