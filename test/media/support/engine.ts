/**
 * A real rtpengine per test file, on free ports, through the media layer's own
 * supervisor. Tests fail (never skip) when rtpengine is not installed. Only the
 * process started here is stopped, by its PID.
 */
import { requireTool } from '../../support/system-tools.ts';
import { freePort } from '../../support/ports.ts';
import { MediaService, type MediaServiceConfig } from '../../../src/media/media-service.ts';

/** An RTP port range (4 ports a call) unlikely to collide with another test file running at the same time. */
export function portRange(size = 200): { portMin: number; portMax: number } {
  const blocks = Math.floor(30_000 / (size + 50));
  const portMin = 25_000 + Math.floor(Math.random() * blocks) * (size + 50);
  return { portMin, portMax: portMin + size - 1 };
}

export async function spawnConfig(
  overrides: Partial<MediaServiceConfig['rtpengine']> = {},
  ports = 200,
): Promise<MediaServiceConfig> {
  const binary = requireTool('rtpengine');
  return {
    rtpengine: {
      mode: 'spawn',
      binary,
      host: '127.0.0.1',
      ngPort: await freePort(),
      ...portRange(ports),
      interface: '',
      endpoints: [],
      timeoutMs: 1000,
      pingIntervalMs: 500,
      dtmfLogPort: 0,
      ...overrides,
    },
    ringbackFile: '',
  };
}

/**
 * A second ng client of an rtpengine someone else started (an `sbc run` under test), to read its
 * call list (`rtpengineCallIds`) the way an operator would: through the media layer, `external` mode.
 */
export async function rtpengineProbe(ngPort: number): Promise<MediaService> {
  return MediaService.start({
    rtpengine: {
      mode: 'external',
      binary: 'rtpengine',
      host: '127.0.0.1',
      ngPort,
      portMin: 0,
      portMax: 0,
      interface: '',
      endpoints: [{ host: '127.0.0.1', port: ngPort }],
      timeoutMs: 3000,
      pingIntervalMs: 60_000,
      dtmfLogPort: 0,
    },
    ringbackFile: '',
  });
}
