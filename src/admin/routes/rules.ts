/** /api/v1/rulesets: versions, validation, diff, activation, rollback and history. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { Metrics } from '../../observability/metrics.ts';
import type { Audit } from '../audit.ts';
import type { RuleSets } from '../rule-sets.ts';
import {
  ActivateBody,
  Activation,
  DiagnosticSchema,
  DiffQuery,
  ErrorBody,
  LimitQuery,
  RollbackBody,
  RuleUploadBody,
  VersionParam,
  VersionSummary,
} from '../schemas.ts';

export interface RuleRoutesOptions {
  ruleSets: RuleSets;
  audit: Audit;
  metrics: Metrics;
}

const tags = ['rule sets'];
const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
};

export function registerRuleRoutes(app: FastifyInstance, options: RuleRoutesOptions): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { ruleSets, audit, metrics } = options;

  api.post(
    '/api/v1/rulesets/validate',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Compile files without storing them (what the editor shows)',
        body: RuleUploadBody,
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            entry: Type.String(),
            diagnostics: Type.Array(DiagnosticSchema),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const checked = ruleSets.check(request.body.files, request.body.entry);
      return { ok: checked.errors === 0, entry: checked.entry, diagnostics: checked.diagnostics };
    },
  );

  api.post(
    '/api/v1/rulesets/versions',
    {
      config: { role: 'operator' },
      schema: {
        tags,
        summary: 'Upload a new version (one file or a bundle); compiler errors → 422, nothing stored',
        body: RuleUploadBody,
        response: {
          201: Type.Object({ version: VersionSummary, diagnostics: Type.Array(DiagnosticSchema) }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      try {
        const { version, diagnostics } = await ruleSets.upload({
          ...request.body,
          author: request.principal?.name ?? '',
        });
        metrics.ruleUploads.inc({ result: 'stored' });
        audit(request, 'rules.upload', `v${version.version}`, {
          hash: version.hash,
          files: Object.keys(version.files),
        });
        const { files: _files, ...summary } = version;
        return reply.code(201).send({ version: { ...summary, active: false }, diagnostics });
      } catch (error) {
        metrics.ruleUploads.inc({ result: 'rejected' });
        throw error;
      }
    },
  );

  api.get(
    '/api/v1/rulesets/versions',
    {
      config: { role: 'viewer' },
      schema: { tags, summary: 'List versions', response: { 200: Type.Array(VersionSummary) } },
    },
    async () => ruleSets.list(),
  );

  api.get(
    '/api/v1/rulesets/versions/:version',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'One version with its files',
        params: VersionParam,
        response: {
          200: Type.Object({
            ...VersionSummary.properties,
            files: Type.Record(Type.String(), Type.String()),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const version = await ruleSets.get(request.params.version);
      const active = await ruleSets.currentActivation();
      return { ...version, active: active?.version === version.version };
    },
  );

  api.get(
    '/api/v1/rulesets/diff',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Unified diff between two versions',
        querystring: DiffQuery,
        response: {
          200: Type.Object({ from: Type.Integer(), to: Type.Integer(), diff: Type.String() }),
          ...errors,
        },
      },
    },
    async (request) => ({
      from: request.query.from,
      to: request.query.to,
      diff: await ruleSets.diff(request.query.from, request.query.to),
    }),
  );

  api.get(
    '/api/v1/rulesets/active',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'The active version and the activation that set it',
        response: { 200: Activation, ...errors },
      },
    },
    async (_request, reply) => {
      const active = await ruleSets.currentActivation();
      if (!active)
        return reply.code(404).send({ error: 'not_found', message: 'no rule set has been activated yet' });
      return active;
    },
  );

  api.get(
    '/api/v1/rulesets/activations',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'History of activations, newest first',
        querystring: LimitQuery,
        response: { 200: Type.Array(Activation) },
      },
    },
    async (request) => ruleSets.activationHistory(request.query.limit ?? 100),
  );

  api.get(
    '/api/v1/rulesets/calls',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Loaded versions with the number of calls in progress pinned to each',
        response: {
          200: Type.Array(
            Type.Object({
              version: Type.Integer(),
              hash: Type.String(),
              active: Type.Boolean(),
              calls: Type.Integer(),
            }),
          ),
        },
      },
    },
    async () => ruleSets.pinnedCalls(),
  );

  const activationResponse = Type.Object({ activation: Activation, changed: Type.Boolean() });

  api.post(
    '/api/v1/rulesets/activate',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        summary: 'Activate a version (loaded beside the running one, then one atomic swap)',
        body: ActivateBody,
        response: { 200: activationResponse, ...errors },
      },
    },
    async (request) => {
      try {
        const result = await ruleSets.activate(
          request.body.version,
          request.principal?.name ?? '',
          'activate',
        );
        metrics.ruleActivations.inc({ kind: 'activate', result: 'ok' });
        audit(request, 'rules.activate', `v${result.activation.version}`, {
          previous: result.activation.previous,
          changed: result.changed,
        });
        return result;
      } catch (error) {
        metrics.ruleActivations.inc({ kind: 'activate', result: 'failed' });
        throw error;
      }
    },
  );

  api.post(
    '/api/v1/rulesets/rollback',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        summary: 'Roll back to the previously active version, or to a named one',
        body: RollbackBody,
        response: { 200: activationResponse, ...errors },
      },
      // No body at all means "to the previous version", like an empty object.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request) => {
      try {
        const result = await ruleSets.rollback(request.body.version, request.principal?.name ?? '');
        metrics.ruleActivations.inc({ kind: 'rollback', result: 'ok' });
        audit(request, 'rules.rollback', `v${result.activation.version}`, {
          previous: result.activation.previous,
          changed: result.changed,
        });
        return result;
      } catch (error) {
        metrics.ruleActivations.inc({ kind: 'rollback', result: 'failed' });
        throw error;
      }
    },
  );
}
