/**
 * What the SIP fuzzer sends: valid messages addressed to the SBC under test (from the caller's
 * socket, so answers come back), the RFC 4475 torture set (foreign hosts: only ever sent inside a
 * network namespace), and seeded mutations of both — byte-level damage plus SIP-aware edits
 * (header lines duplicated, dropped, swapped, spliced from another message; values replaced by
 * hostile ones; Content-Length and line endings broken).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { caseRng, int, pick, type Rand } from './random.ts';

export const RFC4475_DIR = resolve(import.meta.dirname, '../../edge/sip/fixtures/rfc4475');
export const REGRESSION_DIR = resolve(import.meta.dirname, '../fixtures/sip');

export interface Addresses {
  /** host:port of the SBC's SIP listener. */
  sbc: string;
  /** host:port the sender's Via and Contact name (where answers go). */
  me: string;
  transport: 'UDP' | 'TCP';
}

const SDP = [
  'v=0',
  'o=fuzz 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 6000 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=ptime:20',
  '',
].join('\r\n');

function request(method: string, a: Addresses, n: number, extra: string[] = [], body = ''): string {
  const lines = [
    `${method} sip:+1415555${String(n % 10000).padStart(4, '0')}@${a.sbc};user=phone SIP/2.0`,
    `Via: SIP/2.0/${a.transport} ${a.me};branch=z9hG4bK-fz${n}-${method.toLowerCase()};rport`,
    'Max-Forwards: 70',
    `From: "Fuzz ${n}" <sip:+12125550100@${a.me.split(':')[0]}>;tag=fz${n}`,
    `To: <sip:+1415555${String(n % 10000).padStart(4, '0')}@${a.sbc}>`,
    `Call-ID: fz-${n}-${method.toLowerCase()}@fuzz`,
    `CSeq: ${1 + (n % 7)} ${method}`,
    `Contact: <sip:fuzz@${a.me};transport=${a.transport.toLowerCase()}>`,
    ...extra,
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

/** Well-formed messages a caller on `a.me` could send; the mutator starts from these. */
export function validMessages(a: Addresses, n: number): string[] {
  return [
    request(
      'INVITE',
      a,
      n,
      ['Supported: 100rel, timer', 'Session-Expires: 1800', 'Allow: INVITE, ACK, BYE'],
      SDP,
    ),
    request('INVITE', a, n, [
      'P-Asserted-Identity: <sip:+12125550100@carrier.example>',
      'X-Called: +14155550199',
    ]),
    request('OPTIONS', a, n, ['Accept: application/sdp']),
    request('BYE', a, n),
    request('CANCEL', a, n),
    request('ACK', a, n),
    request('REGISTER', a, n, ['Expires: 3600']),
    request('INFO', a, n, ['Content-Type: application/dtmf-relay'], ''),
    request('MESSAGE', a, n),
    request('UPDATE', a, n, [], SDP),
    [
      'SIP/2.0 200 OK',
      `Via: SIP/2.0/${a.transport} ${a.sbc};branch=z9hG4bK-stray${n}`,
      `From: <sip:a@${a.sbc}>;tag=s${n}`,
      `To: <sip:b@${a.me}>;tag=t${n}`,
      `Call-ID: stray-${n}@fuzz`,
      'CSeq: 1 INVITE',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  ];
}

export function rfc4475Messages(): Buffer[] {
  return readdirSync(RFC4475_DIR)
    .filter((f) => f.endsWith('.dat'))
    .sort()
    .map((f) => readFileSync(join(RFC4475_DIR, f)));
}

/** Earlier failing cases, kept as raw messages (`*.sip`); sent before the random ones. */
export function regressionCases(): { name: string; bytes: Buffer }[] {
  let files: string[];
  try {
    files = readdirSync(REGRESSION_DIR).filter((f) => f.endsWith('.sip'));
  } catch {
    return [];
  }
  return files.sort().map((name) => ({ name, bytes: readFileSync(join(REGRESSION_DIR, name)) }));
}

const BYTES = [...'\r\n:;,<>"\\%@= \t\x00\xff/[]?'].map((c) => c.charCodeAt(0));

const HOSTILE_VALUES = [
  '',
  ' ',
  '-1',
  '0',
  '4294967296',
  '99999999999999999999',
  '1e9',
  'NaN',
  '<>',
  '<sip:>',
  'sip:@',
  '<sip:a@[::1>',
  '"unterminated',
  ';;;;;;',
  'SIP/2.0/UDP',
  'SIP/2.0/XYZ 1.2.3.4:99999;branch=',
  'SIP/2.0/UDP [::1]:5060;branch=z9hG4bK;received=;rport=x',
  'ä😀\u{10FFFF}',
  '%00%0d%0a',
  'x'.repeat(9000),
  '<sip:a@b>;'.repeat(400),
  'tel:+1;phone-context=',
  'INVITE',
  '1 FOO',
  '4294967295 INVITE',
];

const NAMES = [
  'Via',
  'v',
  'From',
  'f',
  'To',
  't',
  'Call-ID',
  'i',
  'CSeq',
  'Max-Forwards',
  'Contact',
  'm',
  'Content-Length',
  'l',
  'Content-Type',
  'c',
  'Route',
  'Record-Route',
  'Require',
  'Supported',
  'Session-Expires',
  'Min-SE',
  'RSeq',
  'RAck',
  'P-Asserted-Identity',
  'Expires',
  'Event',
  'X-Called',
];

function splitLines(text: string): { head: string[]; body: string } {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { head: text.split('\r\n'), body: '' };
  return { head: text.slice(0, end).split('\r\n'), body: text.slice(end + 4) };
}

/** One SIP-aware edit on the header lines (the start line is lines[0]). */
function editHeaders(text: string, other: string, rand: Rand): string {
  const { head, body } = splitLines(text);
  const at = 1 + int(rand, Math.max(head.length - 1, 1));
  switch (int(rand, 10)) {
    case 0:
      head.splice(at, 0, head[at] ?? 'Via: SIP/2.0/UDP 127.0.0.1');
      break;
    case 1:
      head.splice(at, 1);
      break;
    case 2: {
      const b = 1 + int(rand, Math.max(head.length - 1, 1));
      [head[at], head[b]] = [head[b] ?? '', head[at] ?? ''];
      break;
    }
    case 3:
      head.splice(at, 0, `${pick(rand, NAMES)}: ${pick(rand, HOSTILE_VALUES)}`);
      break;
    case 4: {
      const line = head[at] ?? '';
      const colon = line.indexOf(':');
      head[at] = `${colon > 0 ? line.slice(0, colon) : pick(rand, NAMES)}: ${pick(rand, HOSTILE_VALUES)}`;
      break;
    }
    case 5: {
      const donor = splitLines(other).head.slice(1);
      if (donor.length > 0) head.splice(at, 0, pick(rand, donor));
      break;
    }
    case 6: {
      const n = pick(rand, ['-1', '0', '1', '100000', 'abc', String(body.length + 1 + int(rand, 50))]);
      return [
        ...head.filter((l) => !/^(content-length|l)\s*:/i.test(l)),
        `Content-Length: ${n}`,
        '',
        body,
      ].join('\r\n');
    }
    case 7:
      head.splice(at, 0, ...Array.from({ length: 50 + int(rand, 300) }, () => head[at] ?? 'X: y'));
      break;
    case 8:
      // Folded continuation lines (RFC 3261 §7.3.1), some empty.
      head.splice(
        at,
        0,
        ...Array.from({ length: 1 + int(rand, 5) }, () => pick(rand, [' ', '\t', ' x', '\t;a=b'])),
      );
      break;
    default: {
      const [method = 'INVITE', ...rest] = (head[0] ?? '').split(' ');
      head[0] = [
        pick(rand, [method, 'INVITE', 'ACK', 'BYE', 'FOO', 'invite', 'PRACK', 'SIP/2.0']),
        ...rest,
      ].join(' ');
    }
  }
  const sep = pick(rand, ['\r\n', '\r\n', '\r\n', '\n', '\r']);
  return [...head, '', body].join(sep);
}

/** Byte-level damage: flips, inserted specials, cut ranges, repeated ranges, truncation. */
function damageBytes(input: Buffer, rand: Rand): Buffer {
  let b: Buffer = Buffer.from(input);
  const steps = 1 + int(rand, 4);
  for (let s = 0; s < steps; s++) {
    const at = int(rand, Math.max(b.length, 1));
    const op = int(rand, 6);
    if (op === 0 && b.length > 0) b[at] = int(rand, 256);
    else if (op === 1)
      b = Buffer.concat([b.subarray(0, at), Buffer.from([pick(rand, BYTES)]), b.subarray(at)]);
    else if (op === 2) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + int(rand, 16))]);
    else if (op === 3)
      b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + int(rand, 64)), b.subarray(at)]);
    else if (op === 4) b = b.subarray(0, at);
    else if (b.length > 0) b[at] = pick(rand, BYTES);
  }
  return b;
}

