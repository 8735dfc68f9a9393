/**
 * The admin HTTP API (Fastify). It binds to loopback unless configured
 * otherwise, because it controls what every call does.
 */
import Fastify, { LogController } from 'fastify';
import type { Logger } from '../log/logger.ts';

export interface AdminServerOptions {
  logger: Logger;
  version: string;
}

export function createAdminServer(options: AdminServerOptions) {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'admin' }),
    // Per-request lines would drown call logs; changes are audited explicitly instead.
    logController: new LogController({ disableRequestLogging: true }),
    // Bodies the admin API takes are rule files and CSVs; anything larger is a mistake.
    bodyLimit: 5 * 1024 * 1024,
  });
  const startedAt = Date.now();

  // Liveness for load balancers and supervisors: the only route without a token.
  app.get('/health', async () => ({
    status: 'ok',
    version: options.version,
    node: process.version,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  }));

  return app;
}

export type AdminServer = ReturnType<typeof createAdminServer>;
