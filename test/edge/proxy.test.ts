// The embedded edge as a stateful proxy (RFC 3261 §16) for a drachtio-srf app
// calling `req.proxy()`, with sipp as the real caller and callees:
// record-routed calls whose ACK and BYE pass through the edge without the app,
// serial failover, simultaneous forking, CANCEL, and the best final response.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { freePort } from './support/ports.ts';
import { type ProxyHarness, startEdgeWithProxy } from './support/proxy-app.ts';
import { runCalls, startCallee, startCaller, summary } from './support/sipp-call.ts';
import { settle, stopAll } from './support/sipp.ts';

let h: ProxyHarness | undefined;
afterEach(async () => {
  await stopAll();
  await h?.close();
  h = undefined;
});

const udp = { listen: [{ protocol: 'udp' as const, host: '127.0.0.1' }] };

it('proxies record-routed calls: the ACK and BYE follow the route through the edge to the callee', async () => {
  const uasPort = await freePort();
  h = await startEdgeWithProxy(udp, () => ({
    destination: `sip:127.0.0.1:${uasPort}`,
    remainInDialog: true,
  }));
  const r = await runCalls(h, uasPort, {
    transport: 'udp',
    uas: 'uas-proxied',
    uac: 'uac-proxied',
    calls: 3,
  });
  expect(summary(r.uac)).toEqual({ code: 0, ok: 3, failed: 0 });
  // The callee only passes once it got the ACK and the BYE, both sent by the caller to the edge.
  expect(summary(r.uas)).toEqual({ code: 0, ok: 3, failed: 0 });
  const outcomes = await h.settled(3);
  expect(outcomes.map((o) => [o.connected, o.finalStatus])).toEqual([
    [true, 200],
    [true, 200],
    [true, 200],
  ]);
  // Each BYE closed its dialog: nothing record-routed is remembered any longer.
  expect(h.edge.stack.stats().proxiedDialogs).toBe(0);
});

it('fails over to the next target when the first answers 503 (serial forking)', async () => {
  const busyPort = await freePort();
  const okPort = await freePort();
  h = await startEdgeWithProxy(udp, () => ({
    destination: [`sip:127.0.0.1:${busyPort}`, `sip:127.0.0.1:${okPort}`],
    remainInDialog: true,
  }));
  const busy = startCallee('uas-503', busyPort);
  await settle();
  const r = await runCalls(h, okPort, { transport: 'udp', uas: 'uas-proxied', uac: 'uac-proxied', calls: 1 });
  expect(summary(r.uac)).toEqual({ code: 0, ok: 1, failed: 0 });
  expect(summary(await busy.done)).toEqual({ code: 0, ok: 1, failed: 0 });
  const [o] = await h.settled(1);
  expect(o).toEqual({ connected: true, finalStatus: 200, statuses: [503, 200] });
});

it('answers with the best final response once every target failed (RFC 3261 §16.7 step 6)', async () => {
  const unavailablePort = await freePort();
  const busyPort = await freePort();
  h = await startEdgeWithProxy(udp, () => ({
    destination: [`sip:127.0.0.1:${unavailablePort}`, `sip:127.0.0.1:${busyPort}`],
  }));
  const a = startCallee('uas-503', unavailablePort);
  const b = startCallee('uas-486', busyPort);
  await settle();
  // The caller must see the 486 (a 4xx beats a 5xx), never the 503.
  const uac = await startCaller('uac-rejected', h.sipPort('udp'), { args: ['-trace_msg'] });
  const caller = await uac.done;
  expect(summary(caller)).toEqual({ code: 0, ok: 1, failed: 0 });
  const seen = readTrace(caller.dir);
  expect(seen).toMatch(/SIP\/2.0 486/);
  expect(seen).not.toMatch(/SIP\/2.0 503/);
  expect(summary(await a.done).ok).toBe(1);
  expect(summary(await b.done).ok).toBe(1);
  const [o] = await h.settled(1);
  expect(o).toEqual({ connected: false, finalStatus: 486, statuses: [503, 486] });
});

