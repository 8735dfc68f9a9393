import { parseAndValidate, type SipMessage } from '../../edge/sip/index.ts';

/**
 * Reading a SIP message from a file for preview and rule tests. Files are usually written with LF
 * line ends, so lines are normalised to CRLF and a Content-Length that no longer matches the body is
 * corrected (with a note). Errors name the line at fault.
 */
export class MessageFileError extends Error {
  readonly line: number;

  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

const REQUEST_LINE = /^[A-Za-z!%*_+`'~.-]+ \S+ SIP\/\d\.\d$/;
const STATUS_LINE = /^SIP\/\d\.\d \d{3}( .*)?$/;
const HEADER_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*:/;

export interface LoadedMessage {
  message: SipMessage;
  /** The message as the SBC would receive it (CRLF line ends). */
  text: string;
  notes: string[];
}

export function loadMessage(content: string): LoadedMessage {
  const notes: string[] = [];
  const unified = content.replace(/\r\n/g, '\n').replace(/^\n+/, '');
  const blank = unified.indexOf('\n\n');
  const headText = blank < 0 ? unified.replace(/\n+$/, '') : unified.slice(0, blank);
  let body = blank < 0 ? '' : unified.slice(blank + 2);
  const lines = headText.split('\n');
  const first = lines[0] ?? '';
  if (!REQUEST_LINE.test(first) && !STATUS_LINE.test(first))
    throw new MessageFileError(
      `not a SIP request line ('METHOD URI SIP/2.0') or status line ('SIP/2.0 CODE Reason'): ${JSON.stringify(first.slice(0, 80))}`,
      1,
    );
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^[ \t]/.test(l) && i > 1) continue; // folded continuation (RFC 3261 §7.3.1)
    if (!HEADER_LINE.test(l))
      throw new MessageFileError(
        `not a header line ('Name: value'): ${JSON.stringify(l.slice(0, 80))}`,
        i + 1,
      );
  }
  if (body !== '') body = body.replace(/\n/g, '\r\n');
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  const fixed = lines.map((l) => {
    const m = /^(content-length|l)[ \t]*:[ \t]*(\d+)\s*$/i.exec(l);
    if (m && Number(m[2]) !== bodyBytes) {
      notes.push(`Content-Length corrected from ${m[2]} to ${bodyBytes} (line ends normalised to CRLF)`);
      return `${m[1]}: ${bodyBytes}`;
    }
    return l;
  });
  const text = `${fixed.join('\r\n')}\r\n\r\n${body}`;
  const parsed = parseAndValidate(Buffer.from(text, 'utf8'));
  if (!parsed.ok) {
    const reason = parsed.error.reason;
    const named = /^(?:Bad|Missing|Multiple) (.+?) Headers?\b/.exec(reason)?.[1];
    let line = 1;
    if (named) {
      const idx = fixed.findIndex((l) => l.toLowerCase().startsWith(`${named.toLowerCase()}:`));
      if (idx >= 0) line = idx + 1;
    }
    throw new MessageFileError(`invalid SIP message: ${reason}`, line);
  }
  return { message: parsed.message, text, notes };
}
