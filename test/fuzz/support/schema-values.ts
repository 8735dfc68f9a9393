/**
 * Request values for the admin API fuzz, driven by the route schemas in the SBC's own OpenAPI
 * document: a plausible value for a schema (so most requests get past the first check and reach
 * the handler), then one seeded mutation of it (a wrong type, a boundary, a missing required key,
 * an unknown key, a hostile string, deep nesting).
 */
import { int, pick, type Rand } from './random.ts';

export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

const RULES = `ruleset fuzzed
trunk a {
  peers ["127.0.0.1:5070"]
}
on request INVITE from a {
  reject 486 "Busy Here"
}
`;

const INVITE = [
  'INVITE sip:+14155550100@127.0.0.1 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1',
  'From: <sip:a@127.0.0.1>;tag=1',
  'To: <sip:b@127.0.0.1>',
  'Call-ID: 1@x',
  'CSeq: 1 INVITE',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

/** Strings a request might plausibly carry; the first that matches a pattern is used. */
const CANDIDATES = [
  '+14155550100',
  '+14155550101',
  'contoso',
  'main.rules',
  '127.0.0.1:5070',
  'fuzz-token',
  '6babcaad-604b-40ac-a9d7-9fd97c0b779f',
  'contoso.sbc.example.com',
  'viewer',
  'operator',
  '1',
  'a',
];

export const HOSTILE_STRINGS = [
  '',
  ' ',
  '../../etc/passwd',
  '%00',
  '\u0000\r\n',
  'ä😀\uD800',
  '__proto__',
  'constructor',
  '1e309',
  '-1',
  '2147483648',
  '9'.repeat(40),
  'x'.repeat(70_000),
  '{"a":',
  '<script>',
  "'; DROP TABLE numbers; --",
  'ruleset x\non request INVITE {\n  route nowhere\n}',
];

function typeOf(s: Schema): string | undefined {
  return Array.isArray(s.type) ? s.type[0] : s.type;
}

function plausibleString(s: Schema, name: string, rand: Rand): string {
  if (s.enum) return String(pick(rand, s.enum));
  if (name === 'message') return INVITE;
  if (name === 'main.rules' || name === 'rules') return RULES;
  if (s.pattern) {
    const re = new RegExp(s.pattern, 'u');
    const fits = CANDIDATES.filter((c) => re.test(c));
    if (fits.length > 0) return pick(rand, fits);
  }
  return pick(rand, CANDIDATES);
}

/** A value the schema (mostly) accepts. */
export function plausible(s: Schema, rand: Rand, name = '', depth = 0): unknown {
  if (s.anyOf) return plausible(pick(rand, s.anyOf), rand, name, depth);
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(s.properties ?? {}))
        if (s.required?.includes(key) || rand() < 0.5) out[key] = plausible(prop, rand, key, depth + 1);
      if (typeof s.additionalProperties === 'object' && Object.keys(out).length === 0)
        out['main.rules'] = plausible(s.additionalProperties, rand, 'main.rules', depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: 1 + int(rand, 3) }, () => plausible(s.items ?? {}, rand, name, depth + 1));
    case 'integer':
    case 'number':
      return (s.minimum ?? 1) + int(rand, Math.min(10, (s.maximum ?? 10) - (s.minimum ?? 1) + 1));
    case 'boolean':
      return rand() < 0.5;
    case 'null':
      return null;
    default:
      return plausibleString(s, name, rand);
  }
}

function hostile(rand: Rand): unknown {
  switch (int(rand, 8)) {
    case 0:
      return null;
    case 1:
      return pick(rand, [0, -1, 1.5, 2 ** 31, 2 ** 53 + 1, -0, 1e308]);
    case 2:
      return rand() < 0.5;
    case 3:
      return [pick(rand, HOSTILE_STRINGS)];
    case 4:
      // Own keys named like the prototype chain (JSON.parse makes them own properties).
      return JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":1}}');
    case 5: {
      let v: unknown = 'deep';
      for (let i = 0; i < 2000; i++) v = [v];
      return v;
    }
    default:
      return pick(rand, HOSTILE_STRINGS);
  }
}

/** One change to a plausible value: a field replaced, dropped or added, or the whole value. */
export function mutate(value: unknown, rand: Rand): unknown {
  if (value === null || typeof value !== 'object' || rand() < 0.15) return hostile(rand);
  const copy: Record<string, unknown> = Array.isArray(value) ? { ...value } : { ...(value as object) };
  const keys = Object.keys(copy);
  const key = keys.length > 0 ? pick(rand, keys) : 'extra';
  const op = int(rand, 4);
  if (op === 0) delete copy[key];
  else if (op === 1)
    copy[pick(rand, ['extra', '__proto__', 'constructor', key.toUpperCase()])] = hostile(rand);
  else if (op === 2) copy[key] = mutate(copy[key], rand);
  else copy[key] = hostile(rand);
  return Array.isArray(value) ? Object.values(copy) : copy;
}
