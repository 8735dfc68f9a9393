// Issue 11 item 3: rtpengine killed mid-call. A real `sbc run` anchors every call's media in the
// rtpengine it spawned; with six calls up, that rtpengine gets SIGKILL. The calls still end
// cleanly (each BYE answered, a CDR for each, none left active), the SBC stays healthy, its
// supervisor starts a new rtpengine, and new calls are anchored in that one.

import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { NgClient } from '../../src/media/ng-client.ts';
import { runUac, startUas } from '../core/support.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { portRange } from '../media/support/engine.ts';
import { freePort } from '../support/ports.ts';
import { requireTool } from '../support/system-tools.ts';
import { metricSum, type SbcNode, startSbcNode, until } from './support/sbc-node.ts';

const UAS = join(import.meta.dirname, 'sipp', 'uas-calls-and-options.xml');
let sbc: SbcNode;
let ngPort: number;

beforeAll(async () => {
  ngPort = await freePort();
  sbc = await startSbcNode({
    config: {
      media: {
        rtpengine: {
          mode: 'spawn',
          binary: requireTool('rtpengine'),
          ngPort,
          ...portRange(200),
          pingIntervalMs: 300,
        },
      },
    },
  });
  await until('rtpengine spawned', () => sbc.rtpenginePids().length === 1, 10_000);
}, 30_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await sbc?.close();
});

async function rtpengineCalls(): Promise<number> {
  const client = new NgClient({ host: '127.0.0.1', port: ngPort }, 500);
  try {
    return ((await client.send('list', { limit: 1000 })).calls ?? []).length;
  } catch {
    return -1;
  } finally {
    client.close();
  }
}

const activeCalls = async () => metricSum(await sbc.metrics(), 'sbc_calls_active');

it('ends calls cleanly when rtpengine dies under them, and anchors new calls in the restarted one', async () => {
  const uas = await startUas(UAS, 100);
  const uacPort = await freePort();
  await sbc.activate(`ruleset anchored
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
  media { codecs: [PCMU], srtp: off }
}
trunk core {
  peers ["127.0.0.1:${uas.port}"]
  media { codecs: [PCMU], srtp: off }
}
on request INVITE from caller {
  route core
}
`);
  // Six calls, each held 5 s.
  const held = runUac(sbc.sipPort, { port: uacPort, calls: 6, rate: 10, extra: ['-d', '5000'] });
  await until(
    'six calls anchored',
    async () => (await activeCalls()) === 6 && (await rtpengineCalls()) === 6,
    8000,
  );
  const [first] = sbc.rtpenginePids();
  expect(first).toBeDefined();
  process.kill(first!, 'SIGKILL');

  // The supervisor starts a new rtpengine (new PID) that answers ng commands.
  await until(
    'a new rtpengine',
    async () =>
      sbc.rtpenginePids().length === 1 && sbc.rtpenginePids()[0] !== first && (await rtpengineCalls()) >= 0,
    10_000,
  );
  expect((await sbc.api('GET', '/health')).status).toBe(200);

  // The held calls end as their callers hang up: every BYE answered, every call recorded.
  const uac = await held;
  expect({ ok: uac.successful, failed: uac.failed }).toEqual({ ok: 6, failed: 0 });
  await until('no call left', async () => (await activeCalls()) === 0, 5000);
  const ended = sbc.cdrs();
  expect(ended).toHaveLength(6);
  for (const cdr of ended) expect(cdr).toMatchObject({ status: 200, cause: 'caller-bye' });

  // New calls go through the new rtpengine.
  const next = runUac(sbc.sipPort, { port: uacPort, calls: 3, rate: 10, extra: ['-d', '2000'] });
  await until('new calls anchored in the new rtpengine', async () => (await rtpengineCalls()) === 3, 8000);
  const after = await next;
  expect({ ok: after.successful, failed: after.failed }).toEqual({ ok: 3, failed: 0 });
  await until('their rtpengine sessions deleted', async () => (await rtpengineCalls()) === 0, 5000);
  expect(sbc.proc.child.exitCode).toBeNull();
}, 60_000);
