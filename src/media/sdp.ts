/**
 * A small, strict SDP model (RFC 4566 lines, RFC 3264 offer/answer use): enough
 * to validate what a peer sent (malformed → `BadSdp`, the core answers 488 with
 * the reason), to summarise the audio stream for policy decisions, and to edit
 * lines (crypto trimming, codec order, a= filtering) without re-serialising
 * anything else. Unknown lines pass through unchanged.
 */
import { BadSdp } from './errors.ts';
import { canonicalCodec } from './policy.ts';

const MAX_SDP_BYTES = 64 * 1024;
const MAX_LINES = 2000;
/** A call needs a handful of streams; each one takes rtpengine ports, so a flood of m= lines is refused. */
const MAX_MEDIA = 16;
/** Lines that belong to the session part only (RFC 4566 §5: v, o, s, t, r, z come before any m=). */
const SESSION_ONLY = new Set(['v', 'o', 's', 't', 'r', 'z']);

export interface SdpLine {
  type: string;
  value: string;
}

export interface SdpMedia {
  /** The m= line, split: media port proto fmt… */
  media: string;
  port: number;
  proto: string;
  formats: string[];
  lines: SdpLine[];
}

export interface Sdp {
  session: SdpLine[];
  media: SdpMedia[];
}

export interface CodecInfo {
  pt: number;
  /** Canonical name (PCMU, opus, telephone-event…). */
  name: string;
  rate: number;
}

/** What policy decisions need to know about the (first active) audio stream. */
export interface AudioSummary {
  proto: string;
  port: number;
  /** In m= line order. */
  codecs: CodecInfo[];
  cryptoSuites: string[];
  ptimeMs?: number;
  /** SAVP profile, or RTP/AVP carrying a=crypto (opportunistic SRTP, RFC 8643). */
  srtp: boolean;
}

/** RFC 3551 table 4/5 static payload types (those still seen in practice). */
const STATIC_PT: Record<number, [string, number]> = {
  0: ['PCMU', 8000],
  3: ['GSM', 8000],
  4: ['G723', 8000],
  8: ['PCMA', 8000],
  9: ['G722', 8000],
  13: ['CN', 8000],
  18: ['G729', 8000],
};

const LINE = /^([a-z])=(.*)$/;

