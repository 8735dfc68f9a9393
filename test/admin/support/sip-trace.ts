/**
 * Reads sipp's -trace_msg log into messages: when each was sent or received (sipp writes local
 * time), which way, its first line, Call-ID and one header's value.
 */
import { messages } from '../../core/support.ts';

export interface TracedMessage {
  /** Epoch milliseconds. */
  time: number;
  direction: 'sent' | 'received';
  startLine: string;
  callId: string;
  header(name: string): string | undefined;
}

const ENTRY =
  /^-{10,} (\d{4})-(\d{2})-(\d{2})\s+(\d{2}):(\d{2}):(\d{2})\.(\d{3})\d*\s*\n\S+ message (sent|received)[^\n]*\n+([\s\S]*?)(?=^-{10,} \d{4}-|(?![\s\S]))/gm;

export function tracedMessages(run: { dir: string }): TracedMessage[] {
  const out: TracedMessage[] = [];
  for (const m of messages(run).matchAll(ENTRY)) {
    const [, y, mo, d, h, mi, s, ms, direction, text] = m;
    const lines = (text ?? '').split(/\r?\n/);
    const header = (name: string) => {
      const prefix = `${name.toLowerCase()}:`;
      const line = lines.find((l) => l.toLowerCase().startsWith(prefix));
      return line?.slice(prefix.length).trim();
    };
    out.push({
      time: new Date(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, +ms!).getTime(),
      direction: direction as 'sent' | 'received',
      startLine: (lines[0] ?? '').trim(),
      callId: header('Call-ID') ?? header('i') ?? '',
      header,
    });
  }
  return out;
}
