// Messages the server sends to an app (S→A): building them with the exact field
// layout drachtio-server uses (checked byte for byte against captured frames), and
// parsing them back (for tests and tools that play the app side).
// srf throws on any S→A type other than response, sip and cdr:* (lib/drachtio-agent.js).

import { splitPayload, WireParseError } from './app-messages.ts';
import { assertFieldSafe, formatMeta, type MessageMeta, type MessageSource, parseMeta } from './meta.ts';

/** What follows `<id>|response|<rid>|` — the reply to one A→S message. */
export type WireReply =
  /** route / remove_route accepted. */
  | { kind: 'ok' }
  /** `OK|<hostports>|<version>|<localHostports>`: lists of `proto/host:port`. */
  | { kind: 'authenticated'; hostports: string[]; version: string; localHostports: string[] }
  /** `OK|pong` */
  | { kind: 'pong' }
  /** `OK|<meta6>|<txnId>|Msg sent:|` + the request exactly as sent. */
  | { kind: 'request-sent'; meta: MessageMeta; txnId: string; sip: string }
  /** `OK|<meta6>|<txnId>|<dialogId>||Msg sent:|` + the response exactly as sent (dialogId may be empty). */
  | { kind: 'response-sent'; meta: MessageMeta; txnId: string; dialogId: string; sip: string }
  /** `OK|<meta6>|||continue` + one final response a proxy target sent; more replies follow. */
  | { kind: 'proxy-response'; meta: MessageMeta; sip: string }
  /** `OK|done`: the proxy operation is over. */
  | { kind: 'proxy-done' }
  /** `NO|<reason>`: protocol-level refusal (bad secret, unknown type, missing txn id). */
  | { kind: 'refused'; reason: string }
  /** `NOK|<reason>`: a SIP operation failed. */
  | { kind: 'failed'; reason: string };

export interface ResponseMessage {
  type: 'response';
  id: string;
  /** Id of the A→S message answered. */
  replyTo: string;
  reply: WireReply;
}

/** Delivery of a SIP request or response received (or generated) by the server. */
export interface SipDelivery {
  type: 'sip';
  id: string;
  meta: MessageMeta;
  txnId: string;
  /** Empty for out-of-dialog messages. */
  dialogId: string;
  /** Only on new out-of-dialog requests: the server's SIP address the request arrived on. */
  receivedOn: { host: string; port: number } | undefined;
  /** The SIP message, byte for byte as received. */
  sip: string;
}

export type CdrRole = 'uac' | 'uas' | 'proxy-uac' | 'proxy-uas';
export type CdrStopReason =
  | 'call-rejected'
  | 'call-canceled'
  | 'normal-release'
  | 'session-expired'
  | 'system-initiated-termination'
  | 'system-error-initiated-termination';

export type CdrMessage =
  | { type: 'cdr:attempt'; id: string; source: MessageSource; time: string; sip: string }
  | { type: 'cdr:start'; id: string; source: MessageSource; time: string; role: CdrRole; sip: string }
  | { type: 'cdr:stop'; id: string; source: MessageSource; time: string; reason: CdrStopReason; sip: string };

export type ServerMessage = ResponseMessage | SipDelivery | CdrMessage;

function checked(fields: string[]): string {
  fields.forEach((f, i) => {
    assertFieldSafe(`field ${i}`, f);
  });
  return fields.join('|');
}

function replyFields(reply: WireReply): { data: string; sip: string | undefined } {
  switch (reply.kind) {
    case 'ok':
      return { data: 'OK', sip: undefined };
    case 'authenticated':
      return {
        data: checked(['OK', reply.hostports.join(','), reply.version, reply.localHostports.join(',')]),
        sip: undefined,
      };
    case 'pong':
      return { data: 'OK|pong', sip: undefined };
    case 'request-sent':
      return { data: `OK|${formatMeta(reply.meta)}|${checked([reply.txnId])}|Msg sent:|`, sip: reply.sip };
    case 'response-sent':
      return {
        data: `OK|${formatMeta(reply.meta)}|${checked([reply.txnId, reply.dialogId])}||Msg sent:|`,
        sip: reply.sip,
      };
    case 'proxy-response':
      return { data: `OK|${formatMeta(reply.meta)}|||continue`, sip: reply.sip };
    case 'proxy-done':
      return { data: 'OK|done', sip: undefined };
    case 'refused':
      return { data: `NO|${checked([reply.reason])}`, sip: undefined };
    case 'failed':
      return { data: `NOK|${checked([reply.reason])}`, sip: undefined };
  }
}

