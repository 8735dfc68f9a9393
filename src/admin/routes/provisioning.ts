/**
 * /api/v1/customers and /api/v1/numbers: provisioning modelled on Azure Communications Gateway's
 * Number Management (seed 001): customers (tenants) with their Direct Routing identity and
 * caller-ID screening opt-out, and numbers with per-service flags and a custom header value.
 * Rules read these through the lookup host function with no reload (docs/stores.md).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Metrics } from '../../observability/metrics.ts';
import type { PhoneNumber, ProvisioningStore } from '../../store/types.ts';
import type { Audit } from '../audit.ts';
import { HttpError } from '../errors.ts';
import { numbersToCsv, parseNumbersCsv } from '../numbers-csv.ts';
import {
  CsvBody,
  CustomerBody,
  CustomerParam,
  CustomerPatchBody,
  CustomerSchema,
  ErrorBody,
  ImportQuery,
  NumberBody,
  NumberListQuery,
  NumberParam,
  NumberPatchBody,
  NumberSchema,
  RowError,
} from '../schemas.ts';

export interface ProvisioningRoutesOptions {
  store: ProvisioningStore;
  audit: Audit;
  metrics: Metrics;
}

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
};
const customerTags = ['customers'];
const numberTags = ['numbers'];
const EXPORT_PAGE = 1000;

/** Path numbers may omit the `+` (it is awkward in URLs); stored numbers always have it. */
function e164(param: string): string {
  return param.startsWith('+') ? param : `+${param}`;
}

