/** Effects applied to real parsed SIP messages, snapshots of them, message files and diffs. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../dsl/effects.ts';
import {
  applyEffects,
  loadMessage,
  MessageFileError,
  messageSnapshot,
  unifiedDiff,
} from '../../../src/core/effects/index.ts';
import { serialize } from '../../../src/edge/sip/index.ts';

const at = { file: 'main.rules', line: 1, column: 1 };
const example = (name: string) =>
  readFileSync(new URL(`../../../examples/messages/${name}`, import.meta.url), 'utf8');

/** An effect without its location (distributes over the union, unlike Omit). */
type Bare = Effect extends infer E ? (E extends Effect ? Omit<E, 'at'> : never) : never;

function edited(name: string, effects: Bare[]) {
  const { message } = loadMessage(example(name));
  const decisions = applyEffects(
    message,
    effects.map((e) => ({ ...e, at }) as Effect),
  );
  return { text: serialize(message).toString('utf8'), decisions };
}

describe('applyEffects', () => {
  it('edits headers: set, add, default, remove, replace, parameters', () => {
    const { text } = edited('zoom-invite.sip', [
      { kind: 'header.set', name: 'X-Tenant', value: 'acme' },
      { kind: 'header.add', name: 'Diversion', value: '<sip:+1@a>;reason=unconditional' },
      { kind: 'header.default', name: 'P-Asserted-Identity', value: '<sip:ignored@x>' },
      { kind: 'header.default', name: 'P-Preferred-Identity', value: '<sip:+1@x>' },
      { kind: 'header.remove', name: 'X-Zoom-Site' },
      { kind: 'header.replace', name: 'Session-Expires', values: ['90'] },
      { kind: 'header.set', name: 'Contact', param: 'transport', value: 'tcp' },
      { kind: 'header.remove', name: 'From', param: 'tag' },
    ]);
    expect(text).toContain('X-Tenant: acme\r\n');
    expect(text).toContain('Diversion: <sip:+1@a>;reason=unconditional\r\n');
    expect(text).toContain('P-Asserted-Identity: "amiller" <sip:+14085551213@162.12.233.59:5061>\r\n');
    expect(text).toContain('P-Preferred-Identity: <sip:+1@x>\r\n');
    expect(text).not.toContain('X-Zoom-Site');
    expect(text).toContain('Session-Expires: 90\r\n');
    expect(text).toContain(
      'Contact: "amiller" <sip:+14085551213@162.12.233.59:5061;transport=tls>;transport=tcp\r\n',
    );
    expect(text).toContain('From: "amiller" <sip:+14085551213@7006029031.zoom.us>\r\n');
  });

  it('edits the request-URI, addresses and their parameters', () => {
    const { text } = edited('carrier-invite-late-offer.sip', [
      { kind: 'field.set', field: ['ruri', 'user'], value: '+14085551212' },
      { kind: 'field.set', field: ['ruri', 'port'], value: 5061 },
      { kind: 'field.remove', field: ['ruri', 'params', 'user'] },
      { kind: 'field.set', field: ['from', 'uri', 'user'], value: '+16505550199' },
      { kind: 'field.set', field: ['from', 'display'], value: 'Carrier "X"' },
      { kind: 'field.set', field: ['to', 'uri', 'host'], value: 'sbc.example.com' },
      { kind: 'field.remove', field: ['pai'] },
    ]);
    expect(text.split('\r\n')[0]).toBe('INVITE sip:+14085551212@10.0.0.1:5061 SIP/2.0');
    expect(text).toContain(
      'From: "Carrier \\"X\\"" <sip:+16505550199@10.0.0.10;user=phone>;tag=c4rr13r1\r\n',
    );
    expect(text).toContain('To: <sip:4085551212@sbc.example.com;user=phone>\r\n');
    expect(text).not.toContain('P-Asserted-Identity');
  });

  it('copies an address into PAI without the From tag', () => {
    const { message } = loadMessage(example('zoom-invite.sip'));
    const from = messageSnapshot(message).from;
    applyEffects(message, [{ kind: 'field.set', field: ['pai'], value: from, at }]);
    expect(message.get('P-Asserted-Identity')).toBe('"amiller" <sip:+14085551213@7006029031.zoom.us>');
  });

  it('changes a response status within its class', () => {
    const { text } = edited('180-ringing-no-sdp.sip', [
      { kind: 'field.set', field: ['response', 'status'], value: 183 },
      { kind: 'field.set', field: ['response', 'reason'], value: 'Session Progress' },
    ]);
    expect(text.split('\r\n')[0]).toBe('SIP/2.0 183 Session Progress');
  });

  it('collects decisions and reports edits it cannot apply', () => {
    const { decisions } = edited('bye.sip', [
      { kind: 'route', target: 'core', targetKind: 'trunk' },
      { kind: 'media', leg: 'inbound', policy: { ringback: 'inject' } },
      { kind: 'var.set', name: 't', value: 'acme' },
      { kind: 'log', level: 'info', message: 'hi' },
      { kind: 'count', counter: 'calls' },
      { kind: 'reject', code: 403, reason: 'Forbidden' },
      { kind: 'field.set', field: ['pai', 'uri', 'user'], value: '+1' },
    ]);
    expect(decisions).toMatchObject({
      route: { target: 'core' },
      reject: { code: 403, reason: 'Forbidden' },
      media: [{ leg: 'inbound' }],
      vars: { t: 'acme' },
      counters: ['calls'],
      logs: [{ message: 'hi' }],
    });
    expect(decisions.skipped[0]?.reason).toMatch(/no P-Asserted-Identity header/);
  });
});

