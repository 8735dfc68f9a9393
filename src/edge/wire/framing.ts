// Framing of the drachtio wire protocol: every message is `<len>#<payload>` where
// <len> is the payload size in UTF-8 BYTES (drachtio-server >= PR #372 and
// drachtio-srf >= 5 both count bytes; older peers counted characters).
// Frames follow each other with nothing in between, and a TCP read may carry
// several frames or any fragment of one, including a fragment of the digits.

/** drachtio-server reads at most 5 length digits, so an app frame is at most 99,999 bytes. */
export const MAX_LENGTH_DIGITS = 5;

export type FramingErrorCode = 'bad-prefix' | 'length-too-long' | 'zero-length';

/** A stream that breaks these rules cannot be resynchronised: the connection must be dropped. */
export class FramingError extends Error {
  readonly code: FramingErrorCode;
  constructor(code: FramingErrorCode, message: string) {
    super(message);
    this.name = 'FramingError';
    this.code = code;
  }
}

export interface FrameReadResult {
  /** Complete payloads, decoded as UTF-8, in arrival order. */
  frames: string[];
  /** Set when the stream broke the framing rules; frames before the bad bytes are still returned. */
  error: FramingError | undefined;
}

const HASH = 0x23;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const EMPTY = Buffer.alloc(0);

/**
 * Incremental reader for one connection. Feed it every chunk read from the socket;
 * it keeps the incomplete tail between calls.
 */
export class FrameReader {
  #buf: Buffer = EMPTY;
  /** Payload length of the frame being read, or -1 while its prefix is still incomplete. */
  #expected = -1;
  #failed: FramingError | undefined;
  readonly #maxDigits: number;

  constructor(maxDigits = MAX_LENGTH_DIGITS) {
    this.#maxDigits = maxDigits;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.#buf.length;
  }

  push(chunk: Uint8Array): FrameReadResult {
    const frames: string[] = [];
    if (this.#failed) return { frames, error: this.#failed };
    const data = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.#buf = this.#buf.length === 0 ? data : Buffer.concat([this.#buf, data]);

    for (;;) {
      if (this.#expected < 0) {
        const prefix = this.#readPrefix();
        if (prefix instanceof FramingError) {
          this.#failed = prefix;
          this.#buf = EMPTY;
          return { frames, error: prefix };
        }
        if (prefix === undefined) break;
        this.#expected = prefix.length;
        this.#buf = this.#buf.subarray(prefix.consumed);
      }
      if (this.#buf.length < this.#expected) break;
      frames.push(this.#buf.toString('utf8', 0, this.#expected));
      this.#buf = this.#buf.subarray(this.#expected);
      this.#expected = -1;
    }
    // Do not pin a large chunk in memory for a small remainder.
    if (this.#buf.length > 0 && this.#buf.byteOffset > 0 && this.#buf.length < 4096) {
      this.#buf = Buffer.from(this.#buf);
    }
    return { frames, error: undefined };
  }

  /** Parses `<digits>#` at the start of the buffer; undefined when more bytes are needed. */
  #readPrefix(): { length: number; consumed: number } | FramingError | undefined {
    const buf = this.#buf;
    const limit = Math.min(buf.length, this.#maxDigits + 1);
    let length = 0;
    for (let i = 0; i < limit; i++) {
      const byte = buf[i]!;
      if (byte === HASH) {
        if (i === 0) return new FramingError('bad-prefix', 'frame has no length digits before #');
        if (length === 0) return new FramingError('zero-length', 'frame length is 0');
        return { length, consumed: i + 1 };
      }
      if (byte < DIGIT_0 || byte > DIGIT_9) {
        return new FramingError('bad-prefix', `non-digit byte 0x${byte.toString(16)} in frame length`);
      }
      if (i === this.#maxDigits) {
        return new FramingError('length-too-long', `frame length has more than ${this.#maxDigits} digits`);
      }
      length = length * 10 + (byte - DIGIT_0);
    }
    return undefined;
  }
}

/** Builds one frame; the length is the payload's UTF-8 byte count. */
export function encodeFrame(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}#`, 'latin1'), body]);
}