export function registerProvisioningRoutes(app: FastifyInstance, options: ProvisioningRoutesOptions): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { store, audit, metrics } = options;
  const changed = (entity: string, action: string, count = 1) =>
    metrics.provisioningChanges.inc({ entity, action }, count);

  api.get(
    '/api/v1/customers',
    {
      config: { role: 'viewer' },
      schema: {
        tags: customerTags,
        summary: 'List customers',
        response: { 200: Type.Array(CustomerSchema) },
      },
    },
    async () => store.listCustomers(),
  );

  api.post(
    '/api/v1/customers',
    {
      config: { role: 'operator' },
      schema: {
        tags: customerTags,
        summary: 'Create a customer (tenant)',
        body: CustomerBody,
        response: { 201: CustomerSchema, ...errors },
      },
    },
    async (request, reply) => {
      const customer = await store.createCustomer(request.body);
      changed('customer', 'create');
      audit(request, 'customer.create', customer.id, { body: request.body });
      return reply.code(201).send(customer);
    },
  );

  api.get(
    '/api/v1/customers/:id',
    {
      config: { role: 'viewer' },
      schema: {
        tags: customerTags,
        summary: 'One customer',
        params: CustomerParam,
        response: { 200: CustomerSchema, ...errors },
      },
    },
    async (request) => {
      const customer = await store.getCustomer(request.params.id);
      if (!customer) throw new HttpError(404, 'not_found', `customer '${request.params.id}' does not exist`);
      return customer;
    },
  );

  api.patch(
    '/api/v1/customers/:id',
    {
      config: { role: 'operator' },
      schema: {
        tags: customerTags,
        summary: 'Change a customer',
        params: CustomerParam,
        body: CustomerPatchBody,
        response: { 200: CustomerSchema, ...errors },
      },
    },
    async (request) => {
      const customer = await store.updateCustomer(request.params.id, request.body);
      changed('customer', 'update');
      audit(request, 'customer.update', customer.id, { body: request.body });
      return customer;
    },
  );

  api.delete(
    '/api/v1/customers/:id',
    {
      config: { role: 'operator' },
      schema: {
        tags: customerTags,
        summary: 'Delete a customer that has no numbers',
        params: CustomerParam,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await store.deleteCustomer(request.params.id);
      changed('customer', 'delete');
      audit(request, 'customer.delete', request.params.id);
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/api/v1/numbers',
    {
      config: { role: 'viewer' },
      schema: {
        tags: numberTags,
        summary: 'List numbers in number order; page with `after` = the last number of the previous page',
        querystring: NumberListQuery,
        response: { 200: Type.Array(NumberSchema), ...errors },
      },
    },
    async (request) => store.listNumbers({ ...request.query, limit: request.query.limit ?? 100 }),
  );

  api.post(
    '/api/v1/numbers',
    {
      config: { role: 'operator' },
      schema: {
        tags: numberTags,
        summary: 'Add a number',
        body: NumberBody,
        response: { 201: NumberSchema, ...errors },
      },
    },
    async (request, reply) => {
      const number = await store.createNumber(request.body);
      changed('number', 'create');
      audit(request, 'number.create', number.number, { body: request.body });
      return reply.code(201).send(number);
    },
  );

  api.get(
    '/api/v1/numbers/:number',
    {
      config: { role: 'viewer' },
      schema: {
        tags: numberTags,
        summary: 'One number',
        params: NumberParam,
        response: { 200: NumberSchema, ...errors },
      },
    },
    async (request) => {
      const number = await store.getNumber(e164(request.params.number));
      if (!number)
        throw new HttpError(404, 'not_found', `number ${e164(request.params.number)} does not exist`);
      return number;
    },
  );

  api.patch(
    '/api/v1/numbers/:number',
    {
      config: { role: 'operator' },
      schema: {
        tags: numberTags,
        summary: 'Change a number (flags are merged; custom_header null clears it)',
        params: NumberParam,
        body: NumberPatchBody,
        response: { 200: NumberSchema, ...errors },
      },
    },
    async (request) => {
      const number = await store.updateNumber(e164(request.params.number), request.body);
      changed('number', 'update');
      audit(request, 'number.update', number.number, { body: request.body });
      return number;
    },
  );

  api.delete(
    '/api/v1/numbers/:number',
    {
      config: { role: 'operator' },
      schema: {
        tags: numberTags,
        summary: 'Remove a number',
        params: NumberParam,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const number = e164(request.params.number);
      await store.deleteNumber(number);
      changed('number', 'delete');
      audit(request, 'number.delete', number);
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/api/v1/numbers/import',
    {
      config: { role: 'operator' },
      schema: {
        tags: numberTags,
        summary: 'Bulk create-or-replace from CSV; every bad row is reported with its line',
        consumes: ['text/csv'],
        querystring: ImportQuery,
        body: CsvBody,
        response: {
          200: Type.Object({
            created: Type.Integer(),
            updated: Type.Integer(),
            errors: Type.Array(RowError),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const customers = new Set((await store.listCustomers()).map((c) => c.id));
      const { rows, errors: rowErrors } = parseNumbersCsv(request.body, customers);
      if (rowErrors.length > 0 && !request.query.partial) {
        return reply.code(422).send({
          error: 'import_failed',
          message: `${rowErrors.length} row(s) have errors; nothing was imported (fix them, or import with ?partial=true)`,
          errors: rowErrors,
        });
      }
      const result = rows.length > 0 ? await store.upsertNumbers(rows) : { created: 0, updated: 0 };
      changed('number', 'import', rows.length);
      audit(request, 'number.import', `${rows.length} rows`, { ...result, rejected: rowErrors.length });
      return { ...result, errors: rowErrors };
    },
  );

  api.get(
    '/api/v1/numbers/export',
    {
      config: { role: 'viewer' },
      schema: {
        tags: numberTags,
        summary: 'All numbers as CSV (the import format)',
        produces: ['text/csv'],
        querystring: Type.Object(
          { customer: Type.Optional(CustomerParam.properties.id) },
          { additionalProperties: false },
        ),
        response: { 200: Type.String({ description: 'CSV text' }), ...errors },
      },
    },
    async (request, reply) => {
      const all: PhoneNumber[] = [];
      for (let after: string | undefined; ;) {
        const page = await store.listNumbers({ customer: request.query.customer, after, limit: EXPORT_PAGE });
        all.push(...page);
        if (page.length < EXPORT_PAGE) break;
        after = page[page.length - 1]?.number;
      }
      return reply.type('text/csv; charset=utf-8').send(numbersToCsv(all));
    },
  );
}
