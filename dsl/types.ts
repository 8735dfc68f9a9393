import { lookupTable } from './lookup-table.ts';
/** The type system (docs/language.md §4). Types are plain data so the IR can carry them. */
export type EnumName =
  | 'Method'
  | 'Transport'
  | 'Srtp'
  | 'Dtmf'
  | 'Ringback'
  | 'Codec'
  | 'LogLevel'
  | 'Leg'
  | 'GroupPolicy'
  | 'Prack'
  | 'FailCause';

export type Type =
  | { k: 'string' }
  | { k: 'int' }
  | { k: 'bool' }
  | { k: 'duration' }
  | { k: 'ip' }
  | { k: 'cidr' }
  | { k: 'e164' }
  | { k: 'regex' }
  | { k: 'status' }
  | { k: 'uri' }
  | { k: 'nameaddr' }
  | { k: 'enum'; name: EnumName }
  | { k: 'list'; of: Type }
  | { k: 'record'; fields: Record<string, Type> }
  | { k: 'optional'; of: Type }
  | { k: 'table'; key: Type; value: Type }
  | { k: 'trunkref' }
  | { k: 'groupref' }
  | { k: 'error' };

export const STRING: Type = { k: 'string' };
export const INT: Type = { k: 'int' };
export const BOOL: Type = { k: 'bool' };
export const DURATION: Type = { k: 'duration' };
export const IP: Type = { k: 'ip' };
export const CIDR: Type = { k: 'cidr' };
export const E164: Type = { k: 'e164' };
export const REGEX: Type = { k: 'regex' };
export const STATUS: Type = { k: 'status' };
export const URI: Type = { k: 'uri' };
export const NAMEADDR: Type = { k: 'nameaddr' };
export const ERROR: Type = { k: 'error' };
export const enumType = (name: EnumName): Type => ({ k: 'enum', name });
export const listOf = (of: Type): Type => ({ k: 'list', of });
export const optional = (of: Type): Type =>
  of.k === 'optional' || of.k === 'error' ? of : { k: 'optional', of };

export const ENUMS: Record<EnumName, readonly string[]> = {
  Method: [
    'INVITE',
    'ACK',
    'BYE',
    'CANCEL',
    'OPTIONS',
    'REGISTER',
    'INFO',
    'UPDATE',
    'PRACK',
    'REFER',
    'SUBSCRIBE',
    'NOTIFY',
    'MESSAGE',
    'PUBLISH',
  ],
  Transport: ['udp', 'tcp', 'tls'],
  Srtp: ['off', 'optional', 'required'],
  Dtmf: ['rfc2833', 'info', 'inband', 'none'],
  Ringback: ['relay', 'inject', 'none'],
  Codec: ['opus', 'G722', 'PCMU', 'PCMA', 'G729', 'AMR', 'AMR_WB', 'iLBC', 'telephone_event', 'CN'],
  LogLevel: ['debug', 'info', 'warn', 'error'],
  Leg: ['inbound', 'outbound'],
  GroupPolicy: ['ordered', 'round_robin'],
  Prack: ['off', 'supported', 'required'],
  FailCause: ['timeout', 'unreachable'],
};

/** Names accepted in type annotations (var declarations, table schemas). */
export const NAMED_TYPES: Record<string, Type> = lookupTable({
  string: STRING,
  int: INT,
  bool: BOOL,
  duration: DURATION,
  IP,
  CIDR,
  E164,
  Method: enumType('Method'),
  Codec: enumType('Codec'),
});

const shown = new WeakMap<Type, string>();

/** The type as written in diagnostics and in the IR (memoised: the lower stage asks for every node). */
export function show(t: Type): string {
  let text = shown.get(t);
  if (text === undefined) {
    text = showUncached(t);
    shown.set(t, text);
  }
  return text;
}

function showUncached(t: Type): string {
  switch (t.k) {
    case 'string':
    case 'int':
    case 'bool':
    case 'duration':
      return t.k;
    case 'ip':
    case 'cidr':
      return t.k.toUpperCase();
    case 'e164':
      return 'E164';
    case 'regex':
      return 'Regex';
    case 'status':
      return 'StatusClass';
    case 'uri':
      return 'Uri';
    case 'nameaddr':
      return 'NameAddr';
    case 'enum':
      return t.name;
    case 'list':
      return `[${show(t.of)}]`;
    case 'record':
      return `{ ${Object.entries(t.fields)
        .map(([k, v]) => `${k}: ${show(v)}`)
        .join(', ')} }`;
    case 'optional':
      return `${show(t.of)}?`;
    case 'table':
      return `table[${show(t.key)}] -> ${show(t.value)}`;
    case 'trunkref':
      return 'Trunk';
    case 'groupref':
      return 'Group';
    case 'error':
      return '<error>';
  }
}

/** Can a value of type `from` be used where `to` is expected? E164 is a kind of string. */
export function assignable(from: Type, to: Type): boolean {
  if (from.k === 'error' || to.k === 'error') return true;
  if (to.k === 'optional') return assignable(from.k === 'optional' ? from.of : from, to.of);
  if (from.k === 'optional') return false;
  if (to.k === 'string' && from.k === 'e164') return true;
  if (from.k !== to.k) return false;
  if (from.k === 'enum' && to.k === 'enum') return from.name === to.name;
  if (from.k === 'list' && to.k === 'list') return assignable(from.of, to.of);
  if (from.k === 'record' && to.k === 'record') {
    const keys = new Set([...Object.keys(from.fields), ...Object.keys(to.fields)]);
    for (const key of keys) {
      const f = from.fields[key];
      const g = to.fields[key];
      if (g === undefined || f === undefined || !assignable(f, g)) return false;
    }
    return true;
  }
  return true;
}

export function sameType(a: Type, b: Type): boolean {
  return assignable(a, b) && assignable(b, a);
}

export function isOptional(t: Type): t is { k: 'optional'; of: Type } {
  return t.k === 'optional';
}

export function unwrap(t: Type): Type {
  return t.k === 'optional' ? t.of : t;
}
