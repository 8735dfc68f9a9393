import { describe, expect, it } from 'vitest';
import { buildAppMessage, parseAppMessage } from '../../../src/edge/wire/app-messages.ts';
import { encodeFrame } from '../../../src/edge/wire/framing.ts';
import { stackTime } from '../../../src/edge/wire/meta.ts';
import { buildServerMessage, parseServerMessage } from '../../../src/edge/wire/server-messages.ts';
import { type CaptureName, frameAt, leaderFields, loadCapture, sipPart } from './captures.ts';

const captures: CaptureName[] = ['b2bua-call', 'b2bua-cancel'];

describe.each(captures)('captured frames of %s', (name) => {
  const frames = loadCapture(name);

  it('parses every A→S frame and rebuilds it byte for byte', () => {
    const appFrames = frames.filter((f) => f.dir === 'A->S');
    expect(appFrames.length).toBeGreaterThan(5);
    for (const f of appFrames) {
      const msg = parseAppMessage(f.payload);
      expect(msg.type, `frame ${f.n}`).not.toBe('unknown');
      expect(encodeFrame(buildAppMessage(msg)).toString('utf8'), `frame ${f.n}`).toBe(f.frame);
    }
  });

  it('parses every S→A frame and rebuilds it byte for byte from the parsed fields', () => {
    const serverFrames = frames.filter((f) => f.dir === 'S->A');
    for (const f of serverFrames) {
      const msg = parseServerMessage(f.payload);
      expect(encodeFrame(buildServerMessage(msg)).toString('utf8'), `frame ${f.n}`).toBe(f.frame);
    }
  });
});

describe('A→S parsing (b2bua-call)', () => {
  it('authenticate carries the secret and an empty tag list', () => {
    expect(parseAppMessage(frameAt('b2bua-call', 1).payload)).toEqual({
      type: 'authenticate',
      id: '72acfb17-1ce3-4576-9aa3-bc3b1154d81c',
      secret: 'cymru',
      tags: [],
    });
  });

  it('route verbs include cdr events', () => {
    const verbs = [3, 4, 5, 6].map((n) => parseAppMessage(frameAt('b2bua-call', n).payload));
    expect(verbs.map((m) => (m.type === 'route' ? m.verb : m.type))).toEqual([
      'cdr:attempt',
      'cdr:start',
      'cdr:stop',
      'invite',
    ]);
  });

  it('a new INVITE has neither txnId nor dialogId and no route field', () => {
    const m = parseAppMessage(frameAt('b2bua-call', 15).payload);
    expect(m.type).toBe('sip');
    if (m.type !== 'sip') return;
    expect([m.txnId, m.dialogId, m.routeUri]).toEqual(['', '', undefined]);
    expect(m.startLine).toEqual({
      kind: 'request',
      method: 'INVITE',
      uri: 'sip:service@127.0.0.1:5380',
      version: 'SIP/2.0',
    });
    expect(
      m.sip.startsWith('INVITE sip:service@127.0.0.1:5380 SIP/2.0\r\nfrom: sip:sipp@localhost\r\n'),
    ).toBe(true);
  });

  it('a response names the server transaction; an in-dialog request names the dialog', () => {
    const res = parseAppMessage(frameAt('b2bua-call', 21).payload);
    const ack = parseAppMessage(frameAt('b2bua-call', 22).payload);
    expect(res).toMatchObject({ type: 'sip', txnId: '9559a8ee-2eea-44ad-a636-20366cdd3dda', dialogId: '' });
    expect(res.type === 'sip' && res.startLine).toEqual({
      kind: 'response',
      status: 180,
      reason: 'Ringing',
      version: 'SIP/2.0',
    });
    expect(ack).toMatchObject({
      type: 'sip',
      txnId: '',
      dialogId: '2886bece-61b8-1240-5b9d-7a2463a0734c;from-tag=N0ec9HKZ125Km',
    });
  });

  it('a CANCEL names the INVITE transaction (b2bua-cancel frame 16)', () => {
    const m = parseAppMessage(frameAt('b2bua-cancel', 16).payload);
    expect(m).toMatchObject({ type: 'sip', txnId: 'd0a4a34e-f7c3-47cd-88ba-0e8a95d9fec8', dialogId: '' });
    expect(m.type === 'sip' && m.startLine?.kind === 'request' && m.startLine.method).toBe('CANCEL');
  });

  it('parses a proxy message (notes §3.5 layout) and round-trips it', () => {
    const payload =
      'a3|proxy|T-A|remainInDialog|fullResponse||serial|||sip:2000@10.0.0.7:5080|sip:2001@10.0.0.8\r\n' +
      'INVITE sip:2000@10.0.0.7:5080 SIP/2.0\r\nContent-Length: 0\r\n\r\n';
    const m = parseAppMessage(payload);
    expect(m).toMatchObject({
      type: 'proxy',
      txnId: 'T-A',
      remainInDialog: true,
      fullResponse: true,
      followRedirects: false,
      simultaneous: false,
      provisionalTimeout: '',
      finalTimeout: '',
      destinations: ['sip:2000@10.0.0.7:5080', 'sip:2001@10.0.0.8'],
    });
    expect(buildAppMessage(m)).toBe(payload);
  });

  it('keeps an unknown type as such (the server answers NO and drops the app)', () => {
    expect(parseAppMessage('z1|frobnicate|x')).toEqual({ type: 'unknown', id: 'z1', rawType: 'frobnicate' });
    expect(() => parseAppMessage('z1|sip||')).toThrow(/SIP part/);
  });
});

