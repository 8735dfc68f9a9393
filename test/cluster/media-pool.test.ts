/**
 * rtpengine as a pool (issue 12 item 4), with two real rtpengine processes: new calls go to the
 * first healthy instance, but a call stays on the instance that holds its media — after the
 * preferred instance comes back, a call set up on the other one keeps being re-offered, carried
 * and deleted there (the preferred instance knows nothing of it). test/media/supervision.test.ts
 * covers failover of new calls; this covers the calls already up.
 */
import { afterEach, expect, it } from 'vitest';
import { MediaService } from '../../src/media/media-service.ts';
import { NgClient } from '../../src/media/ng-client.ts';
import type { CallMediaPolicy } from '../../src/media/policy.ts';
import { RtpengineProcess } from '../../src/media/rtpengine-process.ts';
import { PCMU, setUpCall } from '../media/support/call.ts';
import { portRange, spawnConfig } from '../media/support/engine.ts';
import { sleep } from '../media/support/rtp.ts';
import { freePort } from '../support/ports.ts';
import { requireTool } from '../support/system-tools.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  // Every cleanup runs even when one fails, so no rtpengine is left behind.
  const results = [];
  for (const cleanup of cleanups.splice(0).reverse())
    results.push(
      await Promise.resolve()
        .then(cleanup)
        .then(
          () => undefined,
          (error: unknown) => error,
        ),
    );
  const failed = results.find((r) => r !== undefined);
  if (failed) throw failed;
});

/** A cleanup the test may also run itself, earlier. */
function once(work: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= work());
}

const plain: CallMediaPolicy = { offerer: {}, answerer: {} };

async function until(condition: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

/** Call ids one instance holds, asked over its own ng port. */
async function callsOn(engine: RtpengineProcess): Promise<string[]> {
  const client = new NgClient(engine.endpoint, 1000);
  try {
    return (await client.send('list', { limit: 1000 })).calls ?? [];
  } finally {
    client.close();
  }
}

it('a call stays on the instance holding its media after the preferred instance returns', async () => {
  const binary = requireTool('rtpengine');
  // One range split in two, so the instances never contend for a port.
  const { portMin } = portRange(200);
  const engines: RtpengineProcess[] = [];
  for (const half of [0, 1]) {
    const engine = new RtpengineProcess({
      binary,
      host: '127.0.0.1',
      ngPort: await freePort(),
      portMin: portMin + half * 100,
      portMax: portMin + half * 100 + 99,
    });
    await engine.start();
    cleanups.push(() => engine.stop());
    engines.push(engine);
  }
  const [first, second] = engines as [RtpengineProcess, RtpengineProcess];
  const endpointOf = (e: RtpengineProcess) => `127.0.0.1:${e.endpoint.port}`;
  const media = await MediaService.start(
    await spawnConfig({
      mode: 'external',
      endpoints: [first.endpoint, second.endpoint].map((e) => ({ host: '127.0.0.1', port: e.port })),
      timeoutMs: 300,
      pingIntervalMs: 200,
    }),
  );
  cleanups.push(() => media.close());

  // The preferred instance is down: the call is set up on the second.
  await first.stop();
  await until(() => media.health().endpoints[0]?.up === false);
  const call = await setUpCall(
    media,
    plain,
    (p) => p.sdp({ codecs: PCMU }),
    (p) => p.sdp({ codecs: PCMU }),
  );
  const closeCall = once(() => call.close());
  cleanups.push(closeCall);
  expect(call.session.endpoint).toBe(endpointOf(second));

  // The preferred instance returns and takes the new calls...
  await first.start();
  await until(() => media.health().endpoints.every((e) => e.up));
  const newer = await setUpCall(
    media,
    plain,
    (p) => p.sdp({ codecs: PCMU }),
    (p) => p.sdp({ codecs: PCMU }),
  );
  const closeNewer = once(() => newer.close());
  cleanups.push(closeNewer);
  expect(newer.session.endpoint).toBe(endpointOf(first));

  // ...while the first call's re-offer (a re-INVITE) and its media stay on the second.
  await call.session.offer(call.caller.sdp({ codecs: PCMU }), plain, {
    fromTag: 'caller-tag',
    toTag: 'callee-tag',
  });
  await call.session.answer(call.callee.sdp({ codecs: PCMU }), 'callee-tag');
  expect(call.session.endpoint).toBe(endpointOf(second));
  expect(await callsOn(second)).toEqual([call.session.callId]);
  expect(await callsOn(first)).toEqual([newer.session.callId]);
  await call.caller.stream(call.callerSendsTo, 0, 10, () => Buffer.alloc(160, 0xff));
  await until(() => call.callee.received.length >= 5);

  // Its delete goes to the second too: nothing is left anywhere.
  await closeCall();
  await closeNewer();
  expect(await callsOn(second)).toEqual([]);
  expect(await callsOn(first)).toEqual([]);
}, 40_000);
