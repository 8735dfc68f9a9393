// RFC 4475 §3.1.1: valid messages a parser must accept, with the values the
// RFC calls out for each.

import { describe, expect, it } from 'vitest';
import type { NameAddr, SipUri, Uri } from '../../../src/edge/sip/index.ts';
import { getParam, values } from '../../../src/edge/sip/index.ts';
import { accepted, parsed, torture } from './torture.ts';

function ok<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

function sip(u: Uri): SipUri {
  if (u.kind !== 'sip') throw new Error(`expected a SIP URI, got ${u.kind}`);
  return u;
}

function contacts(msg: Parameters<typeof values.contact>[0]): NameAddr[] {
  const c = ok(values.contact(msg));
  if (c === null || c.star) throw new Error('expected contact addresses');
  return c.addresses;
}

describe('RFC 4475 §3.1.1 valid messages', () => {
  it('wsinv: short tortuous INVITE (§3.1.1.1)', () => {
    const m = accepted('wsinv');
    expect(m.method).toBe('INVITE');
    const ruri = sip(ok(values.requestUri(m)));
    expect([ruri.user, ruri.host, ruri.params.map((p) => p.name)]).toEqual([
      'vivekg',
      'chair-dnrc.example.com',
      ['unknownparam'],
    ]);
    const to = ok(values.to(m));
    expect(sip(to.uri).user).toBe('vivekg');
    expect(to.tag).toBe('1918181833n');
    const from = ok(values.from(m));
    expect(from.displayName).toBe('J Rosenberg \\"');
    expect(from.tag).toBe('98asjd8');
    expect(ok(values.maxForwards(m))).toBe(68);
    expect(ok(values.cseq(m))).toEqual({ seq: 9, method: 'INVITE' });
    expect(ok(values.callId(m))).toBe('wsinv.ndaksdj@192.0.2.1');
    const vias = ok(values.vias(m));
    expect(vias.map((v) => [v.protocol, v.transport, v.host, v.branch])).toEqual([
      ['SIP/2.0', 'UDP', '192.0.2.2', '390skdjuw'],
      ['SIP/2.0', 'TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['SIP/2.0', 'UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(m.get('subject')).toBe('');
    expect(m.get('NewFangledHeader')).toBe('newfangled value continued newfangled value');
    expect(m.get('UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
    const route = ok(values.routes(m));
    expect(route).toHaveLength(1);
    const rp = sip(route[0]!.uri).params;
    expect([getParam(rp, 'lr'), getParam(rp, 'unknownwith'), getParam(rp, 'unknown-no-value')]).toEqual([
      null,
      'value',
      null,
    ]);
    const [contact] = contacts(m);
    expect(contact!.displayName).toBe('Quoted string ""');
    expect(contact!.params.map((p) => [p.name, p.value])).toEqual([
      ['newparam', 'newvalue'],
      ['secondparam', null],
      ['q', '0.33'],
    ]);
    expect(values.mediaType(m)).toBe('application/sdp');
    expect(m.body.length).toBe(150);
    expect(m.body.toString('latin1').startsWith('v=0\r\n')).toBe(true);
  });

  it('intmeth: wide range of valid characters (§3.1.1.2)', () => {
    const m = accepted('intmeth');
    expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    const ruri = sip(ok(values.requestUri(m)));
    expect(ruri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(ruri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(ruri.host).toBe('example.com');
    expect(ok(values.topVia(m)).branch).toBe("z9hG4bK-.!%66*_+`'~");
    expect(ok(values.to(m)).displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    const from = ok(values.from(m));
    expect(from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(from.tag).toBe("_token~1'+`*%!-.");
    expect(getParam(from.params, "fromparam''~+*_!.-%")).toBe('"работающий"');
    expect(ok(values.callId(m))).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    expect(ok(values.cseq(m))).toEqual({ seq: 139122385, method: m.method });
    expect(ok(values.maxForwards(m))).toBe(255);
    expect(m.get("extensionHeader-!.%*+_`'~")).toBe('\ufeff大停電');
  });

  it('esc01: valid use of % escaping (§3.1.1.3)', () => {
    const m = accepted('esc01');
    const ruri = sip(ok(values.requestUri(m)));
    expect([ruri.user, ruri.host]).toEqual(['sips:user@example.com', 'example.net']);
    expect(sip(ok(values.to(m)).uri).user).toBe('user');
    expect(sip(ok(values.from(m)).uri).user).toBe('I have spaces');
    const [contact] = contacts(m);
    const uri = sip(contact!.uri);
    expect(uri.user).toBe('caller');
    expect(uri.params.map((p) => [p.name, p.value])).toEqual([
      ['lr', null],
      ['name', 'value%41'],
    ]);
    expect(ok(values.callId(m))).toBe('esc01.239409asdfakjkn23onasd0-3234');
    expect(values.mediaType(m)).toBe('application/sdp');
  });

  it('escnull: escaped nulls in URIs (§3.1.1.4)', () => {
    const m = accepted('escnull');
    expect(sip(ok(values.to(m)).uri).user).toBe('null-\u0000-null');
    expect(sip(ok(values.from(m)).uri).user).toBe('null-\u0000-null');
    const users = contacts(m).map((c) => sip(c.uri).user);
    expect(users).toEqual(['\u0000', '\u0000\u0000']);
  });

  it('esc02: % that is not an escape (§3.1.1.5)', () => {
    const m = accepted('esc02');
    expect(m.method).toBe('RE%47IST%45R');
    expect(m.method).not.toBe('REGISTER');
    expect(ok(values.to(m)).displayName).toBe('%Z%45');
    expect(ok(values.from(m)).displayName).toBe('%Z%45');
    expect(contacts(m)).toHaveLength(2);
    expect(m.get('C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
    expect(ok(values.topVia(m)).branch).toBe('z9hG4bK209%fzsnel234');
  });

  it('lwsdisp: no LWS between display name and < (§3.1.1.6)', () => {
    const from = ok(values.from(accepted('lwsdisp')));
    expect(from.displayName).toBe('caller');
    expect(sip(from.uri).user).toBe('caller');
    expect(from.tag).toBe('323');
  });

  it('longreq: long values in header fields (§3.1.1.7)', () => {
    const m = accepted('longreq');
    const to = ok(values.to(m));
    expect(to.displayName).toMatch(/^I have a user name of (extreme){10} proportion$/);
    const uri = sip(to.uri);
    expect(uri.port).toBe(6000);
    expect(getParam(uri.params, 'unknownparam1')).toBe(`very${'long'.repeat(20)}value`);
    expect(getParam(uri.params, `longparam${'name'.repeat(25)}`)).toBe('shortvalue');
    expect(getParam(uri.params, `very${'long'.repeat(25)}parameternamewithnovalue`)).toBeNull();
    const from = ok(values.from(m));
    expect(sip(from.uri).user).toBe('amazinglylongcallername'.repeat(5));
    expect(from.tag).toMatch(/^12982(982)+424$/);
    expect(getParam(from.params, `unknownvalueless${'paramname'.repeat(10)}`)).toBeNull();
    const vias = ok(values.vias(m));
    expect(vias).toHaveLength(34);
    expect(vias[0]!.host).toBe('sip33.example.com');
    expect(vias[33]!.received).toBe('192.0.2.5');
    expect(vias[33]!.branch).toMatch(/^very(long)+branchvalue$/);
    expect(ok(values.callId(m))).toMatch(/^longreq\.one(really)+longcallid$/);
    expect(m.body.length).toBe(150);
  });

  it('dblreq: extra trailing octets in a UDP datagram are ignored (§3.1.1.8)', () => {
    const buf = torture('dblreq');
    const m = accepted('dblreq');
    expect(m.method).toBe('REGISTER');
    expect(m.body.length).toBe(0);
    expect(m.raw.length).toBeLessThan(buf.length);
    expect(m.raw.toString('latin1').endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
  });

  it('semiuri: semicolon-separated parameters in the URI user part (§3.1.1.9)', () => {
    const m = accepted('semiuri');
    const ruri = sip(ok(values.requestUri(m)));
    expect(ruri.user).toBe('user;par=u@example.net');
    expect(ruri.host).toBe('example.com');
    expect(ruri.params).toEqual([]);
    expect(m.values('accept')).toEqual([
      'application/sdp',
      'application/pkcs7-mime',
      'multipart/mixed',
      'multipart/signed',
      'message/sip',
      'message/sipfrag',
    ]);
  });

  it('transports: varied and unknown transport types (§3.1.1.10)', () => {
    const vias = ok(values.vias(accepted('transports')));
    expect(vias.map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
    expect(vias.map((v) => v.host)).toEqual([1, 2, 3, 4, 5].map((n) => `t${n}.example.com`));
  });

  it('mpart01: multipart MIME body with binary octets, kept byte-exact (§3.1.1.11)', () => {
    const buf = torture('mpart01');
    const m = accepted('mpart01');
    expect(m.body.length).toBe(553);
    expect(m.body.equals(buf.subarray(buf.length - 553))).toBe(true);
    expect(values.mediaType(m)).toBe('multipart/mixed');
    expect(m.get('content-type')).toBe('multipart/mixed;boundary=7a9cbec02ceef655');
    expect(ok(values.topVia(m)).rport).toBeNull();
    expect(m.raw.equals(buf)).toBe(true);
  });

  it('unreason: unusual reason phrase in UTF-8 (§3.1.1.12)', () => {
    const m = accepted('unreason');
    expect(m.kind).toBe('response');
    expect(m.status).toBe(200);
    expect(m.reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
    expect(m.body.length).toBe(154);
  });

  it('noreason: empty reason phrase (§3.1.1.13)', () => {
    const m = accepted('noreason');
    expect([m.kind, m.status, m.reason]).toEqual(['response', 100, '']);
    expect(parsed('noreason').get('call-id')).toBe('noreason.asndj203insdf99223ndf');
  });
});
