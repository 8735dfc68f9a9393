/** /api/v1/tokens: admins create (secret shown once), list and revoke API tokens. */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TokenStore } from '../../store/types.ts';
import type { Audit } from '../audit.ts';
import { hashSecret, newTokenId, newTokenSecret } from '../auth.ts';
import { ErrorBody, TokenBody, TokenParam, TokenSchema } from '../schemas.ts';

const tags = ['tokens'];
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

export function registerTokenRoutes(
  app: FastifyInstance,
  options: { tokens: TokenStore; audit: Audit },
): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { tokens, audit } = options;

  api.get(
    '/api/v1/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        summary: 'List tokens (never their secrets)',
        response: { 200: Type.Array(TokenSchema), ...errors },
      },
    },
    async () => tokens.list(),
  );

  api.post(
    '/api/v1/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        summary: 'Create a token; the secret is in this answer only (the SBC keeps its SHA-256 hash)',
        body: TokenBody,
        response: { 201: Type.Object({ ...TokenSchema.properties, token: Type.String() }), ...errors },
      },
    },
    async (request, reply) => {
      const secret = newTokenSecret();
      const record = {
        id: newTokenId(),
        name: request.body.name,
        role: request.body.role,
        created_at: new Date().toISOString(),
        created_by: request.principal?.name ?? '',
      };
      await tokens.create(record, hashSecret(secret));
      audit(request, 'token.create', record.id, { name: record.name, tokenRole: record.role });
      return reply.code(201).send({ ...record, token: secret });
    },
  );

  api.delete(
    '/api/v1/tokens/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        summary: 'Revoke a token',
        params: TokenParam,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await tokens.remove(request.params.id);
      audit(request, 'token.delete', request.params.id);
      return reply.code(204).send(null);
    },
  );
}
