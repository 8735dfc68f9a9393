/**
 * POST /api/v1/rulesets/preview: run rule files that are not stored yet on a SIP message, exactly
 * as `sbc preview` does (same compiled code, runtime limits and effect application; lookups read
 * the provisioning store), and answer the PreviewResult object (docs/runtime.md "Preview"). It
 * stores and changes nothing, so a viewer may use it: it is what the editor's preview pane shows.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  HOOK_NAMES,
  MessageFileError,
  type PreviewResult,
  previewMessage,
  SnapshotError,
} from '../../core/effects/index.ts';
import { compileRuleSet, RuleSetRuntime, type TableSource } from '../../runtime/index.ts';
import { HttpError } from '../errors.ts';
import type { RuleSets } from '../rule-sets.ts';
import { ErrorBody, LIMITS, RULE_PATH_PATTERN, RuleFilesSchema } from '../schemas.ts';

/** A SIP message worth previewing is a few kB; 64 kB is far above any real one. */
const MAX_MESSAGE_CHARS = 65_536;

export const PreviewBody = Type.Object(
  {
    files: RuleFilesSchema,
    entry: Type.Optional(Type.String({ pattern: RULE_PATH_PATTERN, maxLength: LIMITS.maxPathLength })),
    message: Type.String({ minLength: 1, maxLength: MAX_MESSAGE_CHARS, description: 'the SIP message' }),
    trunk: Type.Optional(Type.String({ maxLength: 100 })),
    source: Type.Optional(
      Type.String({ pattern: '^(\\[[0-9a-fA-F:.]+\\]|[0-9.]+)(:[0-9]{1,5})?$', description: 'IP:PORT' }),
    ),
    hook: Type.Optional(Type.Union(HOOK_NAMES.map((h) => Type.Literal(h)))),
  },
  { additionalProperties: false },
);

export function registerPreviewRoute(
  app: FastifyInstance,
  options: { ruleSets: RuleSets; tables: TableSource },
): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.post(
    '/api/v1/rulesets/preview',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['rule sets'],
        summary: 'Run unsaved rule files on a SIP message: resulting message, diff, decisions, trace',
        body: PreviewBody,
        response: {
          // Open schema: the object is sbc preview --json's, documented in docs/runtime.md.
          200: Type.Unsafe<PreviewResult>({ description: 'PreviewResult (docs/runtime.md "Preview")' }),
          400: ErrorBody,
          401: ErrorBody,
          422: ErrorBody,
        },
      },
    },
    async (request) => {
      const { files, message, trunk, hook } = request.body;
      const checked = options.ruleSets.check(files, request.body.entry);
      const loaded = compileRuleSet(new Map(Object.entries(files)), { entry: checked.entry });
      if (!loaded.ok) {
        throw new HttpError(422, 'compile_failed', 'the rule set has errors; fix them to preview', {
          diagnostics: loaded.diagnostics,
        });
      }
      const source = parseSource(request.body.source);
      const runtime = new RuleSetRuntime(loaded.rules, {
        routeTargets: loaded.routeTargets,
        tables: options.tables,
      });
      try {
        return previewMessage(runtime, message, {
          ...(hook ? { hook } : {}),
          ...(trunk ? { trunk } : {}),
          ...(source ? { source } : {}),
        });
      } catch (error) {
        if (error instanceof MessageFileError)
          throw new HttpError(422, 'bad_message', error.message, { line: error.line });
        if (error instanceof SnapshotError) throw new HttpError(422, 'bad_message', error.message);
        throw error;
      } finally {
        runtime.close();
      }
    },
  );
}

function parseSource(text: string | undefined): { ip: string; port: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[0-9.]+)(?::(\d{1,5}))?$/.exec(text);
  const port = m?.[2] === undefined ? 5060 : Number(m[2]);
  if (!m || port < 1 || port > 65535)
    throw new HttpError(400, 'invalid_request', `source must be IP:PORT, got '${text}'`);
  return { ip: m[1]!.replace(/^\[|\]$/g, ''), port };
}
