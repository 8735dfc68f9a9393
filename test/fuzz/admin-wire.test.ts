// Issue 11 item 2: the admin API of a real `sbc run`, fuzzed over real HTTP. Every route of its
// OpenAPI document gets requests built from the route's own schemas with one seeded mutation (path,
// query, body, content type, token), and the listener gets malformed HTTP/1.1 on raw sockets. No
// answer is a 5xx (GET /ready's 503 "not ready" is its documented answer, not an error), every
// 4xx from the API says what was wrong, and the process stays healthy. test/admin/fuzz.test.ts
// does the same in-process with random bodies; this one goes through the socket, the HTTP parser
// and the real stores. FUZZ_SEED=n replays a run.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SbcNode, startSbcNode } from '../faults/support/sbc-node.ts';
import { TOKEN } from '../support/sbc-under-test.ts';
import { caseRng, fuzzSeed, int, pick, type Rand } from './support/random.ts';
import { httpCall, rawRequest, sendRaw } from './support/raw-http.ts';
import { HOSTILE_STRINGS, mutate, plausible, type Schema } from './support/schema-values.ts';

const ROUNDS_PER_ROUTE = 30;
const RAW_REQUESTS = 300;
const seed = fuzzSeed();
let sbc: SbcNode;

interface Parameter {
  in: string;
  name: string;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Route {
  method: string;
  path: string;
  op: Operation;
}

beforeAll(async () => {
  sbc = await startSbcNode();
  expect((await sbc.api('POST', '/api/v1/customers', { id: 'contoso', name: 'Contoso' })).status).toBe(201);
  const number = { number: '+14155550100', customer: 'contoso' };
  expect((await sbc.api('POST', '/api/v1/numbers', number)).status).toBe(201);
  await sbc.upload('ruleset fuzzed\ntrunk a {\n  peers ["127.0.0.1:5070"]\n}\n');
}, 30_000);

afterAll(async () => {
  await sbc?.close();
});

const enc = (text: string) => encodeURIComponent(text.toWellFormed());

function value(schema: Schema, rand: Rand, name: string): string {
  return String(rand() < 0.7 ? plausible(schema, rand, name) : pick(rand, HOSTILE_STRINGS));
}

function request(route: Route, rand: Rand) {
  const params = route.op.parameters ?? [];
  let path = route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const p = params.find((x) => x.in === 'path' && x.name === name);
    return rand() < 0.05 ? '%E0%A4%A' : enc(value(p?.schema ?? {}, rand, name));
  });
  const query = params
    .filter((p) => p.in === 'query' && rand() < 0.5)
    .map((p) => `${p.name}=${enc(value(p.schema, rand, p.name).slice(0, 300))}`);
  if (rand() < 0.1)
    query.push(`${pick(rand, ['zzz', 'limit', '__proto__'])}=${enc(pick(rand, HOSTILE_STRINGS))}`);
  if (query.length > 0) path += `?${query.join('&')}`;
  const headers: Record<string, string> = {};
  const auth = int(rand, 10);
  if (auth < 8) headers.authorization = `Bearer ${TOKEN}`;
  else if (auth === 8) headers.authorization = `Bearer ${'x'.repeat(int(rand, 300))}`;
  let body: string | undefined;
  const content = route.op.requestBody?.content ?? {};
  const withBody = route.method === 'POST' || route.method === 'PATCH' || rand() < 0.1;
  if (withBody) {
    const [type, media] = Object.entries(content)[0] ?? ['application/json', { schema: {} }];
    const good = plausible(media.schema, rand);
    const sent = rand() < 0.25 ? good : mutate(good, rand);
    body = typeof sent === 'string' ? sent : JSON.stringify(sent);
    headers['content-type'] = rand() < 0.9 ? type : pick(rand, ['text/csv', 'application/xml', 'text/plain']);
    if (rand() < 0.05) body = pick(rand, ['{', '[1,]', '\uFEFF{}', '', 'number,customer\n"+1,x\n']);
  }
  return { method: route.method, path, headers, body };
}

