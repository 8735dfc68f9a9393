/**
 * Wires the layers of a running SBC together. This is the only module that
 * knows every layer (DESIGN.md: "Only the entry point wires the layers").
 */
import { createAdminServer } from './admin/server.ts';
import type { Config } from './config/index.ts';
import type { Logger } from './log/logger.ts';

export interface RunningSbc {
  /** Closes every listener and connection; resolves when all are closed. */
  close(): Promise<void>;
}

/** Raised when a listener cannot bind; names the address and the config key to change. */
export class ListenError extends Error {
  readonly configKey: string;
  readonly address: string;
  readonly code: string;
  constructor(configKey: string, address: string, code: string) {
    const reason = code === 'EADDRINUSE' ? 'address already in use' : code;
    super(`cannot listen on ${address} (${configKey}): ${reason}`);
    this.name = 'ListenError';
    this.configKey = configKey;
    this.address = address;
    this.code = code;
  }
}

export async function startSbc(config: Config, logger: Logger, version: string): Promise<RunningSbc> {
  const admin = createAdminServer({ logger, version });
  const { host, port } = config.admin.listen;
  try {
    await admin.listen({ host, port });
  } catch (error) {
    await admin.close();
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ListenError('admin.listen', formatAddress(host, port), code);
  }
  logger.info({ url: `http://${formatAddress(host, port)}` }, 'admin API listening');

  return {
    async close() {
      await admin.close();
    },
  };
}

function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
