// Late offer → early offer through a real `sbc run` and the rtpengine it spawns (seeds/003: Zoom
// answers 488 to an INVITE without SDP). A caller's INVITE without SDP toward an `early_offer`
// trunk leaves the SBC with an offer built from the trunk's media policy; the far end's answer is
// the offer in the caller's 200, and the caller's answer in its ACK reaches rtpengine. Toward a
// trunk without `early_offer` the INVITE still goes without SDP.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { NgClient } from '../../src/media/ng-client.ts';
import { freePort } from '../edge/support/ports.ts';
import { stopAll } from '../edge/support/sipp.ts';
import type { SbcUnderTest } from '../support/sbc-under-test.ts';
import { messages, runUac, startUac, startUas, wait, startSbcWithRtpengine } from './support.ts';

let sbc: SbcUnderTest;
let ngPort: number;
let ports: { portMin: number; portMax: number };

beforeAll(async () => {
  ({ sbc, ngPort, ports } = await startSbcWithRtpengine(100));
}, 30_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await sbc?.close();
});

function rules(uacPort: number, uasPort: number, earlyOffer: boolean): string {
  return `ruleset late_to_early
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
}
trunk far {
  peers ["127.0.0.1:${uasPort}"]${earlyOffer ? '\n  early_offer true\n  media { codecs: [PCMA], srtp: off, ptime: 20ms }' : ''}
}
on request INVITE from caller {
  route far
}
`;
}

/** The SIP message in a trace that starts with `startLine` (up to the next blank-line-separated header block). */
function message(trace: string, startLine: RegExp): string {
  const at = trace.search(startLine);
  if (at < 0) return '';
  const rest = trace.slice(at);
  const end = rest.slice(1).search(/\n-{10,}|\n\s*(INVITE|ACK|BYE|SIP\/2\.0) /);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

interface QueriedStream {
  endpoint?: { address: string; port: number };
}
interface QueriedTag {
  tag: string;
  medias?: { streams?: QueriedStream[] }[];
}

it('sends an offer to an early_offer trunk for a caller without SDP, and anchors the caller from its ACK', async () => {
  const uacPort = await freePort();
  const uas = await startUas('core:uas-zoom-early-offer', 1);
  await sbc.activate(rules(uacPort, uas.port, true));
  const uac = await startUac(sbc.sipPort, { scenario: 'core:uac-late-offer', port: uacPort });
  const client = new NgClient({ host: '127.0.0.1', port: ngPort }, 1000);
  try {
    // While the call is up, rtpengine sends the caller's media where its ACK said (port 6100),
    // not to the placeholder (port 9) it was given before: the ACK's answer reached it.
    let callerEndpoints: number[] = [];
    for (let i = 0; i < 15 && !callerEndpoints.includes(6100); i++) {
      await wait(100);
      callerEndpoints = await endpointsInRtpengine(client).catch(() => []);
    }
    expect(callerEndpoints).toContain(6100);
    expect(callerEndpoints).toContain(6200);
    expect(callerEndpoints).not.toContain(9);
  } finally {
    client.close();
  }
  const uacResult = await uac.done;
  const uasResult = await uas.done;
  expect(uacResult.successful).toBe(1);
  expect(uasResult.successful).toBe(1);
  const atFar = messages(uasResult);
  const invite = message(atFar, /INVITE sip:/);
  // One INVITE only (no 488), with an offer in the trunk's codec, anchored on rtpengine's ports.
  expect(atFar.match(/^INVITE sip:/gm)).toHaveLength(1);
  expect(invite).toMatch(/^m=audio (\d+) RTP\/AVP 8\b/m);
  expect(invite).toMatch(/^a=rtpmap:8 PCMA\/8000/m);
  expect(invite).not.toMatch(/PCMU/);
  const offerPort = Number(/^m=audio (\d+)/m.exec(invite)?.[1]);
  expect(offerPort).toBeGreaterThanOrEqual(ports.portMin);
  expect(offerPort).toBeLessThanOrEqual(ports.portMax);
  // The caller's 200 carries an offer (rtpengine's, not the far end's port 6200).
  const ok = message(messages(uacResult), /SIP\/2\.0 200 OK/);
  const okPort = Number(/^m=audio (\d+)/m.exec(ok)?.[1]);
  expect(okPort).toBeGreaterThanOrEqual(ports.portMin);
  expect(okPort).toBeLessThanOrEqual(ports.portMax);
  expect(ok).toMatch(/PCMA\/8000/);
}, 40_000);

/** Ports rtpengine sends media to, over every call it holds (the caller's 6100, the callee's 6200). */
async function endpointsInRtpengine(client: NgClient): Promise<number[]> {
  const { calls = [] } = await client.send('list', { limit: 100 });
  const found: number[] = [];
  for (const callId of calls) {
    const reply = await client.send('query', { 'call-id': callId });
    const tags = (reply.tags ?? {}) as Record<string, QueriedTag>;
    for (const t of Object.values(tags))
      for (const m of t.medias ?? [])
        for (const s of m.streams ?? []) if (s.endpoint) found.push(s.endpoint.port);
  }
  return found;
}

it('still relays a late offer without SDP to a trunk without early_offer', async () => {
  const uacPort = await freePort();
  const uas = await startUas('core:uas-late-offer', 1);
  await sbc.activate(rules(uacPort, uas.port, false));
  const uac = await runUac(sbc.sipPort, { scenario: 'core:uac-late-offer', port: uacPort });
  const uasResult = await uas.done;
  expect(uac.successful).toBe(1);
  expect(uasResult.successful).toBe(1);
  const atFar = messages(uasResult);
  expect(message(atFar, /INVITE sip:/)).not.toMatch(/m=audio/);
  // The caller's answer crossed in the ACK (RFC 3261 §13.2.1).
  expect(message(atFar, /ACK sip:/)).toMatch(/^m=audio 6100 /m);
}, 40_000);
