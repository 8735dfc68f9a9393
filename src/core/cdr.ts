/**
 * Call detail records (issue item 10): one JSON line per call attempt, written
 * to a file that rotates by size (`file` → `file.1` → … → `file.<keep>`).
 * Writes go through a stream, never synchronously on the call path.
 */
import {
  createWriteStream,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  type WriteStream,
} from 'node:fs';
import { dirname } from 'node:path';

export interface CdrRecord {
  callId: string;
  start: string;
  answer: string | null;
  end: string;
  /** Seconds from answer to end (0 when not answered). */
  duration: number;
  /** Setup time in ms (INVITE in → 200 out), when answered. */
  setupMs: number | null;
  /** Final status sent upstream (200 when answered) and who ended the call. */
  status: number;
  cause: string;
  inboundTrunk: string;
  outboundTrunk: string | null;
  from: string;
  to: string;
  ruleVersion: number;
  attempts: { trunk: string; peer: string; outcome: number | string }[];
}

export interface CdrSink {
  write(record: CdrRecord): void;
  close(): Promise<void>;
}

export const NO_CDRS: CdrSink = { write: () => {}, close: async () => {} };

export class RotatingCdrFile implements CdrSink {
  readonly #file: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  #stream: WriteStream;
  #size: number;

  constructor(file: string, options: { maxBytes: number; keep: number }) {
    this.#file = file;
    this.#maxBytes = options.maxBytes;
    this.#keep = options.keep;
    mkdirSync(dirname(file), { recursive: true });
    this.#size = sizeOf(file);
    this.#stream = this.#open();
  }

  #open(): WriteStream {
    // Opened synchronously so the file exists at once: a rotation right after must find it.
    const stream = createWriteStream(this.#file, { fd: openSync(this.#file, 'a') });
    stream.on('error', () => {}); // a full disk must not take calls down
    return stream;
  }

  write(record: CdrRecord): void {
    const line = `${JSON.stringify(record)}\n`;
    if (this.#size > 0 && this.#size + line.length > this.#maxBytes) this.#rotate();
    this.#size += Buffer.byteLength(line);
    this.#stream.write(line);
  }

  #rotate(): void {
    const old = this.#stream;
    old.end();
    // Renaming is safe while `old` flushes: the open descriptor follows the file.
    try {
      rmSync(`${this.#file}.${this.#keep}`, { force: true });
      for (let i = this.#keep - 1; i >= 1; i--) {
        try {
          renameSync(`${this.#file}.${i}`, `${this.#file}.${i + 1}`);
        } catch {
          // that generation does not exist yet
        }
      }
      renameSync(this.#file, `${this.#file}.1`);
    } catch {
      // rotation failed (permissions?): keep appending to the same file
    }
    this.#size = 0;
    this.#stream = this.#open();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#stream.end(() => resolve()));
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