/** Builds the payload (without the length prefix) of an S→A message. */
export function buildServerMessage(msg: ServerMessage): string {
  switch (msg.type) {
    case 'response': {
      const { data, sip } = replyFields(msg.reply);
      const leader = `${checked([msg.id, 'response', msg.replyTo])}|${data}`;
      return sip === undefined ? leader : `${leader}\r\n${sip}`;
    }
    case 'sip': {
      // Keep the trailing `|`: srf ignores `sip` frames with fewer than 10 tokens.
      let leader = `${checked([msg.id, 'sip'])}|${formatMeta(msg.meta)}|${checked([msg.txnId, msg.dialogId])}|`;
      if (msg.receivedOn) leader += `${checked([msg.receivedOn.host])}|${msg.receivedOn.port}|`;
      return `${leader}\r\n${msg.sip}`;
    }
    case 'cdr:attempt':
      return `${checked([msg.id, msg.type, msg.source, msg.time])}\r\n${msg.sip}`;
    case 'cdr:start':
      return `${checked([msg.id, msg.type, msg.source, msg.time, msg.role])}\r\n${msg.sip}`;
    case 'cdr:stop':
      return `${checked([msg.id, msg.type, msg.source, msg.time, msg.reason])}\r\n${msg.sip}`;
  }
}

function requireMeta(fields: string[], start: number): MessageMeta {
  const meta = parseMeta(fields, start);
  if (!meta) throw new WireParseError(`bad meta block at field ${start}`);
  return meta;
}

function parseReply(data: string[], sip: string | undefined): WireReply {
  const [status, ...rest] = data;
  if (status === 'NO') return { kind: 'refused', reason: rest.join('|') };
  if (status === 'NOK') return { kind: 'failed', reason: rest.join('|') };
  if (status !== 'OK') throw new WireParseError(`unknown reply status ${status}`);
  if (rest.length === 0) return { kind: 'ok' };
  if (rest.length === 1 && rest[0] === 'pong') return { kind: 'pong' };
  if (rest.length === 1 && rest[0] === 'done') return { kind: 'proxy-done' };
  if (rest[rest.length - 2] === 'Msg sent:' && sip !== undefined) {
    const meta = requireMeta(rest, 0);
    if (rest.length === 9) return { kind: 'request-sent', meta, txnId: rest[6]!, sip };
    if (rest.length === 11) return { kind: 'response-sent', meta, txnId: rest[6]!, dialogId: rest[7]!, sip };
  }
  if (rest.length === 9 && rest[8] === 'continue' && sip !== undefined) {
    return { kind: 'proxy-response', meta: requireMeta(rest, 0), sip };
  }
  if (rest.length === 3) {
    const list = (s: string): string[] => s.split(',').filter((x) => x !== '');
    return {
      kind: 'authenticated',
      hostports: list(rest[0]!),
      version: rest[1]!,
      localHostports: list(rest[2]!),
    };
  }
  throw new WireParseError(`unrecognised reply: ${data.join('|')}`);
}

/** Parses an S→A payload (inverse of {@link buildServerMessage}). */
export function parseServerMessage(payload: string): ServerMessage {
  const { fields, sip } = splitPayload(payload);
  const id = fields[0] ?? '';
  const type = fields[1];
  switch (type) {
    case 'response':
      return { type, id, replyTo: fields[2] ?? '', reply: parseReply(fields.slice(3), sip) };
    case 'sip': {
      if (sip === undefined || fields.length < 11) throw new WireParseError('short sip delivery');
      const meta = requireMeta(fields, 2);
      const receivedOn = fields.length > 12 ? { host: fields[10]!, port: Number(fields[11]) } : undefined;
      return { type, id, meta, txnId: fields[8]!, dialogId: fields[9]!, receivedOn, sip };
    }
    case 'cdr:attempt':
    case 'cdr:start':
    case 'cdr:stop': {
      if (sip === undefined) throw new WireParseError('cdr without SIP part');
      const source = fields[2];
      if (source !== 'network' && source !== 'application') throw new WireParseError('bad cdr source');
      const time = fields[3] ?? '';
      if (type === 'cdr:attempt') return { type, id, source, time, sip };
      if (type === 'cdr:start') return { type, id, source, time, role: fields[4] as CdrRole, sip };
      return { type, id, source, time, reason: fields[4] as CdrStopReason, sip };
    }
    default:
      throw new WireParseError(`unknown server message type ${type}`);
  }
}