/** What a sipp run with -trace_msg sent and received. */
function readTrace(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('_messages.log'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

it('forks to every target at once, takes the first 200 and CANCELs the one still ringing', async () => {
  const ringPort = await freePort();
  const answerPort = await freePort();
  h = await startEdgeWithProxy(udp, () => ({
    destination: [`sip:127.0.0.1:${ringPort}`, `sip:127.0.0.1:${answerPort}`],
    forking: 'simultaneous',
    remainInDialog: true,
  }));
  // The ringing callee passes only if it gets the CANCEL (and the ACK of its 487).
  const ringing = startCallee('uas-ring-cancel', ringPort);
  await settle();
  const r = await runCalls(h, answerPort, {
    transport: 'udp',
    uas: 'uas-answer-late',
    uac: 'uac-proxied',
    calls: 1,
  });
  expect(summary(r.uac)).toEqual({ code: 0, ok: 1, failed: 0 });
  expect(summary(r.uas)).toEqual({ code: 0, ok: 1, failed: 0 });
  expect(summary(await ringing.done)).toEqual({ code: 0, ok: 1, failed: 0 });
  const [o] = await h.settled(1);
  expect(o).toEqual({ connected: true, finalStatus: 200, statuses: [200] });
});

it('passes the caller’s CANCEL on to the ringing target and answers the caller 487 (§16.10)', async () => {
  const ringPort = await freePort();
  h = await startEdgeWithProxy(udp, () => ({ destination: `sip:127.0.0.1:${ringPort}` }));
  const r = await runCalls(h, ringPort, {
    transport: 'udp',
    uas: 'uas-ring-cancel',
    uac: 'uac-cancel',
    calls: 2,
  });
  expect(summary(r.uac)).toEqual({ code: 0, ok: 2, failed: 0 });
  expect(summary(r.uas)).toEqual({ code: 0, ok: 2, failed: 0 });
  const outcomes = await h.settled(2);
  expect(outcomes.map((o) => o.connected)).toEqual([false, false]);
});

it('moves on when a target stays silent past the provisional timeout', async () => {
  const silentPort = await freePort(); // nothing listens there
  const answerPort = await freePort();
  h = await startEdgeWithProxy(udp, () => ({
    destination: [`sip:127.0.0.1:${silentPort}`, `sip:127.0.0.1:${answerPort}`],
    provisionalTimeout: '1s',
    remainInDialog: true,
  }));
  const started = Date.now();
  const r = await runCalls(h, answerPort, {
    transport: 'udp',
    uas: 'uas-proxied',
    uac: 'uac-proxied',
    calls: 1,
  });
  expect(summary(r.uac)).toEqual({ code: 0, ok: 1, failed: 0 });
  expect(summary(r.uas)).toEqual({ code: 0, ok: 1, failed: 0 });
  const [o] = await h.settled(1);
  expect(o).toEqual({ connected: true, finalStatus: 200, statuses: [200] });
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
});

it('record-routes twice when the call changes transport (RFC 5658): TCP caller, UDP callee', async () => {
  const uasPort = await freePort();
  h = await startEdgeWithProxy(
    {
      listen: [
        { protocol: 'udp', host: '127.0.0.1' },
        { protocol: 'tcp', host: '127.0.0.1' },
      ],
    },
    () => ({ destination: `sip:127.0.0.1:${uasPort}`, remainInDialog: true }),
  );
  const uas = startCallee('uas-proxied', uasPort, { args: ['-trace_msg'] });
  await settle();
  const uac = await startCaller('uac-proxied', h.sipPort('tcp'), { transport: 'tcp' });
  expect(summary(await uac.done)).toEqual({ code: 0, ok: 1, failed: 0 });
  const callee = await uas.done;
  expect(summary(callee)).toEqual({ code: 0, ok: 1, failed: 0 });
  const invite =
    readTrace(callee.dir)
      .split(/-{10,}/)
      .find((m) => m.includes('INVITE sip:')) ?? '';
  const udpPort = h.sipPort('udp');
  const tcpPort = h.sipPort('tcp');
  // Top: where the callee's side reaches the edge (UDP); below: where the caller's side does (TCP).
  expect(invite).toMatch(
    new RegExp(
      `Record-Route: <sip:127\\.0\\.0\\.1:${udpPort};lr>\\s+Record-Route: <sip:127\\.0\\.0\\.1:${tcpPort};transport=tcp;lr>`,
    ),
  );
});
