/** GET /api/v1/whoami: the name and role of the token in hand (the editor shows only what it allows). */
import type { FastifyInstance } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../schemas.ts';

export function registerWhoamiRoute(app: FastifyInstance): void {
  app.get(
    '/api/v1/whoami',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['tokens'],
        summary: 'Name and role of the calling token',
        response: {
          200: Type.Object({
            name: Type.String(),
            role: Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')]),
          }),
          401: ErrorBody,
        },
      },
    },
    async (request) => ({ name: request.principal?.name ?? '', role: request.principal?.role ?? 'viewer' }),
  );
}
