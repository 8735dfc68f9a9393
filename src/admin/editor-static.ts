/**
 * Serves the web editor (editor/dist, built by `npm run build:editor`) at `/`. The bundle holds
 * no secret and works offline (no CDN), so its files need no token; every API call the editor
 * makes carries the token the engineer signs in with. When the bundle was not built, `/` says
 * how to build it instead of answering 404.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const EDITOR_DIST = resolve(import.meta.dirname, '../../editor/dist');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SBC editor not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>The web editor has not been built</h1>
<p>Build it once with <code>npm run build:editor</code> (the <code>npm start</code> and
<code>npm test</code> scripts do it for you), then reload this page.</p>
<p>The admin API itself works without it: see <a href="/openapi.json">/openapi.json</a>.</p>
</body></html>
`;

export function registerEditorStatic(app: FastifyInstance, dist: string = EDITOR_DIST): void {
  app.register(async (scope) => {
    // Only the reply decorator: routes are ours, so each can say it needs no token.
    // preCompressed: the build writes .br/.gz copies (editor/vite.config.ts), sent when accepted.
    await scope.register(fastifyStatic, { root: dist, serve: false, preCompressed: true });
    const index = join(dist, 'index.html');
    scope.get('/', { config: { role: 'public' }, schema: { hide: true } }, async (_request, reply) => {
      if (!existsSync(index)) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
    scope.get<{ Params: { '*': string } }>(
      '/assets/*',
      { config: { role: 'public' }, schema: { hide: true } },
      async (request, reply) =>
        // Vite names assets by content hash, so a cached copy never goes stale.
        reply
          .header('cache-control', 'public, max-age=31536000, immutable')
          .sendFile(`assets/${request.params['*']}`),
    );
  });
}
