import type { Effect, NameAddrSnapshot, RuleLocation, UriSnapshot } from '../../../dsl/effects.ts';
import type { IrFailover, IrMediaPolicy, IrValue } from '../../../dsl/ir.ts';
import type { SipMessage } from '../../edge/sip/index.ts';
import { addressText, EditError, editAddress, editHeaderParam, editUri } from './address-edit.ts';

/**
 * Applies a hook's effects to a SIP message, in order, and collects the decisions that are not edits
 * (route, reject, media, variables, logs, counters). Pure apart from editing the message it is given:
 * `sbc preview`, `sbc test` and the live signaling core use exactly this code, so a preview shows
 * what a live call would get.
 */
export interface Decisions {
  route?: { target: string; targetKind: 'trunk' | 'group'; failover?: IrFailover; at: RuleLocation };
  reject?: { code: number; reason?: string; headers?: [string, string][]; at: RuleLocation };
  reply?: { code: number; reason?: string; at: RuleLocation };
  media: { leg: 'inbound' | 'outbound'; policy: IrMediaPolicy; at: RuleLocation }[];
  vars: Record<string, IrValue>;
  logs: { level: string; message: string; at: RuleLocation }[];
  counters: string[];
  /** Edits that could not be applied (e.g. a field of a header the message does not have). */
  skipped: { effect: Effect; reason: string }[];
}

const ADDRESS_HEADERS: Record<string, string> = {
  from: 'From',
  to: 'To',
  pai: 'P-Asserted-Identity',
  ppi: 'P-Preferred-Identity',
  contact: 'Contact',
};

export function emptyDecisions(): Decisions {
  return { media: [], vars: {}, logs: [], counters: [], skipped: [] };
}

export function applyEffects(
  msg: SipMessage,
  effects: readonly Effect[],
  into = emptyDecisions(),
): Decisions {
  for (const e of effects) {
    try {
      applyOne(msg, e, into);
    } catch (err) {
      if (!(err instanceof EditError)) throw err;
      into.skipped.push({ effect: e, reason: err.message });
    }
  }
  return into;
}

function applyOne(msg: SipMessage, e: Effect, d: Decisions): void {
  switch (e.kind) {
    case 'header.set':
      if (e.param === undefined) msg.setHeader(e.name, e.value);
      else editLines(msg, e.name, (v) => editHeaderParam(v, e.param!, e.value));
      return;
    case 'header.add':
      msg.appendHeader(e.name, e.value);
      return;
    case 'header.default':
      if (!msg.has(e.name)) msg.setHeader(e.name, e.value);
      return;
    case 'header.remove':
      if (e.param === undefined) msg.removeHeader(e.name);
      else editLines(msg, e.name, (v) => editHeaderParam(v, e.param!, null));
      return;
    case 'header.replace':
      msg.setHeader(e.name, e.values);
      return;
    case 'field.set':
    case 'field.remove':
      editField(msg, e.field, e.kind === 'field.set' ? e.value : null);
      return;
    case 'reject':
      d.reject = {
        code: e.code,
        at: e.at,
        ...(e.reason ? { reason: e.reason } : {}),
        ...(e.headers ? { headers: e.headers } : {}),
      };
      return;
    case 'reply':
      d.reply = { code: e.code, at: e.at, ...(e.reason ? { reason: e.reason } : {}) };
      return;
    case 'route':
      d.route = {
        target: e.target,
        targetKind: e.targetKind,
        at: e.at,
        ...(e.failover ? { failover: e.failover } : {}),
      };
      return;
    case 'media':
      d.media.push({ leg: e.leg, policy: e.policy, at: e.at });
      return;
    case 'var.set':
      d.vars[e.name] = e.value;
      return;
    case 'log':
      d.logs.push({ level: e.level, message: e.message, at: e.at });
      return;
    case 'count':
      d.counters.push(e.counter);
      return;
  }
}

function editLines(msg: SipMessage, name: string, edit: (value: string) => string): void {
  const lines = msg.getAll(name);
  if (lines.length === 0) throw new EditError(`no ${name} header to edit`);
  msg.setHeader(name, lines.map(edit));
}

type FieldValue = string | number | NameAddrSnapshot | UriSnapshot | null;

function editField(msg: SipMessage, field: string[], value: FieldValue): void {
  const [root, ...rest] = field;
  if (root === 'ruri') {
    if (!msg.isRequest) throw new EditError('a response has no request-URI');
    if (value !== null && typeof value === 'object')
      throw new EditError('a URI field needs text or a number');
    msg.setRequestUri(editUri(msg.requestUriText, rest, value));
    return;
  }
  if (root === 'response') {
    if (msg.isRequest) throw new EditError('a request has no status');
    if (rest[0] === 'status' && typeof value === 'number') msg.setStatus(value, msg.reason);
    else if (rest[0] === 'reason' && typeof value === 'string') msg.setStatus(msg.status, value);
    else throw new EditError(`cannot set response.${rest.join('.')}`);
    return;
  }
  const header = ADDRESS_HEADERS[root ?? ''];
  if (header === undefined) throw new EditError(`cannot change ${field.join('.')}`);
  if (rest.length === 0) {
    if (value === null) msg.removeHeader(header);
    else if (typeof value === 'object')
      msg.setHeader(header, addressText(value as NameAddrSnapshot, root === 'from' || root === 'to'));
    else msg.setHeader(header, String(value));
    return;
  }
  const current = msg.get(header);
  if (current === undefined) throw new EditError(`no ${header} header to edit`);
  if (value !== null && typeof value === 'object')
    throw new EditError('an address field needs text or a number');
  msg.setHeader(header, editAddress(current, header, rest, value));
}

/** A response built for a reject/reply decision is the core's job; preview shows the status line. */
export function statusLine(code: number, reason: string | undefined): string {
  return `SIP/2.0 ${code} ${reason ?? ''}`.trimEnd();
}
