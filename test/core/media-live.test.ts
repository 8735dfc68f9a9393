// Media anchoring through a real `sbc run` and a real rtpengine it spawns (issue item 5): the SDP
// each side gets is rtpengine's, the rtpengine session is gone when the call ends, and a call
// needing media while no rtpengine is available gets 503.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { NgClient } from '../../src/media/ng-client.ts';
import { freePort } from '../edge/support/ports.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { rtpengineProbe } from '../media/support/engine.ts';
import { type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { messages, runUac, startUac, startLines, startUas, wait, startSbcWithRtpengine } from './support.ts';

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

function rules(uacPort: number, uasPort: number): string {
  return `ruleset anchored
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
}
trunk core {
  peers ["127.0.0.1:${uasPort}"]
  media { codecs: [PCMU], srtp: off }
}
on request INVITE from caller {
  route core
}
`;
}

const audioPort = (sdp: string) => Number(/^m=audio (\d+)/m.exec(sdp)?.[1]);

it('anchors the call in rtpengine and deletes its session when the call ends', async () => {
  const health = (await sbc.api('GET', '/health')).json as { components: Record<string, { ok: boolean }> };
  expect(health.components.media).toMatchObject({ ok: true });
  const uacPort = await freePort();
  const uas = await startUas('uas', 1);
  await sbc.activate(rules(uacPort, uas.port));
  const uac = await runUac(sbc.sipPort, { port: uacPort });
  await uas.done;
  expect(uac.successful).toBe(1);
  const atPeer = messages(await uas.done);
  const offer = atPeer.slice(atPeer.indexOf('INVITE '));
  const answer = messages(uac).slice(messages(uac).indexOf('SIP/2.0 200'));
  // Both sides see rtpengine's ports, not each other's (sipp's media port is 6000).
  expect(audioPort(offer)).toBeGreaterThanOrEqual(ports.portMin);
  expect(audioPort(offer)).toBeLessThanOrEqual(ports.portMax);
  expect(audioPort(answer)).toBeGreaterThanOrEqual(ports.portMin);
  expect(audioPort(answer)).toBeLessThanOrEqual(ports.portMax);
  // rtpengine holds no call any more.
  const probe = await rtpengineProbe(ngPort);
  try {
    await wait(300);
    expect(await probe.rtpengineCallIds()).toEqual([]);
  } finally {
    await probe.close();
  }
}, 40_000);

it('refuses a call that needs media with 503 while no rtpengine is available', async () => {
  const broken = await startSbcUnderTest({
    config: { media: { rtpengine: { mode: 'spawn', binary: '/bin/false', ngPort: await freePort() } } },
  });
  try {
    const uacPort = await freePort();
    await broken.activate(rules(uacPort, await freePort()));
    const uac = await runUac(broken.sipPort, { port: uacPort });
    expect(startLines(messages(uac), /^SIP\/2\.0 [2-6]/)).toEqual(['SIP/2.0 503 Service Unavailable']);
    expect(broken.cdrs().at(-1)).toMatchObject({ status: 503, cause: 'media' });
    // …and says so: /health is degraded naming rtpengine, /ready is 503 on its media check.
    const health = (await broken.api('GET', '/health')).json as {
      status: string;
      components: Record<string, { ok: boolean; detail: string }>;
    };
    expect(health.status).toBe('degraded');
    expect(health.components.media?.ok).toBe(false);
    expect(health.components.media?.detail).toMatch(/no rtpengine available/);
    const ready = await broken.api('GET', '/ready');
    expect(ready.status).toBe(503);
    expect((ready.json as { checks: Record<string, boolean> }).checks.media).toBe(false);
  } finally {
    await broken.close();
  }
}, 40_000);

/** rtpengine's view of its calls: for each party's tag, the ports it sends that party's media to. */
async function endpointsByTag(client: NgClient): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const { calls = [] } = await client.send('list', { limit: 100 });
  for (const callId of calls) {
    const reply = await client.send('query', { 'call-id': callId });
    const tags = (reply.tags ?? {}) as Record<
      string,
      { tag: string; medias?: { streams?: { endpoint?: { port: number } }[] }[] }
    >;
    for (const t of Object.values(tags)) {
      const ports = (t.medias ?? []).flatMap((m) =>
        (m.streams ?? []).flatMap((st) => st.endpoint?.port ?? []),
      );
      out.set(t.tag, ports);
    }
  }
  return out;
}

it('sends a re-offer from the callee to rtpengine as from the callee', async () => {
  // The callee re-INVITEs with media on 6300, the caller answers with 6400: rtpengine must send the
  // callee's media to 6300 and the caller's to 6400 (taken the other way round, it would swap them).
  const uacPort = await freePort();
  const uas = await startUas('core:uas-reoffer', 1);
  await sbc.activate(rules(uacPort, uas.port));
  const uac = await startUac(sbc.sipPort, { scenario: 'core:uac-answer-reoffer', port: uacPort });
  const client = new NgClient({ host: '127.0.0.1', port: ngPort }, 1000);
  let caller: number[] = [];
  let callee: number[] = [];
  try {
    for (let i = 0; i < 20 && !(caller.includes(6400) && callee.includes(6300)); i++) {
      await wait(100);
      const byTag = await endpointsByTag(client).catch(() => new Map<string, number[]>());
      for (const [tag, ports] of byTag) {
        if (tag.includes('SIPpTag00')) caller = ports;
        if (tag.includes('SIPpTag01')) callee = ports;
      }
    }
  } finally {
    client.close();
  }
  expect(caller).toContain(6400);
  expect(callee).toContain(6300);
  const uacResult = await uac.done;
  const uasResult = await uas.done;
  expect(uacResult.successful).toBe(1);
  expect(uasResult.successful).toBe(1);
  // Each side saw rtpengine's port in the re-offer/answer, not the other's.
  const reinvite = messages(uacResult).slice(messages(uacResult).lastIndexOf('INVITE sip:'));
  const port = Number(/^m=audio (\d+)/m.exec(reinvite)?.[1]);
  expect(port).toBeGreaterThanOrEqual(ports.portMin);
  expect(port).toBeLessThanOrEqual(ports.portMax);
}, 40_000);
