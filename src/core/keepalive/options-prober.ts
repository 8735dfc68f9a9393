/**
 * The OPTIONS probe of the keepalive monitor (issue item 7): one OPTIONS out
 * of dialog through srf to a trunk peer, ended by its final response, by the
 * timeout, or by a send failure (unreachable).
 */
import type { PeerAddress } from '../routing/route-plan.ts';
import type { SrfApp, SrfRequest, SrfResponseIn } from '../srf-types.ts';
import type { Probe, ProbeResult } from './options-monitor.ts';

export function srfOptionsProbe(
  srf: () => SrfApp | undefined,
  onMessage?: (dir: 'in' | 'out') => void,
): Probe {
  return (peer: PeerAddress, _trunk: string, timeoutMs: number) =>
    new Promise<ProbeResult>((resolve) => {
      const app = srf();
      if (app === undefined) {
        resolve({ outcome: 'unreachable' });
        return;
      }
      let done = false;
      const finish = (r: ProbeResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => finish({ outcome: 'timeout' }), timeoutMs);
      timer.unref();
      const host = peer.host.includes(':') ? `[${peer.host}]` : peer.host;
      const transport = peer.transport === 'udp' ? '' : `;transport=${peer.transport}`;
      onMessage?.('out');
      app.request(
        `sip:${host}:${peer.port}${transport}`,
        {
          method: 'OPTIONS',
          headers: { From: '<sip:keepalive@localhost>', To: `<sip:${host}:${peer.port}>` },
        },
        (err: unknown, req: SrfRequest) => {
          if (err || !req) {
            finish({ outcome: 'unreachable' });
            return;
          }
          req.on('response', (res: SrfResponseIn) => {
            onMessage?.('in');
            if (res.status >= 200) finish({ outcome: res.status });
          });
        },
      );
    });
}
