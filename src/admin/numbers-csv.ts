/**
 * Bulk CSV import and export of numbers. One row per number:
 *
 *   number,customer,zoom,teams_direct_routing,operator_connect,teams_phone_mobile,custom_header
 *   +14155550100,contoso,true,false,false,false,X-Contoso
 *
 * `number` and `customer` are required columns; a missing flag column means false. Every row is
 * checked before anything is stored, and each bad row is reported with its line number.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { type NumberInput, type PhoneNumber, SERVICES, type Service } from '../store/types.ts';
import { isCustomerId, isE164 } from '../store/validate.ts';
import { HttpError } from './errors.ts';
import { LIMITS } from './schemas.ts';

export const CSV_COLUMNS = ['number', 'customer', ...SERVICES, 'custom_header'] as const;

const TRUE = new Set(['true', '1', 'yes', 'y']);
const FALSE = new Set(['false', '0', 'no', 'n', '']);
const HEADER_VALUE = /^[\x20-\x7E\u0080-\uFFFF]{0,256}$/;

export interface RowError {
  line: number;
  number?: string;
  message: string;
}

export interface ParsedCsv {
  rows: NumberInput[];
  errors: RowError[];
}

/** Parses and checks a CSV; throws HttpError 400 when the file as a whole is not usable. */
export function parseNumbersCsv(text: string, knownCustomers: ReadonlySet<string>): ParsedCsv {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      // Rows of the wrong length are reported per row below, not as a broken file.
      relax_column_count: true,
      info: true,
      max_record_size: 4096,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    throw new HttpError(
      400,
      'invalid_csv',
      `not valid CSV: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const header = records.shift()?.record.map((h) => h.toLowerCase());
  if (!header)
    throw new HttpError(
      400,
      'invalid_csv',
      `the CSV is empty; the first line must name the columns: ${CSV_COLUMNS.join(',')}`,
    );
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0)
    throw new HttpError(
      400,
      'invalid_csv',
      `unknown column(s) ${unknown.map((u) => `'${u}'`).join(', ')}; known: ${CSV_COLUMNS.join(', ')}`,
    );
  const duplicate = header.find((h, i) => header.indexOf(h) !== i);
  if (duplicate) throw new HttpError(400, 'invalid_csv', `column '${duplicate}' appears twice`);
  for (const required of ['number', 'customer'])
    if (!header.includes(required))
      throw new HttpError(400, 'invalid_csv', `the header has no '${required}' column`);
  if (records.length > LIMITS.maxCsvRows)
    throw new HttpError(
      413,
      'payload_too_large',
      `at most ${LIMITS.maxCsvRows} rows per import; split the file`,
    );

  const rows: NumberInput[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    if (record.length !== header.length) {
      errors.push({ line, message: `expected ${header.length} fields, found ${record.length}` });
      continue;
    }
    const cell = (name: string) => record[header.indexOf(name)] ?? '';
    const number = cell('number');
    const problems: string[] = [];
    if (!isE164(number)) problems.push(`'${number}' is not an E.164 number (+ and 2–15 digits)`);
    const customer = cell('customer');
    if (!isCustomerId(customer)) problems.push(`'${customer}' is not a valid customer id`);
    else if (!knownCustomers.has(customer)) problems.push(`customer '${customer}' does not exist`);
    const services: Partial<Record<Service, boolean>> = {};
    for (const service of SERVICES) {
      if (!header.includes(service)) continue;
      const value = cell(service).toLowerCase();
      if (TRUE.has(value)) services[service] = true;
      else if (FALSE.has(value)) services[service] = false;
      else problems.push(`${service}: '${value}' is not true/false`);
    }
    const customHeader = header.includes('custom_header') ? cell('custom_header') : '';
    if (!HEADER_VALUE.test(customHeader)) problems.push('custom_header: at most 256 printable characters');
    const firstLine = seen.get(number);
    if (firstLine !== undefined) problems.push(`number also on line ${firstLine}`);
    else seen.set(number, line);
    if (problems.length > 0) {
      errors.push({ line, number, message: problems.join('; ') });
      continue;
    }
    rows.push({ number, customer, services, custom_header: customHeader === '' ? null : customHeader });
  }
  return { rows, errors };
}

export function numbersToCsv(numbers: PhoneNumber[]): string {
  return stringify(
    numbers.map((n) => [
      n.number,
      n.customer,
      ...SERVICES.map((s) => String(n.services[s])),
      n.custom_header ?? '',
    ]),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}
