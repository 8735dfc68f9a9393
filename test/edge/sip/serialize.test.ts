// Serialisation: unchanged messages are their raw bytes; edits are spliced
// into the raw bytes without re-writing untouched lines.

import { describe, expect, it } from 'vitest';
import type { SipMessage } from '../../../src/edge/sip/index.ts';
import {
  buildErrorResponse,
  cleanReason,
  parseAndValidate,
  parseMessage,
  serialize,
  values,
} from '../../../src/edge/sip/index.ts';
import { accepted, torture } from './torture.ts';

function parse(text: string | Buffer): SipMessage {
  const r = parseMessage(typeof text === 'string' ? Buffer.from(text) : text);
  if (!r.ok) throw new Error(`${r.error.status} ${r.error.reason}`);
  return r.message;
}

const INVITE =
  'INVITE sip:bob@127.0.0.1 SIP/2.0\r\n' +
  'v: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK-b, SIP/2.0/UDP 127.0.0.3;branch=z9hG4bK-c\r\n' +
  'From: "A" <sip:a@127.0.0.1>;tag=f\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: s1\r\nCSeq: 1 INVITE\r\n' +
  'X-Folded: one\r\n two\r\nMax-Forwards: 70\r\nl: 3\r\n\r\nabc';

describe('serialize', () => {
  it('returns the raw bytes themselves when nothing was edited', () => {
    const m = parse(INVITE);
    expect(serialize(m)).toBe(m.raw);
    const w = accepted('wsinv');
    expect(serialize(w).equals(torture('wsinv'))).toBe(true);
  });

  it('prepends a Via and keeps every other line byte for byte', () => {
    const m = parse(INVITE);
    m.prependHeader('Via', 'SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-edge');
    const out = serialize(m).toString();
    expect(out).toBe(INVITE.replace('v: ', 'Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-edge\r\nv: '));
    const top = values.topVia(parse(out));
    expect(top.ok && top.value.branch).toBe('z9hG4bK-edge');
    // The cached top Via of the edited message follows the edit.
    const own = values.topVia(m);
    expect(own.ok && own.value.branch).toBe('z9hG4bK-edge');
  });

  it('removes the first of two Vias sharing a line (a response going back, RFC 3261 §16.7)', () => {
    const m = parse(INVITE);
    const before = values.vias(m);
    expect(before.ok && before.value.length).toBe(2);
    m.removeFirstValue('via');
    const out = parse(serialize(m));
    const after = values.vias(out);
    expect(after.ok && after.value.map((v) => v.branch)).toEqual(['z9hG4bK-c']);
    expect(out.get('x-folded')).toBe('one two');
    expect(serialize(m).toString()).toContain('X-Folded: one\r\n two\r\n');
  });

  it('replaces, removes and appends headers, and rewrites the Request-URI', () => {
    const m = parse(INVITE);
    m.setHeader('Max-Forwards', '69');
    m.removeHeader('x-folded');
    m.appendHeader('X-Sbc', 'edge');
    m.setRequestUri('sip:carol@127.0.0.9');
    const out = parse(serialize(m));
    expect(out.requestUriText).toBe('sip:carol@127.0.0.9');
    expect(out.getAll('max-forwards')).toEqual(['69']);
    expect(out.has('x-folded')).toBe(false);
    expect(out.get('x-sbc')).toBe('edge');
    expect(out.headers.map((h) => h.key)).toEqual([
      'via',
      'from',
      'to',
      'call-id',
      'cseq',
      'max-forwards',
      'content-length',
      'x-sbc',
    ]);
    expect(out.body.toString()).toBe('abc');
  });

  it('updates Content-Length and Content-Type with a new body', () => {
    const m = parse(INVITE);
    m.setBody('v=0\r\n', 'application/sdp');
    const out = parse(serialize(m));
    expect(out.getAll('content-length')).toEqual(['5']);
    expect(out.get('content-type')).toBe('application/sdp');
    expect(out.body.toString()).toBe('v=0\r\n');
  });

  it('keeps edits from injecting lines, and refuses names that are not tokens', () => {
    const m = parse(INVITE);
    m.setHeader('X-Rule', 'a\r\nInjected: yes');
    const out = parse(serialize(m));
    expect(out.get('x-rule')).toBe('a Injected: yes');
    expect(out.has('injected')).toBe(false);
    expect(() => m.appendHeader('Bad Name', 'x')).toThrow(TypeError);
    expect(() => m.appendHeader('X:Y', 'x')).toThrow(TypeError);
    expect(() => m.setRequestUri('sip:a@b SIP/2.0\r\nX: y')).toThrow(TypeError);
  });

  it('changes a response status line', () => {
    const m = parse('SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n');
    m.setStatus(183, 'Session Progress');
    expect(serialize(m).toString().split('\r\n')[0]).toBe('SIP/2.0 183 Session Progress');
  });

  it('adds Content-Length for stream transports when the message had none (RFC 3261 §18.3)', () => {
    const m = accepted('inv2543');
    expect(serialize(m)).toBe(m.raw);
    const out = parse(serialize(m, { ensureContentLength: true }));
    expect(out.get('content-length')).toBe('105');
    expect(out.body.equals(m.body)).toBe(true);
  });
});

describe('error responses (RFC 3261 §8.2.6)', () => {
  const bad =
    'OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nv: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK1\r\nv: SIP/2.0/UDP 127.0.0.3;branch=z9hG4bK2\r\n' +
    'f: <sip:x@y>;tag=1\r\nt: <sip:a@127.0.0.1>\r\ni: e1\r\nCSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n';

  it('copies Via lines in order, From, To with a new tag, Call-ID and CSeq', () => {
    const r = parseAndValidate(Buffer.from(bad));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const out = buildErrorResponse(r.message, r.error, { toTag: 'zz', extraHeaders: ['Server: sbc'] });
    expect(out !== 'drop' && out.toString()).toBe(
      'SIP/2.0 400 CSeq Method Does Not Match Request Method\r\n' +
        'Via: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP 127.0.0.3;branch=z9hG4bK2\r\n' +
        'From: <sip:x@y>;tag=1\r\nTo: <sip:a@127.0.0.1>;tag=zz\r\nCall-ID: e1\r\nCSeq: 2 INVITE\r\n' +
        'Server: sbc\r\nContent-Length: 0\r\n\r\n',
    );
    const back = parseAndValidate(out as Buffer);
    expect(back.ok && back.message.status).toBe(400);
  });

  it('keeps an existing To tag and makes a random one otherwise', () => {
    const r = parseAndValidate(
      Buffer.from(bad.replace('t: <sip:a@127.0.0.1>', 't: <sip:a@127.0.0.1>;tag=keep')),
    );
    if (r.ok) throw new Error('expected failure');
    expect((buildErrorResponse(r.message, r.error) as Buffer).toString()).toContain(
      'To: <sip:a@127.0.0.1>;tag=keep\r\n',
    );
    const r2 = parseAndValidate(Buffer.from(bad));
    if (r2.ok) throw new Error('expected failure');
    const tags = [1, 2].map(
      (): string =>
        /To: [^\r]*;tag=([0-9a-f]+)/.exec(
          (buildErrorResponse(r2.message, r2.error) as Buffer).toString(),
        )![1]!,
    );
    expect(tags[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(tags[0]).not.toBe(tags[1]);
  });

  it('cleans control characters out of reason phrases', () => {
    expect(cleanReason('bad\r\nInjected: x\u0000"q"')).toBe('bad??Injected: x??q?');
  });
});
