// Parse throughput of the embedded edge's SIP message layer.
// Run: node bench/edge-parse.ts   (Node 24; `npx node bench/edge-parse.ts` uses the project's copy)
// Prints messages per second on one core for typical call messages:
// framing only, framing + access to the headers transaction matching reads,
// full validation, stream framing, and serialising unchanged/edited.

import type { SipMessage } from '../src/edge/sip/index.ts';
import { parseAndValidate, parseMessage, StreamFramer, serialize, values } from '../src/edge/sip/index.ts';

const SDP =
  'v=0\r\no=- 3912345678 3912345678 IN IP4 10.0.0.10\r\ns=-\r\nc=IN IP4 10.0.0.10\r\nt=0 0\r\n' +
  'm=audio 40000 RTP/AVP 0 8 9 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:9 G722/8000\r\n' +
  'a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n';

const common = (method: string, cseq: number, toTag: string) =>
  'Via: SIP/2.0/UDP 10.0.0.10:5060;branch=z9hG4bK-524287-1---a1b2c3d4e5f60718;rport\r\n' +
  'Max-Forwards: 70\r\n' +
  'From: "Alice Example" <sip:+14155550100@10.0.0.10;user=phone>;tag=9fxced76sl\r\n' +
  `To: <sip:+14155550199@10.0.0.20;user=phone>${toTag}\r\n` +
  'Call-ID: 3848276298220188511@10.0.0.10\r\n' +
  `CSeq: ${cseq} ${method}\r\n`;

const INVITE =
  'INVITE sip:+14155550199@10.0.0.20:5060;user=phone SIP/2.0\r\n' +
  common('INVITE', 1, '') +
  'Contact: <sip:+14155550100@10.0.0.10:5060;transport=udp>\r\n' +
  'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO, REFER, NOTIFY\r\n' +
  'Supported: 100rel, timer, replaces\r\nSession-Expires: 1800\r\nMin-SE: 90\r\n' +
  'P-Asserted-Identity: <sip:+14155550100@10.0.0.10;user=phone>\r\nUser-Agent: carrier-gw/4.2\r\n' +
  `Content-Type: application/sdp\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`;

const OK200 =
  'SIP/2.0 200 OK\r\n' +
  common('INVITE', 1, ';tag=as5f2a9c1e') +
  'Record-Route: <sip:10.0.0.5;lr;ftag=9fxced76sl>\r\n' +
  'Contact: <sip:+14155550199@10.0.0.20:5060>\r\n' +
  'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\nSupported: replaces, timer\r\nServer: pbx/1.0\r\n' +
  `Content-Type: application/sdp\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`;

const ACK =
  'ACK sip:+14155550199@10.0.0.20:5060 SIP/2.0\r\n' +
  common('ACK', 1, ';tag=as5f2a9c1e') +
  'Route: <sip:10.0.0.5;lr;ftag=9fxced76sl>\r\nContent-Length: 0\r\n\r\n';

const BYE =
  'BYE sip:+14155550199@10.0.0.20:5060 SIP/2.0\r\n' +
  common('BYE', 2, ';tag=as5f2a9c1e') +
  'Route: <sip:10.0.0.5;lr;ftag=9fxced76sl>\r\nReason: Q.850;cause=16;text="Normal call clearing"\r\n' +
  'Content-Length: 0\r\n\r\n';

const MESSAGES: Array<[string, Buffer]> = [
  ['INVITE', Buffer.from(INVITE)],
  ['200 OK', Buffer.from(OK200)],
  ['ACK', Buffer.from(ACK)],
  ['BYE', Buffer.from(BYE)],
];

function mustParse(buf: Buffer): SipMessage {
  const r = parseMessage(buf);
  if (!r.ok) throw new Error(`bench message does not parse: ${r.error.reason}`);
  return r.message;
}

/** What transaction and dialog matching reads (RFC 3261 §17.2.3, §12.2.2). */
function accessCommon(m: SipMessage): number {
  let n = 0;
  const via = values.topVia(m);
  if (via.ok) n += via.value.branch?.length ?? 0;
  const cseq = values.cseq(m);
  if (cseq.ok) n += cseq.value.seq;
  const id = values.callId(m);
  if (id.ok) n += id.value.length;
  const from = values.from(m);
  if (from.ok) n += from.value.tag?.length ?? 0;
  const to = values.to(m);
  if (to.ok) n += to.value.tag?.length ?? 0;
  return n;
}

let sink = 0;

/** Calls per second over about `ms` milliseconds. */
function once(fn: () => void, ms: number): number {
  let calls = 0;
  const t0 = performance.now();
  let now = t0;
  while (now - t0 < ms) {
    for (let i = 0; i < 1_000; i++) fn();
    calls += 1_000;
    now = performance.now();
  }
  return (calls * 1000) / (now - t0);
}

/** Median of three timed runs after a warm-up: the machine is shared, single runs are noisy. */
function rate(fn: () => void, ms = 300): number {
  for (let i = 0; i < 20_000; i++) fn();
  const runs = [once(fn, ms), once(fn, ms), once(fn, ms)].sort((a, b) => a - b);
  return runs[1]!;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(12);

const cases: Array<[string, (buf: Buffer) => void]> = [
  ['parse (framing only)', (b) => void parseMessage(b)],
  [
    'parse + common headers',
    (b) => {
      const r = parseMessage(b);
      if (r.ok) sink += accessCommon(r.message);
    },
  ],
  ['parse + validate', (b) => void parseAndValidate(b)],
  [
    'parse + serialize unchanged',
    (b) => {
      const r = parseMessage(b);
      if (r.ok) sink += serialize(r.message).length;
    },
  ],
  [
    'parse + add Via + serialize',
    (b) => {
      const r = parseMessage(b);
      if (!r.ok) return;
      r.message.prependHeader('Via', 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-edge-1');
      sink += serialize(r.message).length;
    },
  ],
];

// Warm every path up before timing any, so the first case is not measured
// while the JIT is still compiling the shared code.
for (let i = 0; i < 30_000; i++) for (const [, fn] of cases) for (const [, buf] of MESSAGES) fn(buf);

console.log(`SIP message layer throughput, one core (node ${process.version}), median of 3 runs\n`);
console.log(`${'case'.padEnd(30)}${MESSAGES.map(([n, b]) => `${n} (${b.length} B)`.padStart(16)).join('')}`);
for (const [name, fn] of cases) {
  const row = MESSAGES.map(([, buf]) => {
    mustParse(buf);
    return `${fmt(rate(() => fn(buf)))}/s`.padStart(16);
  });
  console.log(`${name.padEnd(30)}${row.join('')}`);
}

// A call's worth of messages streamed over TCP in 1460-byte segments.
const stream = Buffer.concat(Array.from({ length: 64 }, () => MESSAGES.map(([, b]) => b)).flat());
const segments: Buffer[] = [];
for (let at = 0; at < stream.length; at += 1460) segments.push(stream.subarray(at, at + 1460));
const perPass = 64 * MESSAGES.length;
const passes = rate(() => {
  const framer = new StreamFramer();
  for (const s of segments) sink += framer.push(s).length;
}, 1000);
console.log(
  `\nstream framing (TCP, 1460 B segments, mixed messages): ${fmt(passes * perPass).trim()} messages/s`,
);
if (sink === 42) console.log('');
