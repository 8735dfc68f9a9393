/**
 * The admin API's JSON schemas (TypeBox). The same objects validate requests (every body is
 * checked, unknown fields are refused) and, through @fastify/swagger, become /openapi.json.
 */
import { Type } from '@fastify/type-provider-typebox';
import { CUSTOMER_ID_PATTERN, E164_PATTERN } from '../store/validate.ts';

export const LIMITS = {
  /** A rule set is a handful of files; these bounds stop a runaway upload early. */
  maxRuleFiles: 100,
  maxRuleFileBytes: 1024 * 1024,
  maxPathLength: 200,
  maxText: 500,
  maxCsvBytes: 4 * 1024 * 1024,
  maxCsvRows: 100_000,
} as const;

const strict = { additionalProperties: false } as const;

export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'machine-readable code, e.g. invalid_request, not_found' }),
    message: Type.String(),
  },
  { additionalProperties: true, description: 'Every 4xx/5xx answer has this shape' },
);

/** Relative paths only: no leading `/`, no `..` segment, no backslashes. */
export const RULE_PATH_PATTERN = '^(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9_][A-Za-z0-9_./-]*$';

export const RuleFilesSchema = Type.Record(
  Type.String({ pattern: RULE_PATH_PATTERN, maxLength: LIMITS.maxPathLength }),
  Type.String({ maxLength: LIMITS.maxRuleFileBytes }),
  {
    minProperties: 1,
    maxProperties: LIMITS.maxRuleFiles,
    additionalProperties: false,
    description: 'relative path → file text',
  },
);

export const RuleUploadBody = Type.Object(
  {
    files: RuleFilesSchema,
    entry: Type.Optional(
      Type.String({
        pattern: RULE_PATH_PATTERN,
        maxLength: LIMITS.maxPathLength,
        description: 'file compilation starts from; default main.rules, or the only .rules file',
      }),
    ),
    message: Type.Optional(Type.String({ maxLength: LIMITS.maxText })),
  },
  strict,
);

export const VersionSummary = Type.Object({
  version: Type.Integer(),
  author: Type.String(),
  message: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  hash: Type.String(),
  entry: Type.String(),
  active: Type.Boolean(),
});

export const Activation = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  previous: Type.Union([Type.Integer(), Type.Null()]),
  kind: Type.Union([Type.Literal('activate'), Type.Literal('rollback')]),
  actor: Type.String(),
  at: Type.String({ format: 'date-time' }),
});

export const VersionParam = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2 ** 31 }) }, strict);
export const ActivateBody = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2 ** 31 }) }, strict);
export const RollbackBody = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 31 })) },
  strict,
);
export const DiffQuery = Type.Object(
  {
    from: Type.Integer({ minimum: 1, maximum: 2 ** 31 }),
    to: Type.Integer({ minimum: 1, maximum: 2 ** 31 }),
  },
  strict,
);
export const LimitQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
  strict,
);

const ServiceFlagsSchema = Type.Object(
  {
    zoom: Type.Optional(Type.Boolean()),
    teams_direct_routing: Type.Optional(Type.Boolean()),
    operator_connect: Type.Optional(Type.Boolean()),
    teams_phone_mobile: Type.Optional(Type.Boolean()),
  },
  strict,
);

const DirectRoutingSchema = Type.Object(
  {
    tenant_id: Type.Optional(
      Type.String({ pattern: '^[0-9A-Fa-f-]{36}$', description: 'the Microsoft tenant ID (GUID)' }),
    ),
    domain: Type.Optional(
      Type.String({
        pattern: '^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$',
        description: "the customer's subdomain of the carrier's SBC domain",
      }),
    ),
  },
  strict,
);

const CustomerId = Type.String({ pattern: CUSTOMER_ID_PATTERN });
const Name = Type.String({ minLength: 1, maxLength: 200 });
/** A header value: printable text without CR/LF, so it can never inject a header line. */
const HeaderValue = Type.String({ maxLength: 256, pattern: '^[\\x20-\\x7E\\u0080-\\uFFFF]*$' });

export const CustomerBody = Type.Object(
  {
    id: CustomerId,
    name: Name,
    direct_routing: Type.Optional(DirectRoutingSchema),
    screening_opt_out: Type.Optional(Type.Boolean()),
  },
  strict,
);

export const CustomerPatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    direct_routing: Type.Optional(DirectRoutingSchema),
    screening_opt_out: Type.Optional(Type.Boolean()),
  },
  { ...strict, minProperties: 1 },
);

export const CustomerSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  direct_routing: Type.Object({
    tenant_id: Type.Optional(Type.String()),
    domain: Type.Optional(Type.String()),
  }),
  screening_opt_out: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

export const CustomerParam = Type.Object({ id: CustomerId }, strict);

export const E164 = Type.String({ pattern: E164_PATTERN, description: 'E.164 with the leading +' });

export const NumberBody = Type.Object(
  {
    number: E164,
    customer: CustomerId,
    services: Type.Optional(ServiceFlagsSchema),
    custom_header: Type.Optional(Type.Union([HeaderValue, Type.Null()])),
  },
  strict,
);

export const NumberPatchBody = Type.Object(
  {
    customer: Type.Optional(CustomerId),
    services: Type.Optional(ServiceFlagsSchema),
    custom_header: Type.Optional(Type.Union([HeaderValue, Type.Null()])),
  },
  { ...strict, minProperties: 1 },
);

export const NumberSchema = Type.Object({
  number: Type.String(),
  customer: Type.String(),
  services: Type.Object({
    zoom: Type.Boolean(),
    teams_direct_routing: Type.Boolean(),
    operator_connect: Type.Boolean(),
    teams_phone_mobile: Type.Boolean(),
  }),
  custom_header: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

/** `+` is optional in the path: `%2B14155550100` and `14155550100` name the same number. */
export const NumberParam = Type.Object(
  { number: Type.String({ pattern: '^\\+?[1-9][0-9]{1,14}$' }) },
  strict,
);

export const NumberListQuery = Type.Object(
  {
    customer: Type.Optional(CustomerId),
    after: Type.Optional(E164),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  strict,
);

export const ImportQuery = Type.Object(
  {
    partial: Type.Optional(
      Type.Boolean({
        description: 'store the valid rows even when others have errors (default: all or none)',
      }),
    ),
  },
  strict,
);

export const CsvBody = Type.String({ maxLength: LIMITS.maxCsvBytes, description: 'CSV text (text/csv)' });

export const RowError = Type.Object({
  line: Type.Integer(),
  number: Type.Optional(Type.String()),
  message: Type.String(),
});

export const TokenRoleSchema = Type.Union([
  Type.Literal('viewer'),
  Type.Literal('operator'),
  Type.Literal('admin'),
]);

export const TokenBody = Type.Object({ name: Name, role: TokenRoleSchema }, strict);

export const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: TokenRoleSchema,
  created_at: Type.String({ format: 'date-time' }),
  created_by: Type.String(),
});

export const TokenParam = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) }, strict);

export const DiagnosticSchema = Type.Object(
  {
    file: Type.String(),
    line: Type.Integer(),
    column: Type.Integer(),
    endLine: Type.Integer(),
    endColumn: Type.Integer(),
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
    code: Type.String(),
    message: Type.String(),
    hint: Type.Optional(Type.String()),
  },
  { description: "the rule compiler's diagnostic object (dsl/diagnostics.ts)" },
);
