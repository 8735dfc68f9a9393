/**
 * A config for a real SBC in tests: free loopback ports for SIP and the admin API, a temp data
 * directory, media anchoring off (no rtpengine needed). A fresh data directory starts with the
 * shipped default rule set as version 1.
 */
import { stringify } from 'yaml';
import { freePort } from '../../support/ports.ts';

export async function sbcConfig(
  dataDir: string,
  admin: Record<string, unknown> = {},
): Promise<{ yaml: string; adminPort: number }> {
  const sipPort = await freePort();
  const adminPort = await freePort();
  const yaml = stringify({
    log: { format: 'json' },
    sip: { listen: [{ transport: 'udp', host: '127.0.0.1', port: sipPort }] },
    admin: { listen: { host: '127.0.0.1', port: adminPort }, ...admin },
    data: { dir: dataDir },
    media: { rtpengine: { mode: 'off' } },
  });
  return { yaml, adminPort };
}
