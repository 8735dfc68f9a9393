// The shipped Zoom Phone Cloud Peering profile (rules/zoom) end to end: sipp plays Zoom's SBCs and
// the operator's core, each on the address the site file gives it; the SBC and its rtpengine are
// real. One test per requirement of seeds/000 and seeds/003 (docs/interop/zoom.md lists them).

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

const ZOOM_A = '127.0.0.11:5061';
const ZOOM_B = '127.0.0.12:5061';
const ZOOM_BACKUP = '127.0.0.13:5061';
const CORE = '127.0.0.20:5060';

let zoom: ProfileUnderTest;

beforeAll(async () => {
  // A short INVITE timeout (8 s shipped) keeps the timeout case quick; nothing else is changed.
  zoom = await startProfile('zoom', { tune: (t) => t.replaceAll('timeout: 8s', 'timeout: 1s') });
  await provision(
    zoom.sbc,
    [{ id: 'acme', name: 'Acme' }],
    [
      { number: '+14085551212', customer: 'acme', services: { zoom: true }, custom_header: 'acme-gold' },
      { number: '+14085551299', customer: 'acme', services: { zoom: false } },
    ],
  );
}, 40_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await zoom?.close();
});

describe('Zoom → operator core', () => {
  it('the seed INVITE reaches the core in E.164, SRTP turned into RTP, with the per-number header and no X-Zoom-*', async () => {
    const core = await startPeer(zoom, CORE, 'uas', 1);
    const caller = await placeCall(zoom, ZOOM_A, 'interop:srtp-caller', '+14085551212', [
      ...['-set', 'caller', '+14085551213', '-set', 'fromhost', '7006029031.zoom.us', '-set', 'rtp', '27862'],
    ]);
    const atCore = messages(await core.done);
    expect(caller.successful).toBe(1);
    const invite = messageStarting(atCore, /^INVITE /);
    expect(invite).toMatch(/^INVITE sip:\+14085551212@/);
    expect(invite).toMatch(/^X-Customer: acme-gold$/m);
    expect(invite).not.toMatch(/^X-Zoom-/m);
    expect(invite).toMatch(/^P-Asserted-Identity: "amiller" <sip:\+14085551213@/m);
    // The core leg is plain RTP: rtpengine took the SRTP off (seeds/000: "can interwork between them").
    expect(invite).toMatch(/^m=audio \d+ RTP\/AVP /m);
    expect(invite).not.toMatch(/^a=crypto:/m);
  }, 40_000);

  it('fails a call to a number that is not provisioned (seeds/000), and one not enabled for Zoom', async () => {
    const core = await startPeer(zoom, CORE, 'uas', 1, ['-timeout', '4s']);
    for (const [number, status] of [
      ['+14085550000', 'SIP/2.0 404 Number not provisioned'],
      ['+14085551299', 'SIP/2.0 404 Number not enabled for Zoom'],
    ] as const) {
      const caller = await placeCall(zoom, ZOOM_A, 'interop:srtp-caller', number, [
        ...['-set', 'caller', '+14085551213', '-set', 'fromhost', 'zoom.us', '-set', 'rtp', '27862'],
      ]);
      expect(startLines(messages(caller), /^SIP\/2\.0 [3-6]/)).toEqual([status]);
    }
    expect(startLines(messages(await core.done), /^INVITE /)).toEqual([]);
  }, 40_000);
});