describe('messageSnapshot', () => {
  it('gives rules the URI, addresses, headers in order and SDP presence', () => {
    const snap = messageSnapshot(loadMessage(example('teams-invite.sip')).message);
    expect(snap).toMatchObject({
      kind: 'request',
      method: 'INVITE',
      ruri: {
        scheme: 'sip',
        user: '+14255550123',
        host: 'sbc1.contoso.com',
        port: 5061,
        params: { user: 'phone', transport: 'tls' },
      },
      from: { uri: { user: '+14255550100' }, params: { tag: 'b8e7c9d0a1' } },
      pai: { uri: { host: 'sip.pstnhub.microsoft.com' } },
      hasSdp: true,
    });
    expect(snap.headers).toContain('\nX-MS-SBC: Microsoft.PSTNHub.SIPProxy\n');
    const resp = messageSnapshot(loadMessage(example('180-ringing-no-sdp.sip')).message);
    expect(resp).toMatchObject({ kind: 'response', method: 'INVITE', status: 180, hasSdp: false });
  });
});

describe('loadMessage', () => {
  it('reads every example message', () => {
    for (const f of [
      'zoom-invite.sip',
      'teams-invite.sip',
      'carrier-invite-late-offer.sip',
      '183-session-progress-sdp.sip',
      '180-ringing-no-sdp.sip',
      'options-keepalive.sip',
      'bye.sip',
    ]) {
      const m = loadMessage(example(f));
      expect(m.notes).toEqual([]);
      expect(m.text).toMatch(/\r\n\r\n/);
    }
  });

  it('names the line of a bad start line or header line', () => {
    expect(() => loadMessage('HELLO world\nVia: x\n\n')).toThrow(new MessageFileError('x', 1).constructor);
    try {
      loadMessage(
        'INVITE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\nthis is not a header\n\n',
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MessageFileError);
      expect((e as MessageFileError).line).toBe(3);
    }
  });

  it('names the header a parse error is about', () => {
    const text =
      'INVITE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\nFrom: <<bad\nTo: <sip:b@c>\nCall-ID: x\nCSeq: 1 INVITE\nMax-Forwards: 70\n\n';
    expect(() => loadMessage(text)).toThrow(/line 3: invalid SIP message: Bad From Header/);
  });

  it('corrects a Content-Length that LF line ends made wrong, with a note', () => {
    const text =
      'OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\nFrom: <sip:a@b>;tag=1\nTo: <sip:b@c>\nCall-ID: x\nCSeq: 1 OPTIONS\nContent-Type: text/plain\nContent-Length: 4\n\na\nb\n';
    const m = loadMessage(text);
    expect(m.notes[0]).toMatch(/Content-Length corrected from 4 to 6/);
    expect(m.message.body.toString()).toBe('a\r\nb\r\n');
  });
});

describe('unifiedDiff', () => {
  it('shows changed lines with context and is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\nc', 'a\nb\nc')).toBe('');
    expect(unifiedDiff('a\nb\nc\nd', 'a\nB\nc\nd\ne')).toBe(
      '--- input\n+++ output\n@@ -1,4 +1,5 @@\n a\n-b\n+B\n c\n d\n+e\n',
    );
  });
});
