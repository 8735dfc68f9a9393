import { BOOL, enumType, INT, IP, NAMEADDR, optional, STRING, type Type, URI } from './types.ts';
import { lookupTable } from './lookup-table.ts';

/**
 * The SIP-aware fields rules can read and write (docs/language.md §4.3). `writable` fields may be
 * the target of set/remove; `hooks` restricts where a root can be used at all (E404).
 */
export type HookKind = 'request' | 'response' | 'failure';

export interface FieldDef {
  type: Type;
  writable?: boolean;
  /** `remove <field>` is allowed (the header or parameter disappears). */
  removable?: boolean;
  hooks?: readonly HookKind[];
  /** Fields of the message in hand that a response/failure handler may only read. */
  requestOnly?: boolean;
  /** For `params[...]`: the field of each element. */
  element?: FieldDef;
  doc: string;
}

const w = (type: Type, doc: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  type,
  writable: true,
  doc,
  ...extra,
});
const r = (type: Type, doc: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type, doc, ...extra });

const PARAMS: FieldDef = r({ k: 'record', fields: {} }, 'parameters by name', {
  element: w(optional(STRING), 'one parameter value (empty string for a flag)', { removable: true }),
});

export const URI_FIELDS: Record<string, FieldDef> = lookupTable({
  user: w(STRING, 'user part (the number, for telephone calls)'),
  host: w(STRING, 'host part'),
  port: w(optional(INT), 'port, when present'),
  scheme: r(STRING, "'sip', 'sips' or 'tel'"),
  params: PARAMS,
});

export const NAMEADDR_FIELDS: Record<string, FieldDef> = lookupTable({
  display: w(optional(STRING), 'display name', { removable: true }),
  uri: r(URI, 'the URI'),
  user: URI_FIELDS.user!,
  host: URI_FIELDS.host!,
  params: PARAMS,
});

export function membersOf(t: Type): Record<string, FieldDef> | undefined {
  if (t.k === 'uri') return URI_FIELDS;
  if (t.k === 'nameaddr') return NAMEADDR_FIELDS;
  if (t.k === 'record') {
    const out: Record<string, FieldDef> = lookupTable({});
    for (const [k, v] of Object.entries(t.fields)) out[k] = r(v, '');
    return out;
  }
  return undefined;
}

const rec = (fields: Record<string, FieldDef>): FieldDef & { members: Record<string, FieldDef> } => ({
  type: {
    k: 'record',
    fields: lookupTable(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.type]))),
  },
  doc: '',
  members: lookupTable(fields),
});

export const ROOTS: Record<string, FieldDef & { members?: Record<string, FieldDef> }> = lookupTable({
  request: {
    ...rec({
      method: r(enumType('Method'), 'method of the request'),
      uri: r(STRING, 'the whole request-URI as text'),
      has_sdp: r(BOOL, 'the request carries an SDP body'),
      in_dialog: r(BOOL, 'the request belongs to an existing dialog'),
    }),
    doc: 'the request being handled (in response/failure handlers: the request that was sent)',
  },
  ruri: w(URI, 'the request-URI', { requestOnly: true }),
  from: w(NAMEADDR, 'the From header', { requestOnly: true }),
  to: w(NAMEADDR, 'the To header', { requestOnly: true }),
  pai: w(optional(NAMEADDR), 'the P-Asserted-Identity header, if present', {
    requestOnly: true,
    removable: true,
  }),
  ppi: w(optional(NAMEADDR), 'the P-Preferred-Identity header, if present', {
    requestOnly: true,
    removable: true,
  }),
  contact: w(
    optional(NAMEADDR),
    "the Contact header, if present; in a request, setting contact.host sets the host of the SBC's own Contact toward the next hop",
    { requestOnly: true },
  ),
  source: {
    ...rec({
      ip: r(IP, 'address the message came from'),
      port: r(INT, 'port the message came from'),
      transport: r(enumType('Transport'), 'transport it came over'),
      trunk: r(STRING, "name of the trunk it was classified to ('' when none)"),
    }),
    doc: 'where the message came from',
  },
  call: {
    ...rec({
      id: r(STRING, 'Call-ID'),
      attempt: r(INT, 'routing attempt number, 1 for the first'),
      trunk: r(STRING, 'trunk the call arrived on'),
    }),
    doc: 'the call',
  },
  response: {
    ...rec({
      status: w(INT, 'status code; may be changed within its class (e.g. 180 -> 183)'),
      reason: w(STRING, 'reason phrase'),
      has_sdp: r(BOOL, 'the response carries an SDP body'),
    }),
    doc: 'the response being handled',
    hooks: ['response'],
  },
  failure: {
    ...rec({
      status: r(INT, 'final status received, 408 for a timeout'),
      reason: r(STRING, 'reason phrase received'),
      timeout: r(BOOL, 'no final response arrived in time'),
      trunk: r(STRING, 'trunk of the failed attempt'),
    }),
    doc: 'the failed routing attempt',
    hooks: ['failure'],
  },
});

export function rootMembers(name: string): Record<string, FieldDef> | undefined {
  const root = ROOTS[name];
  if (root === undefined) return undefined;
  return root.members ?? membersOf(root.type.k === 'optional' ? root.type.of : root.type);
}
