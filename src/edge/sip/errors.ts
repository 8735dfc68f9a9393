// The one error shape of the message layer: what to answer (status and
// reason phrase) and whether an answer is possible at all.

export interface SipError {
  /** Response status to send (400, 413, 505, 513...). 0 when the input is not a message at all. */
  status: number;
  /** Reason phrase for the status line; says what was wrong. */
  reason: string;
  /**
   * False when no response may be sent: the input is a response, an ACK, or
   * a request too damaged to copy Via/CSeq from (RFC 3261 §8.2.6, §18.1.2).
   */
  canRespond: boolean;
  /** Stream transports only: framing is lost, the connection must be closed (RFC 4475 §3.1.2.3, §3.3.9). */
  fatal?: boolean;
}

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(reason: string): Result<T> {
  return { ok: false, reason };
}
