// The 6-field "meta" block drachtio-server puts in front of every SIP message it
// shows an app: `<source>|<bytes>|<protocol>|<address>|<port>|<time>`.
// srf turns it into req.source, source_address, source_port, protocol and stackTime.

export type MessageSource = 'network' | 'application';

export interface MessageMeta {
  /** `network`: received from a SIP peer; `application`: sent for (or on behalf of) the app. */
  source: MessageSource;
  /** Size in bytes of the SIP message as received or sent. */
  bytes: number;
  /**
   * `udp`, `tcp` or `tls` (WebSocket transports show as `tcp`, like drachtio-server).
   * drachtio-server sometimes leaves it empty (captured on an ACK); srf accepts that.
   */
  protocol: string;
  /** Received: the peer's source IP. Sent request: the local transport's host. Sent response: where it went. */
  address: string;
  port: number;
  /** UTC time of day `HH:MM:SS.uuuuuu`, see {@link stackTime}. */
  time: string;
}

/** Field values may never contain the separator or a line break (the leader is one `|`-separated line). */
export function assertFieldSafe(name: string, value: string): void {
  if (/[|\r\n]/.test(value)) throw new Error(`wire field ${name} must not contain '|', CR or LF: ${value}`);
}

/** Reasons come from SIP code and peers: make them fit in one field instead of failing. */
export function sanitizeField(value: string): string {
  return value.replace(/[|\r\n]+/g, ' ');
}

export function formatMeta(meta: MessageMeta): string {
  assertFieldSafe('meta.protocol', meta.protocol);
  assertFieldSafe('meta.address', meta.address);
  assertFieldSafe('meta.time', meta.time);
  return `${meta.source}|${meta.bytes}|${meta.protocol}|${meta.address}|${meta.port}|${meta.time}`;
}

/** Parses 6 fields starting at `start`; undefined when they do not form a meta block. */
export function parseMeta(fields: readonly string[], start: number): MessageMeta | undefined {
  if (fields.length < start + 6) return undefined;
  const source = fields[start];
  if (source !== 'network' && source !== 'application') return undefined;
  const bytes = Number(fields[start + 1]);
  const port = Number(fields[start + 4]);
  if (!Number.isInteger(bytes) || !Number.isInteger(port)) return undefined;
  return {
    source,
    bytes,
    protocol: fields[start + 2]!,
    address: fields[start + 3]!,
    port,
    time: fields[start + 5]!,
  };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * drachtio-server's timestamp: UTC time of day with microseconds and no date,
 * e.g. `08:10:16.706494`. `epochMs` may carry a sub-millisecond fraction.
 */
export function stackTime(epochMs: number = performance.timeOrigin + performance.now()): string {
  const wholeMs = Math.floor(epochMs);
  const d = new Date(wholeMs);
  const micros = (wholeMs % 1000) * 1000 + Math.min(999, Math.round((epochMs - wholeMs) * 1000));
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${String(micros).padStart(6, '0')}`;
}