export function parseSdp(text: unknown): Sdp {
  if (typeof text !== 'string' || text.trim() === '') throw new BadSdp('empty SDP body');
  if (Buffer.byteLength(text) > MAX_SDP_BYTES) throw new BadSdp(`SDP larger than ${MAX_SDP_BYTES} bytes`);
  const raw = text.split(/\r?\n/);
  while (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  if (raw.length > MAX_LINES) throw new BadSdp(`SDP has more than ${MAX_LINES} lines`);
  const sdp: Sdp = { session: [], media: [] };
  let current: SdpMedia | undefined;
  raw.forEach((line, index) => {
    const match = LINE.exec(line);
    if (!match)
      throw new BadSdp(`line ${index + 1} is not "<type>=<value>": ${JSON.stringify(line.slice(0, 60))}`);
    const type = match[1] as string;
    const value = match[2] as string;
    if (index === 0 && (type !== 'v' || value !== '0')) throw new BadSdp('SDP must start with v=0');
    if (type === 'm') {
      if (sdp.media.length >= MAX_MEDIA) throw new BadSdp(`more than ${MAX_MEDIA} m= lines`);
      current = parseMediaLine(value, index + 1);
      sdp.media.push(current);
    } else if (current) {
      if (SESSION_ONLY.has(type)) throw new BadSdp(`line ${index + 1}: ${type}= inside a media section`);
      current.lines.push({ type, value });
    } else sdp.session.push({ type, value });
  });
  validate(sdp);
  return sdp;
}

function parseMediaLine(value: string, lineNo: number): SdpMedia {
  const parts = value.split(' ');
  const [, portText = '', proto = ''] = parts;
  const port = Number(portText.split('/')[0]);
  if (parts.length < 4 || !Number.isInteger(port) || port < 0 || port > 65535 || proto === '') {
    throw new BadSdp(`line ${lineNo}: malformed m= line ${JSON.stringify(value.slice(0, 60))}`);
  }
  return { media: parts[0] as string, port, proto, formats: parts.slice(3), lines: [] };
}

function validate(sdp: Sdp): void {
  const origin = sdp.session.find((l) => l.type === 'o');
  if (!origin || origin.value.split(' ').length !== 6) throw new BadSdp('missing or malformed o= line');
  if (!sdp.session.some((l) => l.type === 's')) throw new BadSdp('missing s= line');
  if (!sdp.session.some((l) => l.type === 't')) throw new BadSdp('missing t= line');
  if (sdp.media.length === 0) throw new BadSdp('no m= line');
  const sessionConnection = sdp.session.find((l) => l.type === 'c');
  if (sessionConnection) checkConnection(sessionConnection.value);
  for (const m of sdp.media) {
    const connection = m.lines.find((l) => l.type === 'c');
    if (connection) checkConnection(connection.value);
    else if (!sessionConnection)
      throw new BadSdp(`m=${m.media} has no c= line and there is no session c= line`);
    if (m.proto.includes('RTP')) {
      for (const fmt of m.formats) {
        if (!/^\d{1,3}$/.test(fmt) || Number(fmt) > 127)
          throw new BadSdp(`m=${m.media}: bad payload type ${fmt}`);
      }
      for (const a of attributes(m.lines, 'rtpmap')) {
        if (!/^\d{1,3} [^/\s]+\/\d+(\/\d+)?$/.test(a)) throw new BadSdp(`malformed a=rtpmap:${a}`);
      }
    }
  }
}

function checkConnection(value: string): void {
  const [net, family, address] = value.split(' ');
  if (net !== 'IN' || (family !== 'IP4' && family !== 'IP6') || !address) {
    throw new BadSdp(`malformed c= line ${JSON.stringify(value)}`);
  }
}

export function serializeSdp(sdp: Sdp): string {
  const out: string[] = sdp.session.map((l) => `${l.type}=${l.value}`);
  for (const m of sdp.media) {
    out.push(`m=${[m.media, String(m.port), m.proto, ...m.formats].join(' ')}`);
    for (const l of m.lines) out.push(`${l.type}=${l.value}`);
  }
  return `${out.join('\r\n')}\r\n`;
}

/** Values of `a=<name>:<value>` lines. */
export function attributes(lines: SdpLine[], name: string): string[] {
  const prefix = `${name}:`;
  return lines
    .filter((l) => l.type === 'a' && l.value.startsWith(prefix))
    .map((l) => l.value.slice(prefix.length));
}

export function attributeName(line: SdpLine): string {
  const colon = line.value.indexOf(':');
  return colon === -1 ? line.value : line.value.slice(0, colon);
}

/** The first audio stream that is not rejected (port 0). */
export function activeAudio(sdp: Sdp): SdpMedia | undefined {
  return sdp.media.find((m) => m.media === 'audio' && m.port !== 0);
}

export function codecsOf(m: SdpMedia): CodecInfo[] {
  const rtpmaps = new Map<number, [string, number]>();
  for (const a of attributes(m.lines, 'rtpmap')) {
    const [pt, encoding = ''] = a.split(' ');
    const [name = '', rate = '8000'] = encoding.split('/');
    rtpmaps.set(Number(pt), [name, Number(rate)]);
  }
  return m.formats.map((fmt) => {
    const pt = Number(fmt);
    const [name, rate] = rtpmaps.get(pt) ?? STATIC_PT[pt] ?? [`pt${pt}`, 8000];
    return { pt, name: canonicalCodec(name), rate };
  });
}

export function summarizeAudio(sdp: Sdp): AudioSummary | undefined {
  const m = activeAudio(sdp);
  if (!m) return undefined;
  const cryptoSuites = attributes(m.lines, 'crypto').map((c) => c.split(' ')[1] ?? '');
  const ptime = attributes(m.lines, 'ptime')[0] ?? attributes(sdp.session, 'ptime')[0];
  return {
    proto: m.proto,
    port: m.port,
    codecs: codecsOf(m),
    cryptoSuites,
    ...(ptime !== undefined && Number.isFinite(Number(ptime)) ? { ptimeMs: Number(ptime) } : {}),
    srtp: m.proto.includes('SAVP') || cryptoSuites.length > 0,
  };
}

/** Keeps only a=crypto lines whose suite is allowed (RFC 4568 §6.1), in the offerer's order. */
export function trimCrypto(sdp: Sdp, allowed: readonly string[]): void {
  for (const m of sdp.media) {
    m.lines = m.lines.filter(
      (l) => attributeName(l) !== 'crypto' || allowed.includes(l.value.split(' ')[1] ?? ''),
    );
  }
}

/** Reorders the audio m= formats so the named codecs come first, in the given order (RFC 3264 §5.1 preference). */
export function reorderCodecs(sdp: Sdp, order: readonly string[]): void {
  const m = activeAudio(sdp);
  if (!m) return;
  const codecs = codecsOf(m);
  const rank = (fmt: string) => {
    const codec = codecs.find((c) => String(c.pt) === fmt);
    const index = codec ? order.indexOf(codec.name) : -1;
    return index === -1 ? order.length : index;
  };
  m.formats = m.formats
    .map((fmt, index) => ({ fmt, index }))
    .sort((a, b) => rank(a.fmt) - rank(b.fmt) || a.index - b.index)
    .map((entry) => entry.fmt);
}

/** Strict a= handling toward a leg: keep only `allow` names (if given), then drop `remove` names. */
export function filterAttributes(
  sdp: Sdp,
  policy: { allow?: readonly string[]; remove?: readonly string[] },
): void {
  const keep = (l: SdpLine) => {
    if (l.type !== 'a') return true;
    const name = attributeName(l);
    if (policy.allow && !policy.allow.includes(name)) return false;
    return !policy.remove?.includes(name);
  };
  sdp.session = sdp.session.filter(keep);
  for (const m of sdp.media) m.lines = m.lines.filter(keep);
}

/** Topology hiding of what rtpengine leaves: a neutral o= user name and s= line. */
export function neutralOrigin(sdp: Sdp, user = 'sbc'): void {
  for (const l of sdp.session) {
    if (l.type === 'o') l.value = [user, ...l.value.split(' ').slice(1)].join(' ');
    if (l.type === 's') l.value = '-';
  }
}
