// Messages an app (drachtio-srf) sends to the server (A→S): parsing, and building
// (the latter for tools and tests that play the app side).
// Payload = leader line of `|`-separated fields, optionally CRLF + a SIP message.
// Field 0 is the sender's message id, field 1 the type. Fields are positional:
// empty fields are kept (drachtio-server src/drachtio.cpp splits without compression).

import { assertFieldSafe } from './meta.ts';
import { parseStartLine, type StartLine } from './start-line.ts';

export interface AuthenticateMessage {
  type: 'authenticate';
  id: string;
  secret: string;
  /** srf always sends the field, possibly empty; tags only matter for tag-based routing. */
  tags: string[];
}

export interface RouteMessage {
  type: 'route' | 'remove_route';
  id: string;
  /** Lower-case SIP method (`invite`, `options`, ...) or `cdr:attempt` / `cdr:start` / `cdr:stop`. */
  verb: string;
}

export interface PingMessage {
  type: 'ping';
  id: string;
}

/** `<id>|sip|<txnId>|<dialogId>[|<routeUri>]` CRLF SIP message. */
export interface SipMessageFromApp {
  type: 'sip';
  id: string;
  /** Server transaction id of the request being answered, or of the INVITE being CANCELled. */
  txnId: string;
  /** Dialog to send the request in. */
  dialogId: string;
  /** Optional 5th field: outbound proxy for this one request (srf `opts.proxy`). */
  routeUri: string | undefined;
  /** The SIP message exactly as the app wrote it. */
  sip: string;
  /** Undefined when the first line is neither a request line nor a status line. */
  startLine: StartLine | undefined;
}

/** `<id>|proxy|<txnId>|remainInDialog|fullResponse|followRedirects|serial|<provTimeout>|<finalTimeout>|<dest>...` */
export interface ProxyMessage {
  type: 'proxy';
  id: string;
  txnId: string;
  /** Add Record-Route and stay in the dialog. */
  remainInDialog: boolean;
  /** Report every final response (srf always asks for it). */
  fullResponse: boolean;
  followRedirects: boolean;
  /** `simultaneous` forking, else `serial`. */
  simultaneous: boolean;
  /** E.g. `2s`, `1500ms`, or empty. */
  provisionalTimeout: string;
  finalTimeout: string;
  destinations: string[];
  /** Start line `<METHOD> <first destination> SIP/2.0` plus any extra headers to add. */
  sip: string;
}

/** A type the server does not know: answered `NO|Unknown message type`, then the app is dropped. */
export interface UnknownAppMessage {
  type: 'unknown';
  id: string;
  rawType: string;
}

export type AppMessage =
  AuthenticateMessage | RouteMessage | PingMessage | SipMessageFromApp | ProxyMessage | UnknownAppMessage;

export class WireParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireParseError';
  }
}

/** Splits a payload into leader fields and the SIP part (after the first CRLF), as both peers do. */
export function splitPayload(payload: string): { fields: string[]; sip: string | undefined } {
  const eol = payload.indexOf('\r\n');
  const leader = eol < 0 ? payload : payload.slice(0, eol);
  return { fields: leader.split('|'), sip: eol < 0 ? undefined : payload.slice(eol + 2) };
}

export function parseAppMessage(payload: string): AppMessage {
  const { fields, sip } = splitPayload(payload);
  const id = fields[0] ?? '';
  const type = fields[1];
  if (id === '' || type === undefined) throw new WireParseError('message has no id or no type');
  switch (type) {
    case 'authenticate':
      return {
        type,
        id,
        secret: fields[2] ?? '',
        tags: (fields[3] ?? '').split(',').filter((t) => t !== ''),
      };
    case 'route':
    case 'remove_route':
      return { type, id, verb: fields[2] ?? '' };
    case 'ping':
      return { type, id };
    case 'sip': {
      if (sip === undefined) throw new WireParseError('sip message without a SIP part');
      return {
        type,
        id,
        txnId: fields[2] ?? '',
        dialogId: fields[3] ?? '',
        routeUri: fields.length > 4 ? fields[4] : undefined,
        sip,
        startLine: parseStartLine(sip),
      };
    }
    case 'proxy': {
      if (sip === undefined) throw new WireParseError('proxy message without a SIP part');
      return {
        type,
        id,
        txnId: fields[2] ?? '',
        remainInDialog: fields[3] === 'remainInDialog',
        fullResponse: fields[4] === 'fullResponse',
        followRedirects: fields[5] === 'followRedirects',
        simultaneous: fields[6] === 'simultaneous',
        provisionalTimeout: fields[7] ?? '',
        finalTimeout: fields[8] ?? '',
        destinations: fields.slice(9).filter((d) => d !== ''),
        sip,
      };
    }
    default:
      return { type: 'unknown', id, rawType: type };
  }
}

/** Builds the payload srf would send for a message (inverse of {@link parseAppMessage}). */
export function buildAppMessage(msg: AppMessage): string {
  const fields = appLeaderFields(msg);
  fields.forEach((f, i) => {
    assertFieldSafe(`field ${i}`, f);
  });
  const leader = fields.join('|');
  if (msg.type === 'sip' || msg.type === 'proxy') return `${leader}\r\n${msg.sip}`;
  return leader;
}

function appLeaderFields(msg: AppMessage): string[] {
  switch (msg.type) {
    case 'authenticate':
      return [msg.id, msg.type, msg.secret, msg.tags.join(',')];
    case 'route':
    case 'remove_route':
      return [msg.id, msg.type, msg.verb];
    case 'ping':
      return [msg.id, msg.type];
    case 'sip': {
      const f = [msg.id, msg.type, msg.txnId, msg.dialogId];
      if (msg.routeUri !== undefined) f.push(msg.routeUri);
      return f;
    }
    case 'proxy':
      return [
        msg.id,
        msg.type,
        msg.txnId,
        msg.remainInDialog ? 'remainInDialog' : '',
        msg.fullResponse ? 'fullResponse' : '',
        msg.followRedirects ? 'followRedirects' : '',
        msg.simultaneous ? 'simultaneous' : 'serial',
        msg.provisionalTimeout,
        msg.finalTimeout,
        ...msg.destinations,
      ];
    case 'unknown':
      return [msg.id, msg.rawType];
  }
}
