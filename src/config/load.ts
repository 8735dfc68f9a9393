/**
 * Reads, overlays and validates the configuration. Every problem is reported
 * at once with the file line it comes from, so an operator fixes a config in
 * one pass; nothing is started until the whole file is valid.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import { type Config, configSchema, SECRETS } from './schema.ts';

export interface ConfigProblem {
  /** Where the value came from: the file name, or `env NAME`. */
  source: string;
  line?: number;
  /** Dotted path of the key, e.g. `sip.listen[0].port`; empty for the whole file. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line === undefined ? problem.source : `${problem.source}:${problem.line}`;
  return problem.path ? `${where} ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** Loads the config file (or the built-in defaults when none is named). Throws ConfigError. */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  if (file === undefined) return parseConfigText('', '(defaults)', env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new ConfigError([{ source: file, path: '', message: `cannot read config: ${reason}` }]);
  }
  return parseConfigText(text, file, env);
}

/** Parses and validates config text; `source` names it in messages. Throws ConfigError. */
export function parseConfigText(text: string, source: string, env: NodeJS.ProcessEnv = process.env): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        source,
        line: lineOf(e.pos[0]),
        path: '',
        message: `YAML: ${firstLine(e.message)}`,
      })),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([
      { source, line: 1, path: '', message: 'expected a mapping of keys at the top level' },
    ]);
  }
  const fromEnv = overlaySecrets(raw as Record<string, unknown>, env);

  const result = configSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;

  const problems = result.error.issues
    .flatMap((issue) => describeIssue(issue))
    .map((p) => {
      const envName = fromEnv.get(p.path);
      if (envName) return { ...p, source: `env ${envName}`, line: undefined };
      const node = nearestNode(doc.contents, p.segments, p.atKey);
      return {
        source,
        line: node?.range ? lineOf(node.range[0]) : undefined,
        path: p.path,
        message: p.message,
      };
    });
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  throw new ConfigError(problems);
}

function isSecretPath(path: readonly PropertyKey[]): boolean {
  const dotted = path.join('.');
  return SECRETS.some((secret) => secret.path.join('.') === dotted);
}

/** Secrets may come from the environment so they stay out of files; env wins. */
function overlaySecrets(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Map<string, string> {
  const fromEnv = new Map<string, string>();
  for (const secret of SECRETS) {
    const value = env[secret.env];
    if (value === undefined || value === '') continue;
    const [section, key] = secret.path;
    const parent = raw[section];
    const target = typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>) : {};
    target[key] = value;
    raw[section] = target;
    fromEnv.set(secret.path.join('.'), secret.env);
  }
  return fromEnv;
}

interface DescribedIssue {
  segments: PropertyKey[];
  /** True when the problem is the key itself (an unknown key), not its value. */
  atKey: boolean;
  path: string;
  message: string;
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping of keys',
  array: 'a list',
};

function describeIssue(issue: z.core.$ZodIssue): DescribedIssue[] {
  // Never echo a secret's value back into logs or terminals.
  const showInput =
    'input' in issue &&
    issue.input !== undefined &&
    (typeof issue.input !== 'object' || issue.input === null) &&
    !isSecretPath(issue.path);
  const got = showInput ? `, got ${JSON.stringify(issue.input)}` : '';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(issue.path);
      return issue.keys.map((key) => {
        const suggestion = didYouMean(key, known);
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : ` (known keys: ${known.join(', ')})`;
        const segments = [...issue.path, key];
        return { segments, atKey: true, path: formatPath(segments), message: `unknown key${hint}` };
      });
    }
    case 'invalid_value': {
      const options = issue.values.map(String);
      const suggestion = typeof issue.input === 'string' ? didYouMean(issue.input, options) : undefined;
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
      const message = `expected one of ${options.join(', ')}${got}${hint}`;
      return [{ segments: issue.path, atKey: false, path: formatPath(issue.path), message }];
    }
    case 'invalid_type': {
      const custom = !issue.message.startsWith('Invalid input');
      const expected = custom ? issue.message : `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
      const message = issue.input === undefined ? `${expected} (missing)` : `${expected}${got}`;
      return [{ segments: issue.path, atKey: false, path: formatPath(issue.path), message }];
    }
    default:
      return [
        {
          segments: issue.path,
          atKey: false,
          path: formatPath(issue.path),
          message: `${issue.message}${got}`,
        },
      ];
  }
}

/** The keys the schema allows at a path, for "did you mean". */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined = configSchema;
  for (const segment of path) {
    schema = schema && childSchema(unwrap(schema), segment);
  }
  const def = schema && unwrap(schema)._zod.def;
  return def?.type === 'object' ? Object.keys((def as z.core.$ZodObjectDef).shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.core.$ZodType };
    if (!def.innerType) return current;
    current = def.innerType;
  }
}

function childSchema(schema: z.core.$ZodType, segment: PropertyKey): z.core.$ZodType | undefined {
  const def = schema._zod.def;
  if (def.type === 'object') return (def as z.core.$ZodObjectDef).shape[String(segment)];
  if (def.type === 'array') return (def as z.core.$ZodArrayDef).element;
  return undefined;
}

export function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`))
    .join('');
}

/** The YAML node for a path, or its nearest ancestor that exists (for missing keys). */
function nearestNode(root: unknown, segments: readonly PropertyKey[], atKey: boolean): Node | undefined {
  let node = root as Node | undefined;
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return node;
      if (last && atKey) return pair.key as Node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
