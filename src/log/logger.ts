/**
 * One pino logger for the whole process. JSON lines by default (what log
 * shippers ingest); human-readable when a person watches a terminal.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  format: 'auto' | 'json' | 'pretty';
  /** Defaults to stdout; tests pass their own stream. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const usePretty =
    options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY === true);
  const destination =
    options.destination ??
    (usePretty
      ? pretty({ sync: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l' })
      : pino.destination({ dest: 1, sync: false }));
  return pino({ level: options.level, base: { pid: process.pid } }, destination);
}
