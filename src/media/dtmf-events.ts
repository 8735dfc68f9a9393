/**
 * DTMF digits rtpengine saw in a call (RFC 4733 events, or inband tones it
 * detected), received as one JSON datagram per digit from `--dtmf-log-dest`,
 * and handed to the core per call so it can relay them as SIP INFO
 * (application/dtmf-relay) toward a leg whose policy is `dtmf: info`.
 */
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';

export interface DtmfDigit {
  callId: string;
  /** The from-tag of the party that sent the digit. */
  sourceTag: string;
  /** '0'–'9', '*', '#', 'A'–'D' (RFC 4733 §3.2 events 0–15). */
  digit: string;
  durationMs: number;
  volume?: number;
}

const DIGITS = '0123456789*#ABCD';

export function eventToDigit(event: number): string | undefined {
  return Number.isInteger(event) && event >= 0 && event < DIGITS.length ? DIGITS[event] : undefined;
}

export function digitToEvent(digit: string): number {
  const index = DIGITS.indexOf(digit.toUpperCase());
  if (index === -1 || digit.length !== 1) throw new Error(`not a DTMF digit: ${JSON.stringify(digit)}`);
  return index;
}

/** Parses one rtpengine DTMF log datagram; undefined for anything else (never throws). */
export function parseDtmfLog(datagram: string): DtmfDigit | undefined {
  let data: unknown;
  try {
    data = JSON.parse(datagram);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  if (typeof record.callid !== 'string' || typeof record.event !== 'number') return undefined;
  const digit = eventToDigit(record.event);
  if (digit === undefined) return undefined;
  return {
    callId: record.callid,
    sourceTag: typeof record.source_tag === 'string' ? record.source_tag : '',
    digit,
    durationMs: typeof record.duration === 'number' ? record.duration : 0,
    ...(typeof record.volume === 'number' ? { volume: record.volume } : {}),
  };
}

/** Listens for rtpengine's DTMF datagrams; emits `digit` (DtmfDigit) and `digit:<call-id>`. */
export class DtmfListener extends EventEmitter {
  private socket: Socket | undefined;

  async listen(host = '127.0.0.1', port = 0): Promise<{ host: string; port: number }> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    this.socket = socket;
    socket.on('message', (message) => {
      const digit = parseDtmfLog(message.toString('utf8'));
      if (!digit) return;
      this.emit('digit', digit);
      this.emit(`digit:${digit.callId}`, digit);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => resolve());
    });
    return { host, port: socket.address().port };
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}
