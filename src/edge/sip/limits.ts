// Resource limits for parsing. A peer that exceeds one gets a clear error
// (RFC 3261 §21.4.11 413, §21.5.14 513, else 400) instead of costing the edge
// unbounded memory or time.

export interface SipLimits {
  /** Whole message (start line + headers + body) in bytes. Over it: 513 Message Too Large. */
  maxMessageBytes: number;
  /** Body in bytes (Content-Length). Over it: 413 Request Entity Too Large. */
  maxBodyBytes: number;
  /** Header lines (after unfolding). Over it: 400 Too Many Headers. */
  maxHeaderCount: number;
  /** One physical line, start line included, in bytes. Over it: 400 Line Too Long. */
  maxLineBytes: number;
}

/**
 * Defaults: 64 KiB messages (the largest UDP datagram, and far beyond any SDP
 * offer with a dozen media lines), 32 KiB bodies, 256 header lines (RFC 4475
 * longreq has 48) and 8 KiB lines (long Identity and Call-Info values fit).
 */
export const DEFAULT_LIMITS: Readonly<SipLimits> = Object.freeze({
  maxMessageBytes: 65_536,
  maxBodyBytes: 32_768,
  maxHeaderCount: 256,
  maxLineBytes: 8_192,
});

export function withLimits(overrides?: Partial<SipLimits>): SipLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
