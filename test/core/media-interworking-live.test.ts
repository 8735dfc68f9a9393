// Ringback injection and DTMF interworking in live calls (issue: media, items 5 and 6), through a
// real `sbc run`, the rtpengine it spawns, sipp on both sides for the signaling and test RTP peers
// for the media. Operator Connect and Teams Phone Mobile need ringback injection and DTMF
// interworking between RFC 2833 telephone events and SIP INFO (seeds/001, seeds/004).

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { decodeUlaw, encodeUlaw, powerAt } from '../media/support/g711.ts';
import { portRange } from '../media/support/engine.ts';
import { RtpPeer } from '../media/support/rtp.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { freePort } from '../support/ports.ts';
import { type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { requireTool } from '../support/system-tools.ts';
import { messages, numberWritten, runUac, startUas } from './support.ts';

let sbc: SbcUnderTest;
const ports = portRange(100);

beforeAll(async () => {
  sbc = await startSbcUnderTest({
    config: {
      media: {
        rtpengine: {
          mode: 'spawn',
          binary: requireTool('rtpengine'),
          ngPort: await freePort(),
          ...ports,
          pingIntervalMs: 500,
        },
      },
    },
  });
}, 30_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await sbc?.close();
});

function rules(uacPort: number, uasPort: number, caller: string, callee: string): string {
  return `ruleset interworking
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
  media { ${caller} }
}
trunk core {
  peers ["127.0.0.1:${uasPort}"]
  media { ${callee} }
}
on request INVITE from caller {
  route core
}
`;
}

const silence = () => encodeUlaw(new Array(160).fill(0));

it('plays a ringback tone to the caller while the callee rings without early media, until it answers', async () => {
  const out = mkdtempSync(join(tmpdir(), 'sbc-ringback-'));
  const caller = await RtpPeer.open();
  const callee = await RtpPeer.open();
  try {
    const uacPort = await freePort();
    const ringMs = 1200;
    const holdMs = 2000;
    const uas = await startUas('core:uas-media-peer', 1, [
      ...['-set', 'rtp', String(callee.port), '-set', 'out', out, '-d', String(ringMs)],
    ]);
    await sbc.activate(
      rules(uacPort, uas.port, 'ringback: inject, codecs: [PCMU]', 'codecs: [PCMU], srtp: off'),
    );
    const uac = await runUac(sbc.sipPort, {
      scenario: 'core:uac-early-media',
      port: uacPort,
      extra: ['-set', 'rtp', String(caller.port), '-d', String(holdMs)],
    });
    const atCallee = messages(await uas.done);
    expect(uac.successful).toBe(1);
    const atCaller = messages(uac);
    // The callee's 180 had no SDP; the caller got a 183 with rtpengine's SDP instead.
    expect(atCallee).toMatch(/SIP\/2\.0 180 Ringing\r?\n(?:(?!\r?\n\r?\n)[\s\S])*Content-Length: 0/);
    const early = atCaller.slice(atCaller.indexOf('SIP/2.0 183 Session Progress'));
    expect(early).toMatch(/^m=audio (\d+) RTP\/AVP 0/m);
    const tone = caller.ofType(0);
    // ~60 packets of tone while ringing (20 ms each); had it gone on after the answer, ~160.
    expect(tone.length).toBeGreaterThanOrEqual(30);
    expect(tone.length).toBeLessThanOrEqual(110);
    const samples = tone.slice(2).flatMap((p) => decodeUlaw(p.payload));
    // The default ringback is 440 + 480 Hz (North American ringing, ITU-T E.180).
    expect(powerAt(samples, 440)).toBeGreaterThan(20 * powerAt(samples, 1000));
  } finally {
    caller.close();
    callee.close();
  }
}, 30_000);

it('injects SIP INFO digits into the media of an RFC 2833 leg, and sends that leg’s digits as INFO', async () => {
  const out = mkdtempSync(join(tmpdir(), 'sbc-dtmf-'));
  const caller = await RtpPeer.open();
  const callee = await RtpPeer.open();
  try {
    const uacPort = await freePort();
    const uas = await startUas('core:uas-media-peer', 1, [
      ...['-set', 'rtp', String(callee.port), '-set', 'out', out, '-d', '0'],
    ]);
    await sbc.activate(rules(uacPort, uas.port, 'dtmf: info, codecs: [PCMU]', 'dtmf: rfc2833, srtp: off'));
    const call = runUac(sbc.sipPort, {
      scenario: 'core:uac-dtmf-info',
      port: uacPort,
      extra: ['-set', 'rtp', String(caller.port), '-set', 'out', out, '-d', '800'],
    });
    const calleeSendsTo = await numberWritten(join(out, 'callee-sends-to'));
    const callerSendsTo = await numberWritten(join(out, 'caller-sends-to'));
    const te = Number(readFileSync(join(out, 'telephone-event'), 'utf8').trim());
    expect(te).toBeGreaterThanOrEqual(96);
    // Both streams flow (rtpengine injects a digit into the stream one party sends to the other).
    const callerStream = caller.stream(callerSendsTo, 0, 150, silence);
    const ts = await callee.stream(calleeSendsTo, 0, 25, silence);
    await callee.sendDigit(calleeSendsTo, te, 5, ts);
    await callee.stream(calleeSendsTo, 0, 100, silence, { timestampStart: ts + 960 });
    await callerStream;
    const uac = await call;
    const atCallee = messages(await uas.done);
    expect(uac.successful).toBe(1);
    // The caller's INFO digit 7 reached the callee as RFC 4733 events, not as an INFO.
    const events = callee.ofType(te);
    expect(new Set(events.map((p) => p.payload[0]))).toEqual(new Set([7]));
    expect(atCallee).not.toMatch(/^INFO /m);
    // The callee's RFC 4733 digit 5 reached the caller as an INFO (application/dtmf-relay).
    const info = messages(uac).slice(messages(uac).search(/^INFO /m));
    expect(info).toMatch(/^INFO sip:/);
    expect(info).toMatch(/Content-Type: application\/dtmf-relay/i);
    expect(info).toMatch(/Signal=5/);
    // …and not as RTP events (the caller's leg takes no telephone-event).
    expect(caller.received.filter((p) => p.payloadType !== 0)).toHaveLength(0);
  } finally {
    caller.close();
    callee.close();
  }
}, 30_000);