describe('S→A building from independent fields (ids taken from the capture)', () => {
  it('authenticate OK: hostports, version, local hostports', () => {
    const f = frameAt('b2bua-call', 2);
    const [id, , rid] = leaderFields(f.payload);
    const built = buildServerMessage({
      type: 'response',
      id: id!,
      replyTo: rid!,
      reply: {
        kind: 'authenticated',
        hostports: ['udp/127.0.0.1:5360'],
        version: '1.0.0',
        localHostports: ['udp/127.0.0.1:5360'],
      },
    });
    expect(encodeFrame(built).toString()).toBe(f.frame);
  });

  it('route OK and pong', () => {
    for (const [n, kind] of [
      [7, 'ok'],
      [12, 'pong'],
    ] as const) {
      const f = frameAt('b2bua-call', n);
      const [id, , rid] = leaderFields(f.payload);
      expect(
        encodeFrame(
          buildServerMessage({ type: 'response', id: id!, replyTo: rid!, reply: { kind } }),
        ).toString(),
      ).toBe(f.frame);
    }
  });

  it('delivery of a new INVITE with receivedOn (frame 13)', () => {
    const f = frameAt('b2bua-call', 13);
    const built = buildServerMessage({
      type: 'sip',
      id: '63212503-8277-45f4-8b4b-1881f28dc5bc',
      meta: {
        source: 'network',
        bytes: 506,
        protocol: 'udp',
        address: '127.0.0.1',
        port: 5370,
        time: '08:10:16.706494',
      },
      txnId: '9559a8ee-2eea-44ad-a636-20366cdd3dda',
      dialogId: '',
      receivedOn: { host: '127.0.0.1', port: 5360 },
      sip: sipPart(f.payload),
    });
    expect(encodeFrame(built).toString()).toBe(f.frame);
  });

  it('reply to a sent response carries txnId, dialogId and an empty field before "Msg sent:" (frame 26)', () => {
    const f = frameAt('b2bua-call', 26);
    const built = buildServerMessage({
      type: 'response',
      id: '383ee42e-060f-47ba-9855-91e4a4ac06d3',
      replyTo: '1fae3dfe-e03f-4166-b649-59734dc1c7c3',
      reply: {
        kind: 'response-sent',
        meta: {
          source: 'application',
          bytes: 458,
          protocol: 'udp',
          address: '127.0.0.1',
          port: 5370,
          time: '08:10:16.761097',
        },
        txnId: '9559a8ee-2eea-44ad-a636-20366cdd3dda',
        dialogId: '1-1182@127.0.0.1;from-tag=1182SIPpTag001',
        sip: sipPart(f.payload),
      },
    });
    expect(encodeFrame(built).toString()).toBe(f.frame);
  });

  it('NOK with drachtio-server wording (b2bua-cancel frame 6)', () => {
    const f = frameAt('b2bua-cancel', 6);
    const [id, , rid] = leaderFields(f.payload);
    const built = buildServerMessage({
      type: 'response',
      id: id!,
      replyTo: rid!,
      reply: { kind: 'failed', reason: 'Server error: unable to find dialog for dialog id provided' },
    });
    expect(encodeFrame(built).toString()).toBe(f.frame);
  });

  it('cdr:stop has no trailing separator (frame 30)', () => {
    const f = frameAt('b2bua-call', 30);
    const built = buildServerMessage({
      type: 'cdr:stop',
      id: '1f190d1b-1bc5-42d5-9e5f-bfbe98cb2066',
      source: 'network',
      time: '08:10:17.766268',
      reason: 'normal-release',
      sip: sipPart(f.payload),
    });
    expect(encodeFrame(built).toString()).toBe(f.frame);
  });

  it('proxy progress and end replies put "continue" at srf token 12', () => {
    const payload = buildServerMessage({
      type: 'response',
      id: 's1',
      replyTo: 'a1',
      reply: {
        kind: 'proxy-response',
        meta: {
          source: 'network',
          bytes: 10,
          protocol: 'udp',
          address: '10.0.0.7',
          port: 5080,
          time: '01:02:03.000004',
        },
        sip: 'SIP/2.0 200 OK\r\n\r\n',
      },
    });
    expect(leaderFields(payload)[12]).toBe('continue');
    expect(payload.split('\r\n')[0]).toBe(
      's1|response|a1|OK|network|10|udp|10.0.0.7|5080|01:02:03.000004|||continue',
    );
    expect(
      buildServerMessage({ type: 'response', id: 's2', replyTo: 'a1', reply: { kind: 'proxy-done' } }),
    ).toBe('s2|response|a1|OK|done');
  });

  it('refuses to build a field containing the separator or a line break', () => {
    expect(() =>
      buildServerMessage({ type: 'response', id: 's', replyTo: 'a|b', reply: { kind: 'ok' } }),
    ).toThrow(/must not contain/);
  });
});

describe('stackTime', () => {
  it('formats UTC time of day with microseconds, like drachtio-server', () => {
    const ms = Date.UTC(2024, 0, 2, 8, 10, 16, 706) + 0.494;
    expect(stackTime(ms)).toBe('08:10:16.706494');
    expect(stackTime()).toMatch(/^\d\d:\d\d:\d\d\.\d{6}$/);
  });
});