it(`never answers 5xx to ${ROUNDS_PER_ROUTE} schema-based mutations per route over HTTP (FUZZ_SEED=${seed})`, async () => {
  const doc = (await sbc.api('GET', '/openapi.json')).json as {
    paths: Record<string, Record<string, Operation>>;
  };
  const routes: Route[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
  expect(routes.length).toBeGreaterThan(25);
  const jobs = routes.flatMap((route, r) =>
    Array.from({ length: ROUNDS_PER_ROUTE }, (_, k) => ({ route, n: r * 1000 + k })),
  );
  const wrong: string[] = [];
  const closed: string[] = [];
  const total = jobs.length;
  const statuses = new Map<number, number>();
  const worker = async () => {
    for (let job = jobs.pop(); job; job = jobs.pop()) {
      const req = request(job.route, caseRng(seed, job.n));
      // A connection the server closed before a readable answer (e.g. it answered a bad URL before
      // reading the body, and the rest of the body then failed as a request of its own).
      const res = await httpCall(sbc.adminPort, req).catch((error: Error) => {
        closed.push(`case ${job.n}: ${req.method} ${req.path.slice(0, 80)}: ${error.message}`);
        return { status: 0, contentType: '', text: '' };
      });
      const text = res.text;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const what = `case ${job.n}: ${req.method} ${req.path.slice(0, 150)} ${String(req.body).slice(0, 150)} → ${res.status} ${text.slice(0, 200)}`;
      const documented = job.route.path === '/ready' && res.status === 503;
      if (res.status >= 500 && !documented) wrong.push(what);
      else if (res.status >= 400 && res.status < 500 && res.contentType.includes('json')) {
        const answer = JSON.parse(text) as { error?: unknown; message?: unknown };
        if (typeof answer.error !== 'string' || typeof answer.message !== 'string')
          wrong.push(`no error/message: ${what}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  expect(wrong, `FUZZ_SEED=${seed}\n${wrong.slice(0, 10).join('\n')}`).toEqual([]);
  expect(closed.length, closed.join('\n')).toBeLessThan(total / 50);
  // The mutations reached handlers (2xx) as well as validation (4xx).
  const count = (lo: number) =>
    [...statuses].filter(([s]) => s >= lo && s < lo + 100).reduce((a, [, n]) => a + n, 0);
  expect(count(200)).toBeGreaterThan(routes.length);
  expect(count(400)).toBeGreaterThan(routes.length);
  await expectHealthy();
}, 120_000);

it(`answers ${RAW_REQUESTS} malformed HTTP requests with 4xx or a closed connection, never 5xx (FUZZ_SEED=${seed})`, async () => {
  const wrong: string[] = [];
  const next = { n: 0 };
  const worker = async () => {
    for (let n = next.n++; n < RAW_REQUESTS; n = next.n++) {
      const raw = rawRequest(caseRng(seed, 500_000 + n), TOKEN);
      const status = await sendRaw(sbc.adminPort, raw);
      if (status >= 500) wrong.push(`case ${n}: ${status} ← ${JSON.stringify(raw.slice(0, 200))}`);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  expect(wrong, `FUZZ_SEED=${seed}\n${wrong.slice(0, 10).join('\n')}`).toEqual([]);
  await expectHealthy();
}, 120_000);

let probes = 0;

/**
 * Still up, and its store still reads and writes. (Not "contoso is still there": the mutations use
 * existing ids on purpose to reach the handlers, so a seed may well delete it legitimately.)
 */
async function expectHealthy(): Promise<void> {
  expect(sbc.proc.child.exitCode).toBeNull();
  expect((await sbc.api('GET', '/health')).status).toBe(200);
  const id = `after-fuzz-${++probes}`;
  expect((await sbc.api('POST', '/api/v1/customers', { id, name: 'After fuzz' })).status).toBe(201);
  expect((await sbc.api('GET', `/api/v1/customers/${id}`)).status).toBe(200);
  expect((await sbc.api('GET', '/api/v1/customers')).status).toBe(200);
}