describe('operator core → Zoom', () => {
  it("a late-offer core call reaches Zoom as an early offer in E.164, SRTP, Zoom's codecs at 20 ms, 100rel, timers 1800/90", async () => {
    const far = await startPeer(zoom, ZOOM_A, 'interop:srtp-callee', 1);
    const core = await placeCall(zoom, CORE, 'core:uac-late-offer', '4085551212');
    const atZoom = messages(await far.done);
    expect(core.successful).toBe(1);
    // One INVITE only: Zoom never saw an INVITE without SDP (it would have answered 488).
    expect(startLines(atZoom, /^INVITE /)).toHaveLength(1);
    expect(atZoom).not.toContain('488 Not Acceptable Here');
    const invite = messageStarting(atZoom, /^INVITE /);
    expect(invite).toMatch(/^INVITE sip:\+14085551212@/);
    expect(invite).toMatch(/^To: .*<sip:\+14085551212@/m);
    expect(invite).toMatch(/^P-Asserted-Identity: /m);
    expect(invite).toMatch(/^Session-Expires: 1800/m);
    expect(invite).toMatch(/^Min-SE: 90/m);
    expect(invite).toMatch(/^Supported: .*100rel/m);
    const m = /^m=audio \d+ (\S+) (.*)$/m.exec(invite);
    expect(m?.[1]).toBe('RTP/SAVP');
    expect(invite).toMatch(/^a=crypto:\d+ AES_CM_128_HMAC_SHA1_80 /m);
    // Only codecs Zoom takes (seeds/000: Opus, G.722, G.711); the core's G.711 passes without
    // transcoding, and its G.729 is not offered.
    const codecs = [...invite.matchAll(/^a=rtpmap:\d+ ([^/\s]+)/gm)].map((x) => x[1]);
    expect(codecs).toContain('PCMU');
    for (const codec of codecs) expect(['opus', 'G722', 'PCMU', 'PCMA', 'telephone-event']).toContain(codec);
    expect(invite).toMatch(/^a=ptime:20$/m);
  }, 40_000);

  it('retries each Zoom SBC once on 503, then the next SBC, then the backup route group (seeds/003)', async () => {
    const a = await startPeer(zoom, ZOOM_A, 'uas-503', 2);
    const b = await startPeer(zoom, ZOOM_B, 'uas-503', 2);
    const backup = await startPeer(zoom, ZOOM_BACKUP, 'interop:srtp-callee', 1);
    const core = await placeCall(zoom, CORE, 'core:uac-late-offer', '4085551212');
    const [ra, rb, rbackup] = await Promise.all([a.done, b.done, backup.done]);
    expect(core.successful).toBe(1);
    expect(startLines(messages(ra), /^INVITE /)).toHaveLength(2);
    expect(startLines(messages(rb), /^INVITE /)).toHaveLength(2);
    expect(startLines(messages(rbackup), /^INVITE /)).toHaveLength(1);
  }, 40_000);

  it('moves on from a Zoom SBC that times out, after the one retry', async () => {
    const b = await startPeer(zoom, ZOOM_B, 'interop:srtp-callee', 1);
    const before = zoom.sbc.cdrs().length;
    // Nothing answers at zoom_primary_a's address.
    const core = await placeCall(zoom, CORE, 'core:uac-late-offer', '4085551212');
    expect(core.successful).toBe(1);
    expect(startLines(messages(await b.done), /^INVITE /)).toHaveLength(1);
    const cdr = (await zoom.sbc.cdrsAtLeast(before + 1)).at(-1) as { attempts: { outcome: unknown }[] };
    expect(cdr.attempts.map((x) => x.outcome)).toEqual(['timeout', 'timeout', 200]);
  }, 40_000);

  it('relays a 180 without SDP as it is and turns a 180 with SDP into a 183 (seeds/000)', async () => {
    const zoomCall = (core: Awaited<ReturnType<typeof startPeer>>) =>
      placeCall(zoom, ZOOM_A, 'interop:srtp-caller', '+14085551212', [
        ...['-set', 'caller', '+14085551213', '-set', 'fromhost', 'zoom.us', '-set', 'rtp', '27862'],
      ]).then(async (r) => ({ caller: r, core: await core.done }));
    // sipp's built-in uas rings with a 180 without SDP.
    const plain = await zoomCall(await startPeer(zoom, CORE, 'uas', 1));
    expect(plain.caller.successful).toBe(1);
    expect(startLines(messages(plain.caller), /^SIP\/2\.0 18/)).toEqual(['SIP/2.0 180 Ringing']);
    const early = await zoomCall(await startPeer(zoom, CORE, 'interop:core-callee-180-sdp', 1));
    expect(early.caller.successful).toBe(1);
    expect(startLines(messages(early.caller), /^SIP\/2\.0 18/)).toEqual(['SIP/2.0 183 Session Progress']);
    expect(messageStarting(messages(early.caller), /^SIP\/2\.0 183/)).toMatch(/^m=audio \d+ RTP\/SAVP /m);
  }, 40_000);
});
