/**
 * One log line for every change made through the admin API: who (token name and role), what
 * (action and target) and the outcome's key facts. Lines carry `audit: true` so a log shipper
 * can route them to long-term storage.
 */
import type { FastifyRequest } from 'fastify';
import type { Logger } from '../log/logger.ts';

export type Audit = (
  request: FastifyRequest,
  action: string,
  target: string,
  details?: Record<string, unknown>,
) => void;

export function createAudit(logger: Logger): Audit {
  const log = logger.child({ component: 'audit' });
  return (request, action, target, details = {}) => {
    const who = request.principal;
    log.info(
      {
        audit: true,
        action,
        target,
        actor: who?.name ?? 'anonymous',
        role: who?.role,
        ip: request.ip,
        ...details,
      },
      `${action} ${target}`,
    );
  };
}
