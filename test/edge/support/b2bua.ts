// The minimal drachtio-srf B2BUA the tests and the bench run on the edge: a
// real Srf connected to the edge's wire port, answering every INVITE with
// srf.createB2BUA toward a fixed far end.

import Srf from 'drachtio-srf';

export interface B2bua {
  srf: Srf;
  /** Calls connected end to end, and calls that failed (final >= 300 from B, or errors). */
  connected: number;
  failed: number;
  failures: number[];
  close(): void;
}

type SrfApp = {
  invite(fn: (req: SrfReq, res: unknown) => void): void;
  createB2BUA(req: unknown, res: unknown, uri: string, opts: object): Promise<{ uas: Leg; uac: Leg }>;
  on(evt: string, fn: (...args: unknown[]) => void): void;
  connect(o: object): void;
  disconnect(): void;
};
type SrfReq = { calledNumber: string; body: string; on(e: string, f: () => void): void };
type SrfRes = { send(status: number, opts?: object): void };
type Leg = {
  on(e: string, f: (...args: never[]) => void): void;
  destroy(): Promise<unknown>;
  modify(sdp: string): Promise<unknown>;
  remote: { sdp: string };
};

/** Connects to the edge; resolves once srf has authenticated and sent its routes. */
export async function startB2bua(
  wire: { host: string; port: number; secret: string },
  farEnd: (req: SrfReq) => string,
): Promise<B2bua> {
  const srf = new Srf() as unknown as SrfApp;
  const b: B2bua = {
    srf: srf as unknown as Srf,
    connected: 0,
    failed: 0,
    failures: [],
    close: () => {
      try {
        srf.disconnect();
      } catch {
        // the edge already closed the connection
      }
    },
  };
  srf.invite((req, res) => {
    srf
      .createB2BUA(req, res, farEnd(req), { localSdpB: req.body })
      .then(({ uas, uac }) => {
        b.connected++;
        uas.on('destroy', () => void uac.destroy().catch(() => {}));
        // A re-INVITE from the caller is carried to the far end and its answer back.
        uas.on('modify', (req: SrfReq, res: SrfRes) => {
          uac
            .modify(req.body)
            .then(() => res.send(200, { body: uac.remote.sdp }))
            .catch(() => res.send(500));
        });
        uac.on('destroy', () => void uas.destroy().catch(() => {}));
      })
      .catch((err: { status?: number }) => {
        b.failed++;
        b.failures.push(err.status ?? 0);
      });
  });
  await new Promise<void>((resolve, reject) => {
    srf.on('connect', (err) => (err ? reject(err) : resolve()));
    srf.on('error', () => {});
    srf.connect({ host: wire.host, port: wire.port, secret: wire.secret, reconnect: { maxAttempts: 1 } });
  });
  // srf sends its `route` messages right after authenticating without waiting for replies.
  await new Promise((r) => setTimeout(r, 50));
  return b;
}
