import { BOOL, E164, INT, optional, REGEX, STRING, type Type } from './types.ts';
import { lookupTable } from './lookup-table.ts';

/**
 * Built-in functions (docs/language.md §5.4). All are pure and total: none can fail at run time
 * except by returning an optional, which the type checker makes the rule handle.
 */
export interface Param {
  name: string;
  type: Type;
  optional?: boolean;
}

export interface FunctionDef {
  params: Param[];
  result: Type;
  doc: string;
}

const p = (name: string, type: Type, opt = false): Param =>
  opt ? { name, type, optional: true } : { name, type };

export const FUNCTIONS: Record<string, FunctionDef> = lookupTable({
  e164: {
    params: [p('number', STRING), p('country', STRING)],
    result: optional(E164),
    doc: 'normalise to E.164 using the country rules',
  },
  national: {
    params: [p('number', STRING), p('country', STRING)],
    result: optional(STRING),
    doc: 'format an E.164 number as dialled in country',
  },
  lower: { params: [p('text', STRING)], result: STRING, doc: 'lower case' },
  upper: { params: [p('text', STRING)], result: STRING, doc: 'upper case' },
  trim: { params: [p('text', STRING)], result: STRING, doc: 'remove surrounding spaces' },
  digits: { params: [p('text', STRING)], result: STRING, doc: 'keep only the digits 0-9' },
  len: { params: [p('text', STRING)], result: INT, doc: 'number of characters' },
  starts_with: {
    params: [p('text', STRING), p('prefix', STRING)],
    result: BOOL,
    doc: 'text begins with prefix',
  },
  ends_with: { params: [p('text', STRING), p('suffix', STRING)], result: BOOL, doc: 'text ends with suffix' },
  contains: { params: [p('text', STRING), p('part', STRING)], result: BOOL, doc: 'text contains part' },
  substitute: {
    params: [p('text', STRING), p('pattern', REGEX), p('with', STRING)],
    result: STRING,
    doc: 'replace every match; $1 … $9 insert groups',
  },
  capture: {
    params: [p('text', STRING), p('pattern', REGEX), p('group', INT, true)],
    result: optional(STRING),
    doc: 'the group (default 1) of the first match',
  },
  // `has` and `str` are generic; the checker types them specially.
  has: { params: [p('value', optional(STRING))], result: BOOL, doc: 'the optional value is present' },
  str: { params: [p('value', STRING)], result: STRING, doc: 'text form of a number, address or enum' },
});
