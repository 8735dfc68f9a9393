/**
 * One dedicated connection per node that LISTENs for the other nodes' changes (PostgreSQL
 * LISTEN/NOTIFY). NOTIFY is delivered only to connected listeners, so after the connection is
 * lost (database restart, network cut) whatever was announced meanwhile is gone: on every
 * (re)connect the node is told to resynchronise in full (`onConnected`) before it relies on
 * notifications again.
 */
import { Client } from 'pg';
import type { StoreLog } from './database.ts';
import { CHANNELS } from './migrations.ts';

export interface NotificationHandlers {
  /** After LISTEN took effect: at start and after each reconnect. */
  onConnected(): Promise<void>;
  onProvisioning(payload: string): void;
  onRuleActive(): void;
}

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5000;

export class NotificationListener {
  readonly #url: string;
  readonly #log: StoreLog;
  readonly #handlers: NotificationHandlers;
  #client: Client | undefined;
  #connected = false;
  #closed = false;
  #backoff = MIN_BACKOFF_MS;
  #timer: NodeJS.Timeout | undefined;

  constructor(url: string, handlers: NotificationHandlers, log: StoreLog) {
    this.#url = url;
    this.#handlers = handlers;
    this.#log = log;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Connects and listens; rejects when the first attempt fails (the node cannot start). */
  async start(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    this.#connected = false;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new Client({ connectionString: this.#url, connectionTimeoutMillis: 5000 });
    client.on('notification', (message) => {
      if (message.channel === CHANNELS.provisioning) this.#handlers.onProvisioning(message.payload ?? '');
      else if (message.channel === CHANNELS.ruleActive) this.#handlers.onRuleActive();
    });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNELS.provisioning}; LISTEN ${CHANNELS.ruleActive}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    try {
      await this.#handlers.onConnected();
      if (this.#client !== client) throw new Error('connection lost during resynchronisation');
    } catch (error) {
      if (this.#client === client) this.#client = undefined;
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    this.#connected = true;
    this.#backoff = MIN_BACKOFF_MS;
  }

  #lost(client: Client, error: Error): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = undefined;
    this.#connected = false;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    this.#log.warn({ err: error }, 'PostgreSQL notifications lost; reconnecting');
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#connect().then(
        () => this.#log.info({}, 'PostgreSQL notifications restored; stores resynchronised'),
        (error: unknown) => {
          this.#log.warn({ err: error, retryMs: this.#backoff }, 'PostgreSQL still unreachable');
          this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
          this.#schedule();
        },
      );
    }, this.#backoff);
    this.#timer.unref();
  }
}
