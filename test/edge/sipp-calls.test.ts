// Calls through the embedded edge and a drachtio-srf B2BUA with sipp as both
// real peers: UAC (sipp) -> edge -> B2BUA -> edge -> UAS (sipp).

import { afterEach, expect, it } from 'vitest';
import { type EdgeHarness, startEdgeWithB2bua } from './support/edge-harness.ts';
import { freePort } from './support/ports.ts';
import { settle, startSipp, stopAll } from './support/sipp.ts';

let h: EdgeHarness | undefined;
afterEach(async () => {
  await stopAll();
  await h?.close();
  h = undefined;
});

it('connects UDP calls end to end and tears them down on the caller’s BYE', async () => {
  const uasPort = await freePort();
  h = await startEdgeWithB2bua(
    { listen: [{ protocol: 'udp', host: '127.0.0.1' }] },
    (req) => `sip:${req.calledNumber}@127.0.0.1:${uasPort}`,
  );
  const uas = startSipp([
    '-sn',
    'uas',
    '-i',
    '127.0.0.1',
    '-p',
    String(uasPort),
    '-m',
    '5',
    '-timeout',
    '20s',
  ]);
  await settle();
  const uac = startSipp([
    `127.0.0.1:${h.sipPort('udp')}`,
    '-sn',
    'uac',
    '-s',
    'service',
    '-i',
    '127.0.0.1',
    '-p',
    String(await freePort()),
    '-m',
    '5',
    '-r',
    '5',
    '-timeout',
    '20s',
  ]);
  const a = await uac.done;
  const b = await uas.done;
  expect({ code: a.code, ok: a.successful, failed: a.failed }).toEqual({ code: 0, ok: 5, failed: 0 });
  expect({ code: b.code, ok: b.successful, failed: b.failed }).toEqual({ code: 0, ok: 5, failed: 0 });
  expect(h.b2bua.connected).toBe(5);
});
