/**
 * Issue 9 item 8: every route in the OpenAPI document gets random bodies (wrong types, huge,
 * unknown fields, deep nesting, bad JSON, bad CSV, wrong content types) and random path and
 * query values; none may answer 5xx, and every 4xx carries `{error, message}`.
 * The generator is seeded, and a failure names the seed and the request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestAdmin, type TestAdmin, ZOOM_RULES } from './support/admin.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const ROUNDS_PER_ROUTE = 40;

/** mulberry32: small, seedable, good enough to pick test inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (max: number) => Math.floor(random() * max);

const STRINGS = [
  '',
  'x',
  '+14155550100',
  '14155550100',
  '../../etc/passwd',
  '%00',
  '\u0000\r\n',
  'ä😀\uD800',
  '__proto__',
  'constructor',
  '1e309',
  '-1',
  '0',
  '2147483648',
  'main.rules',
  'true',
  'contoso',
  ZOOM_RULES,
  'ruleset x\non request INVITE {\n  route nowhere\n}',
];

function randomString(): string {
  switch (int(4)) {
    case 0:
      return pick(STRINGS);
    case 1:
      return Array.from({ length: int(40) }, () => String.fromCharCode(int(0x3000))).join('');
    case 2:
      return 'y'.repeat(int(3) === 0 ? 300_000 : int(600));
    default:
      return pick(STRINGS) + pick(STRINGS);
  }
}

const KEYS = [
  'files',
  'entry',
  'message',
  'version',
  'id',
  'name',
  'number',
  'customer',
  'services',
  'zoom',
  'custom_header',
  'direct_routing',
  'tenant_id',
  'domain',
  'screening_opt_out',
  'role',
  'from',
  'to',
  'partial',
  '__proto__',
  'constructor',
  'extra',
];

function randomValue(depth = 0): unknown {
  switch (int(depth > 3 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick([0, -1, 1, 2, 3, 1.5, 2 ** 31, 2 ** 53 + 1, -0, 1e308]);
    case 3:
    case 4:
    case 5:
      return randomString();
    case 6:
      return Array.from({ length: int(5) }, () => randomValue(depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = int(6); i > 0; i--)
        object[random() < 0.8 ? pick(KEYS) : randomString().slice(0, 50)] = randomValue(depth + 1);
      return object;
    }
  }
}

function deepNesting(levels: number): string {
  return `${'{"files":'.repeat(1)}${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

/** Mostly plausible bodies with one thing wrong, plus plain garbage. */
function randomBody(): { payload: string | Buffer; contentType?: string } {
  const choice = int(12);
  if (choice === 0)
    return {
      payload: pick(['{', '{"a":', 'nul', '[1,]', '{"__proto__":{"x":1}}', '\uFEFF{}', '']),
      contentType: 'application/json',
    };
  if (choice === 1) return { payload: deepNesting(5000), contentType: 'application/json' };
  if (choice === 2)
    return {
      payload: pick([
        'number,customer\n"+1,acme\n',
        'a,b,c\n1,2,3\n',
        '\u0000\u0001\u0002',
        'number,customer,zoom\n+14155550100,contoso,maybe\n',
        'x'.repeat(5_000_000),
      ]),
      contentType: 'text/csv',
    };
  if (choice === 3)
    return {
      payload: Buffer.from(Array.from({ length: int(300) }, () => int(256))),
      contentType: pick(['application/octet-stream', 'text/csv', 'application/json']),
    };
  if (choice === 4)
    return {
      payload: '<xml/>',
      contentType: pick(['application/xml', 'multipart/form-data; boundary=x', 'text/plain']),
    };
  if (choice === 5)
    return {
      payload: JSON.stringify({ files: { 'main.rules': 'z'.repeat(7_000_000) } }),
      contentType: 'application/json',
    };
  return { payload: JSON.stringify(randomValue()), contentType: 'application/json' };
}

function fillPath(path: string): string {
  // Sometimes a raw, broken percent-encoding: the router must refuse it, not crash.
  if (random() < 0.05) return path.replace(/\{[^}]+\}/g, '%E0%A4%A');
  return path.replace(/\{[^}]+\}/g, () =>
    enc(
      pick([
        '1',
        '+14155550100',
        '14155550100',
        'contoso',
        'x'.repeat(5000),
        '0',
        '-1',
        '99999999999',
        '%',
        '..',
        randomString().slice(0, 100),
      ]),
    ),
  );
}

/** Percent-encodes, replacing lone surrogates first (encodeURIComponent throws on them). */
function enc(text: string): string {
  return encodeURIComponent(text.toWellFormed());
}

function randomQuery(): string {
  if (random() < 0.4) return '';
  const keys = ['limit', 'after', 'customer', 'from', 'to', 'partial', 'zzz'];
  const parts = Array.from(
    { length: 1 + int(3) },
    () => `${pick(keys)}=${enc(randomString().slice(0, 200))}`,
  );
  return `?${parts.join('&')}`;
}

let t: TestAdmin;
beforeAll(async () => {
  t = await startTestAdmin();
  const inject = (method: 'POST', url: string, payload: object) =>
    t.app.inject({ method, url, headers: auth(), payload });
  await inject('POST', '/api/v1/customers', { id: 'contoso', name: 'Contoso' });
  await inject('POST', '/api/v1/numbers', { number: '+14155550100', customer: 'contoso' });
  await inject('POST', '/api/v1/rulesets/versions', { files: { 'main.rules': ZOOM_RULES } });
  await inject('POST', '/api/v1/rulesets/activate', { version: 1 });
});
afterAll(() => t.close());

describe(`fuzzing every route (FUZZ_SEED=${SEED})`, () => {
  it('never answers 5xx, and 4xx answers say what was wrong', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json', headers: auth() })).json();
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase() as 'GET', path })),
    );
    expect(routes.length).toBeGreaterThan(20);
    let requests = 0;
    for (const { method, path } of routes) {
      for (let round = 0; round < ROUNDS_PER_ROUTE; round++) {
        const url = fillPath(path) + randomQuery();
        const body =
          method === 'GET' || method === 'DELETE'
            ? random() < 0.2
              ? randomBody()
              : undefined
            : randomBody();
        const headers: Record<string, string> = { ...auth() };
        if (body?.contentType) headers['content-type'] = body.contentType;
        const r = await t.app.inject({ method, url, headers, ...(body ? { payload: body.payload } : {}) });
        requests++;
        const what = `FUZZ_SEED=${SEED} ${method} ${url.slice(0, 200)} body=${String(body?.payload ?? '').slice(0, 200)}`;
        expect(r.statusCode, `${what} → ${r.body.slice(0, 300)}`).toBeLessThan(500);
        if (r.statusCode >= 400) {
          const answer = r.json();
          expect(typeof answer.error, what).toBe('string');
          expect(answer.message.length, what).toBeGreaterThan(0);
        }
      }
    }
    expect(requests).toBe(routes.length * ROUNDS_PER_ROUTE);
    // The server still works after all that.
    const health = await t.app.inject({ method: 'GET', url: '/api/v1/numbers/14155550100', headers: auth() });
    expect(health.statusCode === 200 || health.statusCode === 404).toBe(true);
  }, 120_000);
});
