/**
 * The admin HTTP API (Fastify). It binds to loopback unless configured otherwise, because it
 * controls what every call does. Every route declares the least role it needs
 * (`config.role`); only GET /health is public. Route schemas validate every input and are
 * published as the OpenAPI 3.1 document at /openapi.json (docs/admin-api.md).
 */
import swagger from '@fastify/swagger';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Stores, TokenRole } from '../store/types.ts';
import { createAudit } from './audit.ts';
import { allows, Authenticator, type Principal } from './auth.ts';
import { registerEditorStatic } from './editor-static.ts';
import { installErrorHandling } from './errors.ts';
import { type RuleActivator, RuleSets } from './rule-sets.ts';
import { type LiveStatus, registerLiveStatusRoutes } from './routes/live.ts';
import { registerPreviewRoute } from './routes/preview.ts';
import { registerProvisioningRoutes } from './routes/provisioning.ts';
import { registerRuleTestRoute } from './routes/rule-tests.ts';
import { registerRuleRoutes } from './routes/rules.ts';
import { registerStatusRoutes, type StatusRoutesOptions } from './routes/status.ts';
import { registerTokenRoutes } from './routes/tokens.ts';
import { registerWhoamiRoute } from './routes/whoami.ts';
import { LIMITS } from './schemas.ts';
import { ProvisioningTables } from '../store/index.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a caller needs; `public` needs no token. Routes without one need admin. */
    role?: TokenRole | 'public';
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface AdminServerOptions {
  logger: Logger;
  version: string;
  stores: Stores;
  /** Loads a rule-set version into the rules runtime; see RuleActivator. */
  activator: RuleActivator;
  metrics: Metrics;
  /** `admin.token` / SBC_ADMIN_TOKEN: an admin token that needs no store entry. */
  bootstrapToken?: string;
  /** PEM certificate and key: the listener speaks HTTPS only. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Trunk and call status from the signaling core; without it those lists are empty. */
  live?: LiveStatus;
  /** Extra readiness checks (e.g. the rules runtime has a version loaded). */
  readiness?: Record<string, () => boolean>;
  /** Parts /health reports on (several nodes); see StatusRoutesOptions. */
  components?: StatusRoutesOptions['components'];
}

export function createAdminServer(options: AdminServerOptions) {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'admin' }),
    // Per-request lines would drown call logs; changes are audited explicitly instead.
    logController: new LogController({ disableRequestLogging: true }),
    // Bodies the admin API takes are rule files and CSVs; anything larger is a mistake.
    bodyLimit: LIMITS.maxCsvBytes + 1024 * 1024,
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
  });
  // TypeBox's compiler: bodies are checked as sent (a "5" is not a number); only path and query
  // strings are converted, since those are text by nature.
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installErrorHandling(app as unknown as FastifyInstance);
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: LIMITS.maxCsvBytes },
    (_request, body, done) => done(null, body),
  );

  const authenticator = new Authenticator(options.stores.tokens, options.bootstrapToken);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    const needed = request.routeOptions.config.role ?? 'admin';
    if (needed === 'public') return;
    const principal = await authenticator.authenticate(request.headers.authorization);
    if (!principal) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="sbc-admin"').send({
        error: 'unauthorized',
        message: 'a valid bearer token is needed (Authorization: Bearer TOKEN)',
      });
    }
    if (!allows(principal.role, needed)) {
      return reply.code(403).send({
        error: 'forbidden',
        message: `this needs the ${needed} role; the token '${principal.name}' has ${principal.role}`,
      });
    }
    request.principal = principal;
  });
  app.addHook('onResponse', async (request, reply) => {
    options.metrics.adminRequests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unknown',
      status: String(reply.statusCode),
    });
  });

  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'SBC admin API',
        version: options.version,
        description: 'Rule sets, provisioning, tokens and status of a session border controller.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  const audit = createAudit(options.logger);
  // Every way a version becomes active (API, rollback, `--watch`, start-up, another node) passes
  // here, so the gauge is set in one place.
  const inner = options.activator;
  const activator: RuleActivator = {
    activate: async (version) => {
      await inner.activate(version);
      options.metrics.activeRuleVersion.set(version.version);
    },
    ...(inner.pinnedCalls ? { pinnedCalls: () => inner.pinnedCalls!() } : {}),
  };
  const ruleSets = new RuleSets(options.stores.rules, activator);
  app.register(async (scope) => {
    registerStatusRoutes(scope, {
      version: options.version,
      metrics: options.metrics,
      readiness: { stores: () => options.stores.healthy(), ...options.readiness },
      ...(options.components ? { components: options.components } : {}),
    });
    registerRuleRoutes(scope, { ruleSets, audit, metrics: options.metrics });
    registerRuleTestRoute(scope, ruleSets);
    registerProvisioningRoutes(scope, {
      store: options.stores.provisioning,
      audit,
      metrics: options.metrics,
    });
    registerTokenRoutes(scope, { tokens: options.stores.tokens, audit });
    registerLiveStatusRoutes(scope, options.live);
    registerWhoamiRoute(scope);
    registerPreviewRoute(scope, { ruleSets, tables: new ProvisioningTables(options.stores.lookup) });
    registerEditorStatic(scope);
    scope.get(
      '/openapi.json',
      {
        config: { role: 'viewer' },
        schema: { tags: ['status'], summary: 'This API as an OpenAPI 3.1 document' },
      },
      async () => app.swagger(),
    );
  });

  return Object.assign(app, { ruleSets, authenticator });
}

export type AdminServer = ReturnType<typeof createAdminServer>;
export type { RuleActivator } from './rule-sets.ts';
