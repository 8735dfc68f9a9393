// The embedded edge on its own worker thread: it starts from a config,
// reports where it listens, carries a real call between sipp peers for a
// drachtio-srf B2BUA running on the main thread, and stops cleanly.

import { createSocket } from 'node:dgram';
import { afterEach, expect, it } from 'vitest';
import { type EmbeddedEdge, startEmbeddedEdge } from '../../src/edge/embedded-edge.ts';
import { type B2bua, startB2bua } from './support/b2bua.ts';
import { captureLog } from './support/edge-harness.ts';
import { freePort } from './support/ports.ts';
import { settle, startSipp, stopAll } from './support/sipp.ts';

let edge: EmbeddedEdge | undefined;
let b2bua: B2bua | undefined;
afterEach(async () => {
  await stopAll();
  b2bua?.close();
  await edge?.close();
  edge = undefined;
  b2bua = undefined;
});

it('runs on a worker thread: a B2BUA call through it, CPU figures, clean stop', async () => {
  const logs = captureLog();
  edge = await startEmbeddedEdge({
    config: { sip: { listen: [{ protocol: 'udp', host: '127.0.0.1' }] }, wire: { secret: 's3cret' } },
    log: logs.log,
  });
  expect(edge.wire).toMatchObject({ host: '127.0.0.1', secret: 's3cret' });
  expect(edge.sip).toEqual([{ protocol: 'udp', host: '127.0.0.1', port: expect.any(Number) }]);
  const uasPort = await freePort();
  b2bua = await startB2bua(edge.wire, (req) => `sip:${req.calledNumber}@127.0.0.1:${uasPort}`);
  const uas = startSipp([
    '-sn',
    'uas',
    '-i',
    '127.0.0.1',
    '-p',
    String(uasPort),
    '-m',
    '2',
    '-timeout',
    '20s',
  ]);
  await settle();
  const uac = startSipp([
    `127.0.0.1:${edge.sip[0]!.port}`,
    ...['-sn', 'uac', '-s', 'service', '-i', '127.0.0.1', '-p', String(await freePort())],
    ...['-m', '2', '-r', '5', '-timeout', '20s'],
  ]);
  const [a, b] = [await uac.done, await uas.done];
  expect([a.successful, a.failed, b.successful, b.failed]).toEqual([2, 0, 2, 0]);
  expect(b2bua.connected).toBe(2);
  const stats = await edge.stats();
  expect(stats.cpu.user + stats.cpu.system).toBeGreaterThan(0);
  expect(stats.stack.dialogs).toBe(0);
  // The thread's event-loop delay is measured (in ms; a loop that ran at all was late by more than 0).
  expect(stats.loopDelay.max).toBeGreaterThan(0);
  expect(stats.loopDelay.max).toBeLessThan(5000);
  // The worker's log records reach the logger given to startEmbeddedEdge.
  expect(logs.records.some((r) => r.msg === 'embedded edge listening' && r.component === 'edge')).toBe(true);

  const port = edge.sip[0]!.port;
  await edge.close();
  edge = undefined;
  // The SIP port is free again once close() resolves.
  await new Promise<void>((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => s.close(() => resolve()));
  });
});

it('rejects when the edge cannot listen, naming the cause', async () => {
  const busy = createSocket('udp4');
  await new Promise<void>((r) => busy.bind(0, '127.0.0.1', () => r()));
  try {
    await expect(
      startEmbeddedEdge({
        config: {
          sip: { listen: [{ protocol: 'udp', host: '127.0.0.1', port: busy.address().port }] },
          wire: { secret: 'x' },
        },
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  } finally {
    busy.close();
  }
});

it('rejects configs it cannot serve: no listener, an unknown protocol', async () => {
  await expect(startEmbeddedEdge({ config: { sip: { listen: [] }, wire: { secret: 'x' } } })).rejects.toThrow(
    /at least one SIP listen address/,
  );
  await expect(
    startEmbeddedEdge({
      config: { sip: { listen: [{ protocol: 'ws' as 'tcp', host: '127.0.0.1' }] }, wire: { secret: 'x' } },
    }),
  ).rejects.toThrow(/unsupported protocol ws/);
});
