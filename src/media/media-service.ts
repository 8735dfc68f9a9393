/**
 * The media layer as the SBC wires it: the rtpengine instance(s) (spawned and
 * supervised, or external with health checks and failover), the DTMF event
 * listener, the ringback file, and the registry of live call sessions so that
 * every rtpengine session is deleted however a call ends (`deleteAll` on shutdown).
 */
import type { Logger } from 'pino';
import { DtmfListener, type DtmfDigit } from './dtmf-events.ts';
import { MediaUnavailable } from './errors.ts';
import { MediaSession, type SessionHost } from './media-session.ts';
import type { NgClient, NgEndpoint } from './ng-client.ts';
import { type EndpointHealth, isTimeout, RtpenginePool } from './pool.ts';
import { writeDefaultRingback } from './ringback.ts';
import { type ProcessHealth, RtpengineProcess } from './rtpengine-process.ts';

/** The `media` section of the SBC config (src/config/schema.ts, docs/config.md). */
export interface MediaServiceConfig {
  rtpengine: {
    /** `spawn` a local rtpengine (default), use `external` endpoints, or `off` (only bypassed calls work). */
    mode: 'spawn' | 'external' | 'off';
    binary: string;
    /** spawn: address of the ng port and of the RTP ports. */
    host: string;
    ngPort: number;
    portMin: number;
    portMax: number;
    /** spawn: `--interface` value; empty means `host`. */
    interface: string;
    /** external: instances in priority order. */
    endpoints: NgEndpoint[];
    timeoutMs: number;
    pingIntervalMs: number;
    /** Where rtpengine's DTMF datagrams are received (0: any free port, spawn mode only). */
    dtmfLogPort: number;
  };
  /** WAV played as ringback; empty: a generated ringing tone. */
  ringbackFile: string;
}

export interface MediaHealth {
  ok: boolean;
  mode: MediaServiceConfig['rtpengine']['mode'];
  sessions: number;
  process?: ProcessHealth;
  endpoints: EndpointHealth[];
  message: string;
}

export class MediaService {
  private readonly config: MediaServiceConfig;
  readonly logger: Logger | undefined;
  private readonly sessions = new Map<string, MediaSession>();
  private readonly dtmf = new DtmfListener();
  private pool: RtpenginePool | undefined;
  private process: RtpengineProcess | undefined;
  private ringback: string | undefined;
  private readonly host: SessionHost;

  private constructor(config: MediaServiceConfig, logger?: Logger) {
    this.config = config;
    this.logger = logger;
    this.host = this.sessionHost();
  }

  /**
   * Starts the media layer. It never fails because rtpengine is missing or dead:
   * that is logged, shown by `health()`, and new calls get `MediaUnavailable` (503)
   * until rtpengine is back.
   */
  static async start(config: MediaServiceConfig, logger?: Logger): Promise<MediaService> {
    const service = new MediaService(config, logger);
    await service.boot();
    return service;
  }

  private async boot(): Promise<void> {
    const rtp = this.config.rtpengine;
    if (rtp.mode === 'off') return;
    const dtmfHost = rtp.mode === 'spawn' ? rtp.host : '127.0.0.1';
    const dtmfAddress = await this.dtmf.listen(dtmfHost, rtp.dtmfLogPort);
    const endpoints = rtp.mode === 'spawn' ? [{ host: rtp.host, port: rtp.ngPort }] : rtp.endpoints;
    this.pool = new RtpenginePool(
      endpoints,
      { timeoutMs: rtp.timeoutMs, pingIntervalMs: rtp.pingIntervalMs },
      this.logger,
    );
    if (rtp.mode === 'spawn') {
      this.process = new RtpengineProcess(
        {
          binary: rtp.binary,
          host: rtp.host,
          ngPort: rtp.ngPort,
          portMin: rtp.portMin,
          portMax: rtp.portMax,
          ...(rtp.interface ? { interface: rtp.interface } : {}),
          dtmfLogDest: dtmfAddress,
        },
        this.logger,
      );
      const pool = this.pool;
      this.process.on('up', () => void pool.checkNow());
      this.process.on('down', () => void pool.checkNow());
      await this.process.start().catch(() => undefined);
    }
    await this.pool.start();
  }

  /** A new media session owned by the call `callId` (one per call; ends with `delete`). */
  createSession(callId: string): MediaSession {
    if (this.sessions.has(callId)) throw new Error(`a media session for call ${callId} already exists`);
    const session = new MediaSession(callId, this.host);
    this.sessions.set(callId, session);
    return session;
  }

  session(callId: string): MediaSession | undefined {
    return this.sessions.get(callId);
  }

