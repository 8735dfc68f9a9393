/**
 * /api/v1/status/trunks and /api/v1/status/calls: what the signaling core reports about trunk
 * peers (OPTIONS keepalive state) and calls in progress (with the rule version each one uses).
 * The core is injected as a narrow LiveStatus, so the admin API never imports it.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

export interface PeerStatusView {
  trunk: string;
  peer: { host: string; port: number; transport: string };
  state: 'up' | 'down' | 'unknown';
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** Status code of the last OPTIONS answer, `timeout` or `unreachable`. */
  lastOutcome?: number | string;
  /** Epoch milliseconds. */
  lastProbeAt?: number;
}

export interface CallView {
  callId: string;
  state: string;
  inboundTrunk: string;
  outboundTrunk: string | null;
  ruleVersion: number;
  startedAt: string;
}

export interface RuleErrorView {
  at: string;
  version: number;
  callId: string | null;
  kind: string;
  location: string | null;
  message: string;
}

export interface LiveStatus {
  trunks(): PeerStatusView[];
  calls(): CallView[];
  /** The last rule failures, newest first. */
  ruleErrors?(): RuleErrorView[];
}

const tags = ['status'];

const PeerStatusSchema = Type.Object({
  trunk: Type.String(),
  peer: Type.Object({ host: Type.String(), port: Type.Integer(), transport: Type.String() }),
  state: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('unknown')]),
  consecutiveFailures: Type.Integer(),
  consecutiveSuccesses: Type.Integer(),
  lastOutcome: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
  lastProbeAt: Type.Optional(Type.Integer()),
});

const CallSchema = Type.Object({
  callId: Type.String(),
  state: Type.String(),
  inboundTrunk: Type.String(),
  outboundTrunk: Type.Union([Type.String(), Type.Null()]),
  ruleVersion: Type.Integer(),
  startedAt: Type.String({ format: 'date-time' }),
});

const RuleErrorSchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
  callId: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String(),
  location: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
});

export function registerLiveStatusRoutes(app: FastifyInstance, live: LiveStatus | undefined): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get(
    '/api/v1/status/trunks',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Trunk peers with their OPTIONS keepalive state',
        response: { 200: Type.Array(PeerStatusSchema) },
      },
    },
    async () => live?.trunks() ?? [],
  );
  api.get(
    '/api/v1/status/calls',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Calls in progress, each with the rule-set version it started with',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ total: Type.Integer(), calls: Type.Array(CallSchema) }) },
      },
    },
    async (request) => {
      const calls = live?.calls() ?? [];
      return { total: calls.length, calls: calls.slice(0, request.query.limit ?? 1000) };
    },
  );
  api.get(
    '/api/v1/status/rule-errors',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          'The last rule failures (throw, timeout, memory…), newest first, with call and rule location',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(RuleErrorSchema) },
      },
    },
    async (request) => (live?.ruleErrors?.() ?? []).slice(0, request.query.limit ?? 100),
  );
}
