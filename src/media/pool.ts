/**
 * The rtpengine instances the SBC may use, in priority order, with ng `ping`
 * health checks and failover: a new call goes to the first healthy instance,
 * and an instance that stops answering is skipped until pings succeed again.
 * A call stays on the instance that holds its media (the session keeps its
 * client), because another instance knows nothing of it.
 */
import type { Logger } from 'pino';
import { MediaUnavailable, RtpengineError } from './errors.ts';
import { type NgClient as Client, type NgEndpoint, NgClient } from './ng-client.ts';

export interface PoolOptions {
  timeoutMs: number;
  pingIntervalMs: number;
  /** Consecutive failed pings or command timeouts before an instance is taken out of rotation. */
  downAfter?: number;
}

export interface EndpointHealth {
  endpoint: string;
  up: boolean;
  lastError?: string;
  consecutiveFailures: number;
}

interface Member {
  client: Client;
  up: boolean;
  failures: number;
  lastError?: string;
}

const label = (e: NgEndpoint) => `${e.host}:${e.port}`;

export class RtpenginePool {
  private readonly members: Member[];
  private readonly options: PoolOptions;
  private readonly logger: Logger | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(endpoints: NgEndpoint[], options: PoolOptions, logger?: Logger) {
    if (endpoints.length === 0) throw new Error('at least one rtpengine endpoint is needed');
    this.options = options;
    this.logger = logger;
    this.members = endpoints.map((e) => ({
      client: new NgClient(e, options.timeoutMs),
      up: false,
      failures: 0,
    }));
  }

  /** Pings every instance now, then every `pingIntervalMs`. */
  async start(): Promise<void> {
    await this.checkNow();
    this.timer = setInterval(() => void this.checkNow(), this.options.pingIntervalMs);
    this.timer.unref();
  }

  async checkNow(): Promise<void> {
    await Promise.all(
      this.members.map(async (member) => {
        try {
          await member.client.send('ping');
          this.succeeded(member);
        } catch (error) {
          this.failed(member, error);
        }
      }),
    );
  }

  private succeeded(member: Member): void {
    member.failures = 0;
    if (!member.up) this.logger?.info({ rtpengine: label(member.client.endpoint) }, 'rtpengine up');
    member.up = true;
    delete member.lastError;
  }

  private failed(member: Member, error: unknown): void {
    member.failures += 1;
    member.lastError = error instanceof Error ? error.message : String(error);
    if (member.up && member.failures >= (this.options.downAfter ?? 1)) {
      member.up = false;
      this.logger?.error(
        { rtpengine: label(member.client.endpoint), cause: member.lastError },
        'rtpengine down; new calls fail over to the next instance',
      );
    }
  }

  /** Reports that a command to this client timed out (counts like a failed ping). */
  reportTimeout(client: Client, error: unknown): void {
    const member = this.members.find((m) => m.client === client);
    if (member) this.failed(member, error);
  }

  get anyUp(): boolean {
    return this.members.some((m) => m.up);
  }

  /** Healthy instances in priority order; `MediaUnavailable` when there is none. */
  candidates(): Client[] {
    const up = this.members.filter((m) => m.up).map((m) => m.client);
    if (up.length === 0) {
      const causes = this.members
        .map((m) => `${label(m.client.endpoint)}: ${m.lastError ?? 'down'}`)
        .join('; ');
      throw new MediaUnavailable(`no rtpengine available (${causes})`);
    }
    return up;
  }

  clients(): Client[] {
    return this.members.map((m) => m.client);
  }

  health(): EndpointHealth[] {
    return this.members.map((m) => ({
      endpoint: label(m.client.endpoint),
      up: m.up,
      consecutiveFailures: m.failures,
      ...(m.lastError ? { lastError: m.lastError } : {}),
    }));
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const m of this.members) m.client.close();
  }
}

/** A timeout (no answer) as opposed to rtpengine answering with an error. */
export function isTimeout(error: unknown): boolean {
  return error instanceof RtpengineError && /timeout/i.test(error.reason);
}
