// Calls through the embedded edge and a drachtio-srf B2BUA with sipp as both
// real peers: UAC (sipp) -> edge -> B2BUA -> edge -> UAS (sipp), over UDP,
// TCP and TLS.

import { afterEach, expect, it } from 'vitest';
import { type EdgeHarness, startEdgeWithB2bua } from './support/edge-harness.ts';
import { freePort } from './support/ports.ts';
import { runCalls, summary } from './support/sipp-call.ts';
import { stopAll } from './support/sipp.ts';
import { selfSignedCert } from './support/tls.ts';
import { type Relay, tcpToTls, tlsToTcp } from './support/tls-relay.ts';

let h: EdgeHarness | undefined;
const relays: Relay[] = [];
afterEach(async () => {
  await stopAll();
  for (const r of relays.splice(0)) await r.close();
  await h?.close();
  h = undefined;
});

it('connects UDP calls end to end and tears them down on the caller’s BYE', async () => {
  const uasPort = await freePort();
  h = await startEdgeWithB2bua(
    { listen: [{ protocol: 'udp', host: '127.0.0.1' }] },
    (req) => `sip:${req.calledNumber}@127.0.0.1:${uasPort}`,
  );
  const r = await runCalls(h, uasPort, { transport: 'udp', uas: 'uas', uac: 'uac', calls: 5 });
  expect(summary(r.uac)).toEqual({ code: 0, ok: 5, failed: 0 });
  expect(summary(r.uas)).toEqual({ code: 0, ok: 5, failed: 0 });
  expect(h.b2bua.connected).toBe(5);
  // Every transaction and dialog of the finished calls is released or on its way out.
  expect(h.edge.stack.stats().dialogs).toBe(0);
});

it('connects TCP calls, reusing one connection per peer', async () => {
  const uasPort = await freePort();
  h = await startEdgeWithB2bua(
    { listen: [{ protocol: 'tcp', host: '127.0.0.1' }] },
    (req) => `sip:${req.calledNumber}@127.0.0.1:${uasPort};transport=tcp`,
  );
  const r = await runCalls(h, uasPort, { transport: 'tcp', uas: 'uas', uac: 'uac', calls: 5 });
  expect(summary(r.uac)).toEqual({ code: 0, ok: 5, failed: 0 });
  expect(summary(r.uas)).toEqual({ code: 0, ok: 5, failed: 0 });
  expect(h.b2bua.connected).toBe(5);
  // Five calls' INVITEs, ACKs and BYEs toward the far end went over one connection.
  expect(h.edge.connections().opened).toBe(1);
});

it('connects TLS calls with the certificate from the config, verifying the far end', async () => {
  const cert = selfSignedCert();
  const uasPort = await freePort();
  // sipp talks TCP; relays put TLS between it and the edge on both legs (see tls-relay.ts).
  const toUas = await tlsToTcp(uasPort, cert);
  relays.push(toUas);
  h = await startEdgeWithB2bua(
    {
      listen: [{ protocol: 'tls', host: '127.0.0.1' }],
      tls: { certFile: cert.certFile, keyFile: cert.keyFile, ca: cert.cert },
    },
    (req) => `sip:${req.calledNumber}@127.0.0.1:${toUas.port};transport=tls`,
  );
  const fromUac = await tcpToTls(h.sipPort('tls'), cert);
  relays.push(fromUac);
  const r = await runCalls(h, uasPort, {
    transport: 'tcp',
    uas: 'uas',
    uac: 'uac',
    calls: 3,
    uacTarget: fromUac.port,
  });
  expect(summary(r.uac)).toEqual({ code: 0, ok: 3, failed: 0 });
  expect(summary(r.uas)).toEqual({ code: 0, ok: 3, failed: 0 });
  expect(h.b2bua.connected).toBe(3);
  expect(h.logs.records.some((l) => l.msg === 'rejected SIP message')).toBe(false);
});

it('refuses a TLS listen address without a certificate', async () => {
  await expect(
    startEdgeWithB2bua({ listen: [{ protocol: 'tls', host: '127.0.0.1' }] }, () => 'sip:x@127.0.0.1'),
  ).rejects.toThrow(/tls/i);
});

it('releases every transaction and dialog once the calls are over (no state left behind)', async () => {
  const uasPort = await freePort();
  h = await startEdgeWithB2bua(
    { listen: [{ protocol: 'udp', host: '127.0.0.1' }], t1Ms: 20 },
    (req) => `sip:${req.calledNumber}@127.0.0.1:${uasPort}`,
  );
  const r = await runCalls(h, uasPort, { transport: 'udp', uas: 'uas', uac: 'uac', calls: 30, rate: 30 });
  expect(summary(r.uac)).toEqual({ code: 0, ok: 30, failed: 0 });
  // Timers J/L/M are 64·T1 = 1.28 s here; Timer K is T4 = 5 s.
  const end = Date.now() + 8000;
  let stats = h.edge.stack.stats();
  while (stats.serverTransactions + stats.clientTransactions + stats.appTransactions + stats.dialogs > 0) {
    if (Date.now() > end) break;
    await new Promise((res) => setTimeout(res, 200));
    stats = h.edge.stack.stats();
  }
  expect(stats).toMatchObject({
    serverTransactions: 0,
    clientTransactions: 0,
    appTransactions: 0,
    dialogs: 0,
  });
}, 40_000);
