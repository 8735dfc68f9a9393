// RFC 4475 §3.3 (application layer: well-formed messages with a semantic
// problem) and §3.4 (backward compatibility). The message layer parses all
// of them; where the RFC expects an answer the message layer can give
// (400, 416), validation gives it; the others (420, 415, 401, 483) belong to
// the layers above, so the test checks the values those layers will read.

import { describe, expect, it } from 'vitest';
import type { SipUri, Uri } from '../../../src/edge/sip/index.ts';
import {
  errorResponseFor,
  getParam,
  parseAndValidate,
  parseMessage,
  StreamFramer,
  validate,
  values,
} from '../../../src/edge/sip/index.ts';
import { accepted, line, rejected, TORTURE_DIR, torture, tortureNames } from './torture.ts';

function ok<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

function sip(u: Uri): SipUri {
  if (u.kind !== 'sip') throw new Error(`expected a SIP URI, got ${u.kind}`);
  return u;
}

describe('RFC 4475 §3.3 application layer', () => {
  it('insuf: missing required header fields gets 400 naming them (§3.3.1)', () => {
    const r = rejected('insuf');
    expect([r.error.status, r.error.reason]).toEqual([400, 'Missing Required Header: To, From, Call-ID']);
    expect(line(r.response, 'Via')).toEqual(['SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf']);
    expect(line(r.response, 'CSeq')).toEqual(['193942 INVITE']);
    expect(line(r.response, 'To')).toEqual([]);
  });

  it('unkscm: unknown Request-URI scheme parses, then gets 416 (§3.3.2)', () => {
    const m = parseMessage(torture('unkscm'));
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    const uri = ok(values.requestUri(m.message));
    expect(uri).toMatchObject({
      kind: 'other',
      scheme: 'nobodyknowsthisscheme',
      opaque: 'totallyopaquecontent',
    });
    const r = rejected('unkscm');
    expect([r.error.status, r.error.reason]).toEqual([416, 'Unsupported URI Scheme']);
  });

  it('novelsc: known but atypical scheme gets 416 unless configured (§3.3.3)', () => {
    expect(rejected('novelsc').error.status).toBe(416);
    const served = parseAndValidate(torture('novelsc'), { uriSchemes: ['sip', 'soap.beep'] });
    expect(served.ok).toBe(true);
    if (served.ok) expect(ok(values.requestUri(served.message))).toMatchObject({ scheme: 'soap.beep' });
  });

  it('unksm2: unknown schemes in To, From and Contact parse (§3.3.4)', () => {
    const m = accepted('unksm2');
    expect(ok(values.to(m)).uri).toMatchObject({ kind: 'other', scheme: 'isbn', opaque: '2983792873' });
    expect(ok(values.from(m)).uri).toMatchObject({ kind: 'other', scheme: 'http' });
    expect(ok(values.from(m)).tag).toBe('3234233');
    const c = ok(values.contact(m));
    expect(c !== null && !c.star && c.addresses[0]!.uri).toMatchObject({
      scheme: 'name',
      opaque: 'John_Smith',
    });
  });

  it('bext01: unknown Require and Proxy-Require option tags are listed for a 420 (§3.3.5)', () => {
    const m = accepted('bext01');
    expect(values.optionTags(m, 'Require')).toEqual(['nothingSupportsThis', 'nothingSupportsThisEither']);
    expect(values.optionTags(m, 'Proxy-Require')).toEqual([
      'noProxiesSupportThis',
      'norDoAnyProxiesSupportThis',
    ]);
    expect(ok(values.topVia(m)).transport).toBe('TLS');
  });

  it('invut: unknown Content-Type is exposed for a 415 (§3.3.6)', () => {
    const m = accepted('invut');
    expect(values.mediaType(m)).toBe('application/unknownformat');
    expect(m.body.toString('latin1')).toBe('<audio>\r\n <pcmu port="443"/>\r\n</audio>\r\n');
  });

  it('regaut01: unknown authorization scheme is kept verbatim for a 401 (§3.3.7)', () => {
    const m = accepted('regaut01');
    expect(m.get('authorization')).toBe('NoOneKnowsThisScheme opaque-data=here');
    expect(m.contentLength).toBe(0);
  });

  it('multi01: multiple values in single-value required fields get 400 (§3.3.8)', () => {
    const r = rejected('multi01');
    expect(r.error.status).toBe(400);
    expect(r.error.reason).toBe(
      'Multiple Values in Single-Value Header: To, From, CSeq, Call-ID, Max-Forwards',
    );
    // Only the first of each repeated header is echoed.
    expect(line(r.response, 'CSeq')).toEqual(['5 INVITE']);
    expect(line(r.response, 'To')).toEqual(['sip:user@example.com;tag=edge1']);
  });

  it('mcl01: multiple Content-Length values get 400, and close a stream (§3.3.9)', () => {
    const r = rejected('mcl01');
    expect([r.error.status, r.error.reason, r.error.canRespond]).toEqual([
      400,
      'Multiple Content-Length Headers',
      true,
    ]);
    const framer = new StreamFramer();
    const events = framer.push(torture('mcl01'));
    expect(events).toHaveLength(1);
    expect(framer.closed?.fatal).toBe(true);
  });

  it('bcast: 200 OK with a broadcast Via is parsed; the second Via is visible to reject (§3.3.10)', () => {
    const m = accepted('bcast');
    const vias = ok(values.vias(m));
    expect(vias.map((v) => v.host)).toEqual(['192.0.2.198', '255.255.255.255']);
    expect(ok(values.topVia(m)).branch).toBe('z9hG4bK1324923');
    // A response is never answered, whatever is wrong with it.
    expect(errorResponseFor({ error: { status: 400, reason: 'x', canRespond: true }, message: m })).toBe(
      'drop',
    );
  });

  it('zeromf: Max-Forwards of zero is read as 0 for the 483/OPTIONS decision (§3.3.11)', () => {
    const m = accepted('zeromf');
    expect(ok(values.maxForwards(m))).toBe(0);
    expect(m.method).toBe('OPTIONS');
  });

  it('cparam01: unbracketed Contact parameter is a header parameter (§3.3.12)', () => {
    const c = ok(values.contact(accepted('cparam01')));
    const addr = c !== null && !c.star ? c.addresses[0]! : null;
    expect(addr?.angle).toBe(false);
    expect(sip(addr!.uri).params).toEqual([]);
    expect(getParam(addr!.params, 'unknownparam')).toBeNull();
    expect(sip(addr!.uri).user).toBe('+19725552222');
  });

  it('cparam02: bracketed Contact parameter is a URI parameter (§3.3.13)', () => {
    const c = ok(values.contact(accepted('cparam02')));
    const addr = c !== null && !c.star ? c.addresses[0]! : null;
    expect(addr?.angle).toBe(true);
    expect(addr!.params).toEqual([]);
    expect(getParam(sip(addr!.uri).params, 'unknownparam')).toBeNull();
  });

  it('regescrt: escaped header in a bracketed Contact URI (§3.3.14)', () => {
    const c = ok(values.contact(accepted('regescrt')));
    const uri = sip(c !== null && !c.star ? c.addresses[0]!.uri : (null as never));
    expect(uri.headers).toEqual([{ name: 'Route', value: '<sip:sip.example.com>' }]);
  });

  it('sdp01: Accept offering only an unknown type is exposed for a 415 (§3.3.15)', () => {
    const m = accepted('sdp01');
    expect(m.values('accept')).toEqual(['text/nobodyKnowsThis']);
    expect(values.mediaType(m)).toBe('application/sdp');
  });
});

