// Call flows beyond the plain call, with sipp as both peers around the edge
// and the drachtio-srf B2BUA: CANCEL, 486 and 503 from the far end,
// re-INVITE, and retransmissions when sipp drops packets.

import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { type EdgeHarness, startEdgeWithB2bua } from './support/edge-harness.ts';
import { freePort } from './support/ports.ts';
import { runCalls, summary } from './support/sipp-call.ts';
import { stopAll } from './support/sipp.ts';

let h: EdgeHarness | undefined;
afterEach(async () => {
  await stopAll();
  await h?.close();
  h = undefined;
});

async function udpEdge(uasPort: number, t1Ms?: number): Promise<EdgeHarness> {
  return startEdgeWithB2bua(
    { listen: [{ protocol: 'udp', host: '127.0.0.1' }], t1Ms },
    (req) => `sip:${req.calledNumber}@127.0.0.1:${uasPort}`,
  );
}

it('carries a CANCEL from the caller to the ringing far end (200 and 487 on both legs)', async () => {
  const uasPort = await freePort();
  h = await udpEdge(uasPort);
  const r = await runCalls(h, uasPort, {
    transport: 'udp',
    uas: 'uas-ring-cancel',
    uac: 'uac-cancel',
    calls: 3,
  });
  expect(summary(r.uac)).toEqual({ code: 0, ok: 3, failed: 0 });
  expect(summary(r.uas)).toEqual({ code: 0, ok: 3, failed: 0 });
  expect(h.b2bua.connected).toBe(0);
  expect(h.b2bua.failures).toEqual([487, 487, 487]);
});

for (const status of [486, 503]) {
  it(`passes a ${status} from the far end back to the caller and ACKs it on the far leg`, async () => {
    const uasPort = await freePort();
    h = await udpEdge(uasPort);
    const r = await runCalls(h, uasPort, {
      transport: 'udp',
      uas: `uas-${status}`,
      uac: 'uac-rejected',
      calls: 3,
    });
    // The UAS scenario ends with the ACK: it only succeeds when the edge ACKed the non-2xx.
    expect(summary(r.uas)).toEqual({ code: 0, ok: 3, failed: 0 });
    expect(summary(r.uac)).toEqual({ code: 0, ok: 3, failed: 0 });
    expect(h.b2bua.failures).toEqual([status, status, status]);
  });
}

it('carries a re-INVITE through both dialogs and ends the call with BYE', async () => {
  const uasPort = await freePort();
  h = await udpEdge(uasPort);
  const r = await runCalls(h, uasPort, {
    transport: 'udp',
    uas: 'uas-reinvite',
    uac: 'uac-reinvite',
    calls: 3,
  });
  expect(summary(r.uac)).toEqual({ code: 0, ok: 3, failed: 0 });
  expect(summary(r.uas)).toEqual({ code: 0, ok: 3, failed: 0 });
  expect(h.b2bua.connected).toBe(3);
});

it('completes every call when the far end drops 10% of what the SBC sends it (retransmissions, T1 = 100 ms)', async () => {
  // The loss is on the far (UAS) side: each INVITE, ACK and BYE the edge sends
  // there may vanish (lost="10" on each receive in uas-lossy.xml), so the edge's
  // own transactions must retransmit (RFC 3261 §17.1.1.2, §17.1.2.2) and ACK the
  // far end's retransmitted 200 again (§13.2.2.4). Only what the edge must repair
  // is dropped: sipp's global -lost also drops what sipp sends and then now and
  // then gives up on a call by itself, which says more about sipp than the SBC.
  const uasPort = await freePort();
  h = await udpEdge(uasPort, 100);
  const r = await runCalls(h, uasPort, {
    transport: 'udp',
    uas: join(import.meta.dirname, '..', 'support', 'sipp', 'uas-lossy.xml'),
    uac: 'uac',
    calls: 12,
    rate: 12,
    timeoutSeconds: 110,
    // The caller holds each call for 1 s, so the callee's 200 retransmissions (after a dropped
    // ACK) are over before the BYE: sipp's callee aborts on a BYE while it still waits for an ACK.
    uacArgs: ['-d', '1000'],
  });
  expect(summary(r.uac)).toEqual({ code: 0, ok: 12, failed: 0 });
  expect(summary(r.uas)).toEqual({ code: 0, ok: 12, failed: 0 });
}, 150_000);
