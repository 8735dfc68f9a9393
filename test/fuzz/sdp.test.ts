// Issue 11 item 2: SDP fuzzing through a real `sbc run` that anchors media in the real rtpengine
// it spawns. Offers that are malformed by construction get 488 with a reason (RFC 3261 §21.4.26);
// seeded random damage to a valid offer gets either 488 or, when the offer is still usable, the
// far end's answer — never a 5xx, never silence. rtpengine survives every offer (same PID) and is
// left holding no call. FUZZ_SEED=n replays a run.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { NgClient } from '../../src/media/ng-client.ts';
import { portRange } from '../media/support/engine.ts';
import { freePort } from '../support/ports.ts';
import { requireTool } from '../support/system-tools.ts';
import { metricSum, type SbcNode, sleep, startSbcNode, until } from '../faults/support/sbc-node.ts';
import { type FarEnd, startFarEnd } from './support/far-end.ts';
import { fuzzSeed } from './support/random.ts';
import { MALFORMED_SDP, sdpCase } from './support/sdp-cases.ts';
import { type SipAnswer, sendUdpRequest } from './support/sip-client.ts';

const RANDOM_OFFERS = 300;
const seed = fuzzSeed();
let sbc: SbcNode;
let far: FarEnd;
let ngPort: number;

beforeAll(async () => {
  far = await startFarEnd('127.0.0.2', await freePort('127.0.0.2'));
  ngPort = await freePort();
  sbc = await startSbcNode({
    config: {
      media: {
        rtpengine: {
          mode: 'spawn',
          binary: requireTool('rtpengine'),
          ngPort,
          ...portRange(2000),
          pingIntervalMs: 500,
        },
      },
      // Hundreds of offers from one address in seconds: above the default per-source INVITE
      // limit (200/s), which would answer 503 before the SDP is even read.
      core: { flood: { perSourceCps: 100_000 } },
    },
  });
  await sbc.activate(`ruleset sdp_fuzz
trunk callers {
  peers ["127.0.0.1:5070"]
  sources [127.0.0.1/32]
  media { codecs: [PCMU, PCMA], srtp: off }
}
trunk far {
  peers ["127.0.0.2:${far.port}"]
  media { codecs: [PCMU, PCMA], srtp: off }
}
on request INVITE from callers {
  route far
}
`);
  await until('rtpengine spawned', () => sbc.rtpenginePids().length === 1, 10_000);
}, 40_000);

afterAll(async () => {
  await sbc?.close();
  far?.close();
});

function invite(port: number, n: number, sdp: string): Buffer {
  const head = [
    `INVITE sip:+14155550100@127.0.0.1:${sbc.sipPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-sdp${seed}-${n}`,
    'Max-Forwards: 70',
    `From: <sip:+12125550100@127.0.0.1>;tag=sdp${n}`,
    'To: <sip:+14155550100@127.0.0.1>',
    `Call-ID: sdp-fuzz-${seed}-${n}@fuzz`,
    'CSeq: 1 INVITE',
    `Contact: <sip:caller@127.0.0.1:${port}>`,
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(sdp)}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), Buffer.from(sdp)]);
}

const reasonOf = (a: SipAnswer) => /^SIP\/2\.0 \d{3} (.*)$/.exec(a.statusLines.at(-1) ?? '')?.[1] ?? '';

for (const [n, [name, sdp]] of Object.entries(MALFORMED_SDP).entries()) {
  it(`refuses a malformed offer with 488 and a reason: ${name}`, async () => {
    const rtpengine = sbc.rtpenginePids();
    const answer = await sendUdpRequest(sbc.sipPort, (port) => invite(port, 100_000 + n, sdp));
    expect(answer.finalStatus, answer.statusLines.join(' | ')).toBe(488);
    expect(reasonOf(answer).length).toBeGreaterThan(0);
    expect(sbc.rtpenginePids()).toEqual(rtpengine);
  });
}

it(`answers ${RANDOM_OFFERS} randomly damaged offers with 488 or the far end's answer, never 5xx (FUZZ_SEED=${seed})`, async () => {
  const rtpengine = sbc.rtpenginePids();
  const finals = new Map<number | undefined, number>();
  const wrong: string[] = [];
  const next = { n: 0 };
  const worker = async () => {
    for (let n = next.n++; n < RANDOM_OFFERS; n = next.n++) {
      const sdp = sdpCase(seed, n);
      const answer = await sendUdpRequest(sbc.sipPort, (port) => invite(port, n, sdp), 8000);
      finals.set(answer.finalStatus, (finals.get(answer.finalStatus) ?? 0) + 1);
      const ok = answer.finalStatus === 486 || (answer.finalStatus === 488 && reasonOf(answer).length > 0);
      if (!ok)
        wrong.push(
          `case ${n}: ${answer.statusLines.at(-1) ?? 'no answer'} ← ${JSON.stringify(sdp.slice(0, 400))}`,
        );
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  expect(
    wrong,
    `FUZZ_SEED=${seed}: ${wrong.length} offers answered wrongly\n${wrong.slice(0, 10).join('\n')}`,
  ).toEqual([]);
  // Both outcomes occur, so both paths (refusal, and rtpengine offer + answer + delete) were fuzzed.
  expect(finals.get(488) ?? 0).toBeGreaterThan(RANDOM_OFFERS / 10);
  expect(finals.get(486) ?? 0).toBeGreaterThan(RANDOM_OFFERS / 10);
  // rtpengine never died, and holds no session once the calls are over.
  expect(sbc.rtpenginePids()).toEqual(rtpengine);
  await sleep(300);
  const client = new NgClient({ host: '127.0.0.1', port: ngPort }, 1000);
  try {
    expect((await client.send('list', { limit: 1000 })).calls ?? []).toEqual([]);
  } finally {
    client.close();
  }
  expect(metricSum(await sbc.metrics(), 'sbc_calls_active')).toBe(0);
  expect((await sbc.api('GET', '/health')).status).toBe(200);
}, 120_000);