describe('RFC 4475 §3.4 backward compatibility', () => {
  it('inv2543: RFC 2543 INVITE without branch, From tag, Content-Length or Max-Forwards (§3.4.1)', () => {
    const m = accepted('inv2543');
    expect(ok(values.topVia(m)).branch).toBeNull();
    expect(ok(values.from(m)).tag).toBeNull();
    expect(ok(values.maxForwards(m))).toBeNull();
    expect(m.has('content-length')).toBe(false);
    expect(m.body.length).toBe(105);
    expect(getParam(sip(ok(values.from(m)).uri).params, 'user')).toBe('phone');
    // Unbracketed, ";user=phone" belongs to the header, not the URI (RFC 3261 §20.10).
    expect(getParam(ok(values.to(m)).params, 'user')).toBe('phone');
    expect(validate(m, { requireMaxForwards: true })?.reason).toBe('Missing Required Header: Max-Forwards');
  });
});

describe('RFC 4475 corpus coverage', () => {
  it(`every message in ${TORTURE_DIR} has its own test`, () => {
    const tested = new Set(
      [
        'wsinv intmeth esc01 escnull esc02 lwsdisp longreq dblreq semiuri transports mpart01 unreason noreason',
        'badinv01 clerr ncl scalar02 scalarlg quotbal ltgtruri lwsruri lwsstart trws escruri baddate regbadct',
        'badaspec baddn badvers mismatch01 mismatch02 bigcode badbranch insuf unkscm novelsc unksm2 bext01 invut',
        'regaut01 multi01 mcl01 bcast zeromf cparam01 cparam02 regescrt sdp01 inv2543',
      ]
        .join(' ')
        .split(' '),
    );
    expect(tortureNames()).toEqual([...tested].sort());
  });
});
