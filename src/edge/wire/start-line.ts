// The wire server only looks at the first line of a SIP message an app sends
// (request or response? which method?). Everything else is the SIP layer's job,
// so the message is parsed once, there (DESIGN.md, Edge: "parse once, lazily").

export type StartLine =
  | { kind: 'request'; method: string; uri: string; version: string }
  | { kind: 'response'; status: number; reason: string; version: string };

const REQUEST_LINE = /^([A-Za-z][A-Za-z0-9.!%*_+`'~-]*) (\S+) (SIP\/\d+\.\d+)$/;
const STATUS_LINE = /^(SIP\/\d+\.\d+) (\d{3})(?: (.*))?$/;

export function parseStartLine(sip: string): StartLine | undefined {
  const eol = sip.indexOf('\r\n');
  const line = eol < 0 ? sip : sip.slice(0, eol);
  // drachtio-server dispatches on the `SIP/` prefix (src/client.cpp), so do the same.
  if (line.startsWith('SIP/')) {
    const m = STATUS_LINE.exec(line);
    if (!m) return undefined;
    return { kind: 'response', version: m[1]!, status: Number(m[2]), reason: m[3] ?? '' };
  }
  const m = REQUEST_LINE.exec(line);
  if (!m) return undefined;
  return { kind: 'request', method: m[1]!.toUpperCase(), uri: m[2]!, version: m[3]! };
}

/**
 * Method named in the CSeq header, read without a full parse. Used to tell a final
 * response to an INVITE from a response to an UPDATE/PRACK that reuses the INVITE's
 * transaction id (notes §3.3: early UPDATE is delivered with the INVITE's txnId).
 */
export function cseqMethod(sip: string): string | undefined {
  const m = /\r\ncseq[ \t]*:[ \t]*\d+[ \t]+([A-Za-z]+)/i.exec(sip);
  return m ? m[1]!.toUpperCase() : undefined;
}
