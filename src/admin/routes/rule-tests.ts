/** POST /api/v1/rulesets/versions/{version}/test: run the rule tests stored with a version. */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { RuleSets } from '../rule-sets.ts';
import { ErrorBody, VersionParam } from '../schemas.ts';
import { runVersionTests } from '../version-tests.ts';

const Failure = Type.Object({
  what: Type.String(),
  expected: Type.String(),
  actual: Type.String(),
  diff: Type.String(),
});

const RuleTestResult = Type.Object({
  version: Type.Integer(),
  passed: Type.Integer(),
  failed: Type.Integer(),
  files: Type.Array(
    Type.Object({
      file: Type.String(),
      ruleset: Type.Optional(Type.String()),
      error: Type.Optional(Type.String()),
      cases: Type.Array(
        Type.Object({ name: Type.String(), ok: Type.Boolean(), failures: Type.Array(Failure) }),
      ),
    }),
  ),
  coverage: Type.Array(
    Type.Object({
      ruleset: Type.String(),
      covered: Type.Integer(),
      total: Type.Integer(),
      pct: Type.Number(),
      uncovered: Type.Array(Type.Object({ at: Type.String(), label: Type.String() })),
    }),
  ),
});

export function registerRuleTestRoute(app: FastifyInstance, ruleSets: RuleSets): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/api/v1/rulesets/versions/:version/test',
    {
      // Runs rule code in isolates (CPU), so it needs more than read access.
      config: { role: 'operator' },
      schema: {
        tags: ['rule sets'],
        summary: "Run the version's *.test.yaml rule tests (as `sbc test`): pass/fail per test and coverage",
        params: VersionParam,
        response: { 200: RuleTestResult, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const version = await ruleSets.get(request.params.version);
      return { version: version.version, ...runVersionTests(version) };
    },
  );
}
