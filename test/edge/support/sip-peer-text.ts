// Building a raw peer's in-dialog requests from what it received, for tests
// that play one side of a dialog by hand.

export const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';

export function header(msg: string, name: string): string {
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(msg);
  if (m === null) throw new Error(`no ${name} in\n${msg}`);
  return m[1]!.trim();
}

export function uriOf(nameAddr: string): string {
  const m = /<([^>]+)>/.exec(nameAddr);
  return m ? m[1]! : nameAddr.split(';')[0]!;
}

/** A request in the dialog the peer (as UAC) has with the edge, built from the edge's response. */
export function inDialog(
  method: string,
  response: string,
  peerPort: number,
  cseq: number,
  extra = '',
  body = '',
): string {
  const target = uriOf(header(response, 'Contact'));
  return (
    `${method} ${target} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${peerPort};branch=z9hG4bK-${method}-${cseq}-${Math.random().toString(36).slice(2)};rport\r\n` +
    'Max-Forwards: 70\r\n' +
    `From: ${header(response, 'From')}\r\nTo: ${header(response, 'To')}\r\n` +
    `Call-ID: ${header(response, 'Call-ID')}\r\nCSeq: ${cseq} ${method}\r\n` +
    extra +
    (body ? 'Content-Type: application/sdp\r\n' : '') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** A response from the peer (as UAS) to a request it received, with its To tag and Contact. */
export function answer(request: string, status: string, peerPort: number, extra = '', body = ''): string {
  const vias = request
    .split('\r\n')
    .filter((l) => /^(Via|v):/i.test(l))
    .join('\r\n');
  const to = header(request, 'To');
  return (
    `SIP/2.0 ${status}\r\n${vias}\r\nFrom: ${header(request, 'From')}\r\n` +
    `To: ${to.includes('tag=') ? to : `${to};tag=peer1`}\r\nCall-ID: ${header(request, 'Call-ID')}\r\n` +
    `CSeq: ${header(request, 'CSeq')}\r\nContact: <sip:peer@127.0.0.1:${peerPort}>\r\n` +
    extra +
    (body ? 'Content-Type: application/sdp\r\n' : '') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}
