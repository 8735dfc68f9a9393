// RFC 4475 §3.1.2 (invalid messages) and §3.2 (transaction layer): each is
// answered with a specific status and reason, or dropped when it is a
// response. Answers copy Via/From/To/Call-ID/CSeq and add a To tag (RFC 3261 §8.2.6).

import { describe, expect, it } from 'vitest';
import { line, rejected } from './torture.ts';

/** Asserts a 4xx/5xx answer whose status line and copied headers are right. */
function answered(name: string, status: number, reason: RegExp) {
  const r = rejected(name);
  expect(r.error.status).toBe(status);
  expect(r.error.reason).toMatch(reason);
  expect(r.error.canRespond).toBe(true);
  expect(r.response).not.toBe('drop');
  const lines = r.response as string[];
  expect(lines[0]).toBe(`SIP/2.0 ${status} ${r.error.reason}`);
  expect(line(lines, 'Via').length).toBeGreaterThan(0);
  expect(line(lines, 'Content-Length')).toEqual(['0']);
  expect(lines.slice(-2)).toEqual(['', '']);
  return r;
}

describe('RFC 4475 §3.1.2 invalid messages', () => {
  it('badinv01: extraneous header field separators (§3.1.2.1)', () => {
    const r = answered('badinv01', 400, /^Bad Via Header: empty parameter/);
    expect(line(r.response, 'Via')).toEqual(['SIP/2.0/UDP 192.0.2.15;;,;,,']);
    expect(line(r.response, 'To')).toEqual(['sip:j.user@example.com;tag=edge1']);
  });

  it('clerr: Content-Length larger than the datagram body (§3.1.2.2)', () => {
    const r = answered('clerr', 400, /^Content-Length Exceeds Body$/);
    expect(line(r.response, 'Call-ID')).toEqual(['clerr.0ha0isndaksdjweiafasdk3']);
  });

  it('ncl: negative Content-Length (§3.1.2.3)', () => {
    const r = answered('ncl', 400, /^Bad Content-Length$/);
    expect(r.error.fatal).toBe(true); // on a stream the connection is closed
  });

  it('scalar02: request scalar fields with overlarge values (§3.1.2.4)', () => {
    const r = answered('scalar02', 400, /^CSeq Number Out of Range$/);
    expect(line(r.response, 'CSeq')).toEqual(['36893488147419103232 REGISTER']);
  });

  it('scalarlg: response scalar fields with overlarge values are dropped (§3.1.2.5)', () => {
    const r = rejected('scalarlg');
    expect(r.error.reason).toBe('CSeq Number Out of Range');
    expect(r.error.canRespond).toBe(false);
    expect(r.response).toBe('drop');
  });

  it('quotbal: unterminated quoted string in display name (§3.1.2.6)', () => {
    const r = answered('quotbal', 400, /^Bad To Header: unterminated quoted display name/);
    // The broken To is echoed as received, without a tag appended inside the open quote.
    expect(line(r.response, 'To')).toEqual(['"Mr. J. User <sip:j.user@example.com>']);
  });

  it('ltgtruri: <> enclosing the Request-URI (§3.1.2.7)', () => {
    answered('ltgtruri', 400, /^Bad Request-URI: not a URI$/);
  });

  it('lwsruri: malformed SIP Request-URI with embedded LWS (§3.1.2.8)', () => {
    answered('lwsruri', 400, /^Whitespace in Request-URI$/);
  });

  it('lwsstart: multiple SP separating Request-Line elements (§3.1.2.9)', () => {
    answered('lwsstart', 400, /^Extra Whitespace in Request-Line$/);
  });

  it('trws: SP characters at end of Request-Line (§3.1.2.10)', () => {
    answered('trws', 400, /^Trailing Whitespace in Request-Line$/);
  });

  it('escruri: escaped headers in the SIP Request-URI (§3.1.2.11)', () => {
    answered('escruri', 400, /^Headers Not Allowed in Request-URI$/);
  });

  it('baddate: invalid time zone in Date (§3.1.2.12)', () => {
    answered('baddate', 400, /^Bad Date Header$/);
  });

  it('regbadct: Contact URI with headers outside <> (§3.1.2.13)', () => {
    answered('regbadct', 400, /^Bad Contact Header: URI with headers must be enclosed in <>/);
  });

  it('badaspec: LWS inside the <> of an addr-spec (§3.1.2.14)', () => {
    const r = answered('badaspec', 400, /^Bad To Header: whitespace inside <>/);
    expect(line(r.response, 'From')).toEqual(['"Bell, Alexander" <sip:a.g.bell@example.com>;tag=433423']);
  });

  it('baddn: unquoted display name with a comma (§3.1.2.15)', () => {
    answered('baddn', 400, /^Bad From Header: display name must be quoted/);
  });

  it('badvers: unknown protocol version (§3.1.2.16)', () => {
    const r = answered('badvers', 505, /^Version Not Supported$/);
    expect(line(r.response, 'To')).toEqual(['T. Watson <sip:t.watson@example.org>;tag=edge1']);
  });

  it('mismatch01: CSeq method does not match the request method (§3.1.2.17)', () => {
    answered('mismatch01', 400, /^CSeq Method Does Not Match Request Method$/);
  });

  it('mismatch02: unknown method with CSeq mismatch gets 501, the RFC-preferred answer (§3.1.2.18)', () => {
    const r = answered('mismatch02', 501, /^Not Implemented$/);
    expect(line(r.response, 'CSeq')).toEqual(['8 INVITE']);
  });

  it('bigcode: overlarge response code is dropped (§3.1.2.19)', () => {
    const r = rejected('bigcode');
    expect(r.error.reason).toBe('Bad Status Code');
    expect(r.response).toBe('drop');
  });
});

describe('RFC 4475 §3.2 transaction layer', () => {
  it('badbranch: branch that is only the magic cookie is rejected statelessly (§3.2.1)', () => {
    const r = answered('badbranch', 400, /^Missing Transaction ID in Via Branch$/);
    expect(line(r.response, 'Via')).toEqual(['SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK']);
  });
});
