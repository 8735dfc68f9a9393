/** Health, readiness and metrics. /health is the one route without a token (load balancers). */
import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import type { Metrics } from '../../observability/metrics.ts';
import { ErrorBody } from '../schemas.ts';

export interface StatusRoutesOptions {
  version: string;
  metrics: Metrics;
  /** Named checks; the SBC is ready when every one passes. */
  readiness: Record<string, () => boolean>;
  /**
   * Parts /health reports on (several nodes: the shared stores and admission counters). One not
   * ok makes the status `degraded`: the node still serves calls, in a reduced way, and says how.
   */
  components?: Record<string, () => ComponentHealth>;
}

export interface ComponentHealth {
  ok: boolean;
  detail: string;
}

const Component = Type.Object({ ok: Type.Boolean(), detail: Type.String() });

const tags = ['status'];

export function registerStatusRoutes(app: FastifyInstance, options: StatusRoutesOptions): void {
  const startedAt = Date.now();

  app.get(
    '/health',
    {
      config: { role: 'public' },
      schema: {
        tags,
        summary: 'Liveness (no token needed)',
        response: {
          200: Type.Object({
            status: Type.String(),
            version: Type.String(),
            node: Type.String(),
            uptimeSeconds: Type.Integer(),
            components: Type.Optional(Type.Record(Type.String(), Component)),
          }),
        },
      },
    },
    async () => {
      const components = options.components && componentHealth(options.components);
      const degraded = components !== undefined && Object.values(components).some((c) => !c.ok);
      return {
        status: degraded ? 'degraded' : 'ok',
        version: options.version,
        node: process.version,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        ...(components ? { components } : {}),
      };
    },
  );

  app.get(
    '/ready',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Readiness: 200 when every check passes, else 503 naming the failing ones',
        response: {
          200: Type.Object({ ready: Type.Boolean(), checks: Type.Record(Type.String(), Type.Boolean()) }),
          503: Type.Object({ ready: Type.Boolean(), checks: Type.Record(Type.String(), Type.Boolean()) }),
          401: ErrorBody,
        },
      },
    },
    async (_request, reply) => {
      const checks: Record<string, boolean> = {};
      for (const [name, check] of Object.entries(options.readiness)) {
        try {
          checks[name] = check();
        } catch {
          checks[name] = false;
        }
      }
      const ready = Object.values(checks).every(Boolean);
      return reply.code(ready ? 200 : 503).send({ ready, checks });
    },
  );

  app.get(
    '/metrics',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: { 200: Type.String(), 401: ErrorBody },
      },
    },
    async (_request, reply) =>
      reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics()),
  );
}

function componentHealth(checks: Record<string, () => ComponentHealth>): Record<string, ComponentHealth> {
  const out: Record<string, ComponentHealth> = {};
  for (const [name, check] of Object.entries(checks)) {
    try {
      out[name] = check();
    } catch (error) {
      out[name] = { ok: false, detail: String(error) };
    }
  }
  return out;
}
