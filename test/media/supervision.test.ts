/**
 * Start-up and failure handling (issue 8 item 1) with real rtpengine processes:
 * the supervised rtpengine is restarted after it dies and calls work again; a
 * missing binary or no reachable instance means 503 (`MediaUnavailable`) while
 * the SBC keeps running; external instances fail over in priority order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MediaUnavailable, sipStatusFor } from '../../src/media/errors.ts';
import { MediaService } from '../../src/media/media-service.ts';
import type { CallMediaPolicy } from '../../src/media/policy.ts';
import { RtpengineProcess, rtpengineArgs } from '../../src/media/rtpengine-process.ts';
import { freePort } from '../support/ports.ts';
import { requireTool } from '../support/system-tools.ts';
import { PCMU } from './support/call.ts';
import { portRange, spawnConfig } from './support/engine.ts';
import { RtpPeer, sleep } from './support/rtp.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const plain: CallMediaPolicy = { offerer: {}, answerer: {} };
let counter = 0;

async function tryCall(media: MediaService): Promise<string> {
  const peer = await RtpPeer.open();
  cleanups.push(() => peer.close());
  const session = media.createSession(`sup-${process.pid}-${++counter}`);
  cleanups.push(() => session.delete());
  await session.offer(peer.sdp({ codecs: PCMU }), plain, { fromTag: 'a' });
  return session.endpoint ?? '';
}

async function until(condition: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('spawned rtpengine', () => {
  it('builds the documented command line (userspace, loopback, immediate delete)', () => {
    const args = rtpengineArgs({ host: '127.0.0.1', ngPort: 2223, portMin: 30000, portMax: 30199 });
    expect(args).toEqual(
      expect.arrayContaining([
        '--config-file=none',
        '--foreground',
        '--table=-1',
        '--interface=127.0.0.1',
        '--listen-ng=127.0.0.1:2223',
        '--port-min=30000',
        '--port-max=30199',
        '--delete-delay=0',
      ]),
    );
  });

  it('is restarted after it dies: 503 while down, calls work again when it is back', async () => {
    const media = await MediaService.start(await spawnConfig());
    cleanups.push(() => media.close());
    await tryCall(media);
    const firstPid = media.rtpenginePid as number;
    process.kill(firstPid, 'SIGKILL');
    await until(() => !media.health().ok);
    expect(media.health().message).toMatch(
      /no rtpengine available.*rtpengine died \(exit code null, signal SIGKILL\)/,
    );
    const refused = await tryCall(media).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MediaUnavailable);
    expect(sipStatusFor(refused).status).toBe(503);
    await until(() => media.health().ok);
    expect(media.rtpenginePid).not.toBe(firstPid);
    expect(media.health().process?.restarts).toBeGreaterThanOrEqual(1);
    expect(await tryCall(media)).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('a missing binary is reported clearly, calls get 503, and the SBC keeps running', async () => {
    const media = await MediaService.start(await spawnConfig({ binary: '/nonexistent/rtpengine' }));
    cleanups.push(() => media.close());
    const health = media.health();
    expect(health.ok).toBe(false);
    expect(health.message).toContain(
      "rtpengine binary '/nonexistent/rtpengine' not found (install the rtpengine-daemon package)",
    );
    expect(() => media.assertAvailable()).toThrow(MediaUnavailable);
    await expect(tryCall(media)).rejects.toBeInstanceOf(MediaUnavailable);
    expect(media.sessionCount).toBe(0);
  });

  it('mode off: only bypassed calls work', async () => {
    const config = await spawnConfig();
    config.rtpengine.mode = 'off';
    const media = await MediaService.start(config);
    cleanups.push(() => media.close());
    await expect(tryCall(media)).rejects.toThrow('media is off');
    const session = media.createSession('off-bypass');
    cleanups.push(() => session.delete());
    const sdp = (await RtpPeer.open().then((p) => (cleanups.push(() => p.close()), p))).sdp({ codecs: PCMU });
    expect(await session.offer(sdp, { ...plain, bypass: true }, { fromTag: 'a' })).toBe(sdp);
  });
});

describe('external rtpengine instances', () => {
  async function startEngine(): Promise<RtpengineProcess> {
    const engine = new RtpengineProcess({
      binary: requireTool('rtpengine'),
      host: '127.0.0.1',
      ngPort: await freePort(),
      ...portRange(),
    });
    await engine.start();
    cleanups.push(() => engine.stop());
    return engine;
  }

  it('fail over to the next healthy instance and come back to the first when it returns', async () => {
    const first = await startEngine();
    const second = await startEngine();
    const endpoint = (e: RtpengineProcess) => ({ host: '127.0.0.1', port: portOf(e) });
    const config = await spawnConfig({
      mode: 'external',
      endpoints: [endpoint(first), endpoint(second)],
      timeoutMs: 300,
    });
    const media = await MediaService.start(config);
    cleanups.push(() => media.close());
    expect(await tryCall(media)).toBe(`127.0.0.1:${portOf(first)}`);
    await first.stop();
    expect(await tryCall(media)).toBe(`127.0.0.1:${portOf(second)}`);
    expect(media.health().endpoints.map((e) => e.up)).toEqual([false, true]);
    await first.start();
    await until(() => media.health().endpoints.every((e) => e.up));
    expect(await tryCall(media)).toBe(`127.0.0.1:${portOf(first)}`);
  });

  it('an instance that never answers gives 503 within the timeout', async () => {
    const config = await spawnConfig({
      mode: 'external',
      endpoints: [{ host: '127.0.0.1', port: await freePort() }],
      timeoutMs: 200,
    });
    const media = await MediaService.start(config);
    cleanups.push(() => media.close());
    expect(media.health().endpoints[0]).toMatchObject({
      up: false,
      lastError: expect.stringContaining('timeout'),
    });
    const started = Date.now();
    await expect(tryCall(media)).rejects.toBeInstanceOf(MediaUnavailable);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

const portOf = (engine: RtpengineProcess) => engine.endpoint.port;