  /** Sessions not yet deleted (each may or may not hold an rtpengine call yet). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Throws `MediaUnavailable` when no rtpengine can take a new call (the core answers 503). */
  assertAvailable(): void {
    if (!this.pool) throw new MediaUnavailable('media is off (media.rtpengine.mode: off)');
    this.pool.candidates();
  }

  health(): MediaHealth {
    const endpoints = this.pool?.health() ?? [];
    const ok = this.config.rtpengine.mode !== 'off' && endpoints.some((e) => e.up);
    const process = this.process?.health();
    let message = ok
      ? 'rtpengine available'
      : 'no rtpengine available: calls needing media are refused with 503';
    if (!ok && process?.lastError) message += ` (${process.lastError})`;
    return {
      ok,
      mode: this.config.rtpengine.mode,
      sessions: this.sessions.size,
      ...(process ? { process } : {}),
      endpoints,
      message,
    };
  }

  /** Counts calls rtpengine itself holds, over every instance that answers (`list`). */
  async rtpengineCallIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const client of this.pool?.clients() ?? []) {
      const reply = await client.send('list', { limit: 100_000 }).catch(() => undefined);
      ids.push(...(reply?.calls ?? []));
    }
    return ids;
  }

  /**
   * Call ids whose rtpengine call has vanished (rtpengine's own media timeout, or a
   * restart of the instance): the core should end those calls. Instances that do not
   * answer `list` are skipped, since their calls may still exist.
   */
  async reconcile(): Promise<string[]> {
    const known = new Set<string>();
    const reachable = new Set<string>();
    for (const client of this.pool?.clients() ?? []) {
      const endpoint = `${client.endpoint.host}:${client.endpoint.port}`;
      const reply = await client.send('list', { limit: 100_000 }).catch(() => undefined);
      if (!reply) continue;
      reachable.add(endpoint);
      for (const id of reply.calls ?? []) known.add(`${endpoint} ${id}`);
    }
    return [...this.sessions.values()]
      .filter((s) => (s.state === 'offered' || s.state === 'answered') && s.endpoint !== undefined)
      .filter((s) => reachable.has(s.endpoint as string) && !known.has(`${s.endpoint} ${s.callId}`))
      .map((s) => s.callId);
  }

  /** Deletes every live session (SBC shutdown). Resolves with how many there were. */
  async deleteAll(): Promise<number> {
    const live = [...this.sessions.values()];
    // Bounded concurrency: a burst of thousands of deletes would overrun rtpengine's ng socket.
    const queue = [...live];
    const worker = async () => {
      for (let s = queue.pop(); s; s = queue.pop()) await s.delete();
    };
    await Promise.all(Array.from({ length: Math.min(32, queue.length) }, worker));
    return live.length;
  }

  /** Deletes all sessions, stops the rtpengine this service spawned, closes sockets. */
  async close(): Promise<void> {
    await this.deleteAll();
    this.pool?.close();
    this.dtmf.close();
    await this.process?.stop();
  }

  /** The PID of the spawned rtpengine (for tests and diagnostics). */
  get rtpenginePid(): number | undefined {
    return this.process?.pid;
  }

  private sessionHost(): SessionHost {
    return {
      logger: this.logger,
      acquire: async <T>(run: (client: NgClient) => Promise<T>, callId?: string) => {
        if (!this.pool) throw new MediaUnavailable('media is off (media.rtpengine.mode: off)');
        let lastError: unknown;
        for (const client of this.pool.candidates()) {
          try {
            return { client, result: await run(client) };
          } catch (error) {
            if (!isTimeout(error)) {
              // rtpengine refused the command, yet may have created the call before it failed
              // (seen with offers it could only partly parse): drop it before giving up.
              if (callId) await client.send('delete', { 'call-id': callId }).catch(() => undefined);
              throw error;
            }
            lastError = error;
            this.pool.reportTimeout(client, error);
            // The slow instance may still have created the call: ask it to drop it, whenever it can.
            if (callId) client.send('delete', { 'call-id': callId }).catch(() => undefined);
          }
        }
        throw new MediaUnavailable(`every rtpengine timed out (${String(lastError)})`);
      },
      ringbackFile: () => {
        if (this.config.ringbackFile) return this.config.ringbackFile;
        this.ringback ??= writeDefaultRingback();
        return this.ringback;
      },
      released: (session) => {
        if (this.sessions.get(session.callId) === session) this.sessions.delete(session.callId);
      },
      subscribeDtmf: (callId: string, listener: (digit: DtmfDigit) => void) => {
        this.dtmf.on(`digit:${callId}`, listener);
        return () => this.dtmf.off(`digit:${callId}`, listener);
      },
    };
  }
}