/** Largest datagram sent: under the UDP limit, above the edge's message size limit. */
export const MAX_CASE_BYTES = 60_000;

/** The message of case `index` of run `seed`: a mutation of a valid or RFC 4475 message. */
export function fuzzCase(seed: number, index: number, a: Addresses, torture: readonly Buffer[]): Buffer {
  const rand = caseRng(seed, index);
  const valid = validMessages(a, index);
  // Mostly messages the SBC answers to us (so dialogs and transactions get exercised), some torture.
  const fromTorture = rand() < 0.3 && torture.length > 0;
  let text = fromTorture ? pick(rand, torture).toString('latin1') : pick(rand, valid);
  const other = rand() < 0.5 ? pick(rand, valid) : pick(rand, torture).toString('latin1');
  const edits = int(rand, 3);
  for (let i = 0; i < edits; i++) text = editHeaders(text, other, rand);
  let bytes: Buffer = Buffer.from(text, 'latin1');
  if (rand() < 0.6) bytes = damageBytes(bytes, rand);
  return bytes.length > MAX_CASE_BYTES ? bytes.subarray(0, MAX_CASE_BYTES) : bytes;
}

/** A valid OPTIONS the SBC must answer with 200: the liveness probe between batches. */
export function optionsProbe(a: Addresses, n: number): Buffer {
  return Buffer.from(request('OPTIONS', a, 900_000 + n));
}
