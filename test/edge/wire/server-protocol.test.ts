// Protocol-level behaviour of the wire server, driven by a bare TCP client
// (cases drachtio-srf never produces). The SIP layer is the FakeSipSide stand-in.

import { afterEach, describe, expect, it } from 'vitest';
import { buildAppMessage } from '../../../src/edge/wire/app-messages.ts';
import { DEFAULT_SERVER_VERSION } from '../../../src/edge/wire/server.ts';
import { leaderFields } from './captures.ts';
import { RawApp } from './raw-app.ts';
import { type Harness, SECRET, startHarness, waitFor } from './srf-harness.ts';

let h: Harness;
const raws: RawApp[] = [];

async function open(): Promise<RawApp> {
  const raw = await RawApp.open(h.port);
  raws.push(raw);
  return raw;
}

async function authenticated(): Promise<RawApp> {
  const raw = await open();
  raw.send(`a0|authenticate|${SECRET}|`);
  expect(leaderFields(await raw.frame(0))[3]).toBe('OK');
  return raw;
}

afterEach(async () => {
  for (const r of raws.splice(0)) r.close();
  await h?.close();
});

describe('authentication', () => {
  it('answers OK with hostports (external address first), version and local hostports', async () => {
    h = await startHarness();
    // Replace the fake's transports by a NATed UDP and a TCP listener.
    (h.sip as unknown as { transports: () => unknown }).transports = () => [
      { protocol: 'udp', host: '10.0.0.5', port: 5060, externalHost: '203.0.113.9' },
      { protocol: 'tcp', host: '10.0.0.5', port: 5060 },
    ];
    const raw = await open();
    raw.send(`a1|authenticate|${SECRET}|edge,blue`);
    const reply = await raw.frame(0);
    expect(reply.replace(/^[^|]+/, 's')).toBe(
      `s|response|a1|OK|udp/203.0.113.9:5060,tcp/10.0.0.5:5060|${DEFAULT_SERVER_VERSION}|udp/10.0.0.5:5060,tcp/10.0.0.5:5060`,
    );
    await waitFor(() => h.server.connections()[0]?.authenticated === true);
    expect(h.server.connections()[0]?.tags).toEqual(['edge', 'blue']);
  });

  it('answers NO|incorrect secret and drops the app', async () => {
    h = await startHarness();
    const raw = await open();
    raw.send('a1|authenticate|wrong|');
    expect((await raw.frame(0)).replace(/^[^|]+/, 's')).toBe('s|response|a1|NO|incorrect secret');
    await raw.closed;
    await waitFor(() => h.server.connections().length === 0, 'server forgets the app');
  });

  it('refuses anything before a successful authenticate', async () => {
    h = await startHarness();
    const raw = await open();
    raw.send('a1|route|invite');
    expect((await raw.frame(0)).replace(/^[^|]+/, 's')).toBe('s|response|a1|NO|authentication required');
    await raw.closed;
  });
});

describe('protocol messages', () => {
  it('answers ping with OK|pong', async () => {
    h = await startHarness();
    const raw = await authenticated();
    raw.send('p1|ping');
    expect((await raw.frame(1)).replace(/^[^|]+/, 's')).toBe('s|response|p1|OK|pong');
  });

  it('registers and removes routes, one verb at a time', async () => {
    h = await startHarness();
    const raw = await authenticated();
    // Both frames in one write, the second one split mid-digits into the next write.
    const f1 = 'r1|route|invite';
    const f2 = 'r2|route|OPTIONS';
    raw.writeRaw(`${f1.length}#${f1}1`);
    raw.writeRaw(`${f2.length - 10}#${f2}`);
    await raw.frame(2);
    expect(h.server.connections()[0]?.verbs.sort()).toEqual(['invite', 'options']);
    raw.send('r3|remove_route|options');
    expect((await raw.frame(3)).replace(/^[^|]+/, 's')).toBe('s|response|r3|OK');
    expect(h.server.connections()[0]?.verbs).toEqual(['invite']);
  });

  it('answers an unknown type with NO|Unknown message type and drops the app', async () => {
    h = await startHarness();
    const raw = await authenticated();
    raw.send('u1|frobnicate|x');
    expect((await raw.frame(1)).replace(/^[^|]+/, 's')).toBe('s|response|u1|NO|Unknown message type');
    await raw.closed;
  });

  it('drops the app on a non-digit length prefix, without a reply', async () => {
    h = await startHarness();
    const raw = await authenticated();
    raw.writeRaw('GET / HTTP/1.1\r\n\r\n');
    await raw.closed;
    expect(raw.frames.length).toBe(1);
  });

  it('drops the app on a 6-digit length', async () => {
    h = await startHarness();
    const raw = await authenticated();
    raw.writeRaw('100000#');
    await raw.closed;
  });
});

describe('sip messages from the app', () => {
  it('drops an app that sends a response without transaction id', async () => {
    h = await startHarness();
    const raw = await authenticated();
    raw.send('s1|sip||\r\nSIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
    expect((await raw.frame(1)).replace(/^[^|]+/, 's')).toBe('s|response|s1|NO|transaction id missing');
    await raw.closed;
    expect(h.sip.responses.all.length).toBe(0);
  });

  it('refuses a non-CANCEL request that names a transaction', async () => {
    h = await startHarness();
    const raw = await authenticated();
    raw.send('s1|sip|T9|\r\nINFO sip:x@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n');
    expect((await raw.frame(1)).replace(/^[^|]+/, 's')).toBe(
      's|response|s1|NOK|INFO with a transaction id must be a CANCEL',
    );
    expect(h.sip.requests.all.length).toBe(0);
  });

  it('classifies new, in-dialog and CANCEL requests and passes the outbound proxy field', async () => {
    h = await startHarness();
    const raw = await authenticated();
    raw.send('s1|sip|||sip:proxy.example.com;lr\r\nOPTIONS sip:b@example.com SIP/2.0\r\n\r\n');
    raw.send('s2|sip||cid;from-tag=1\r\nBYE sip:placeholder SIP/2.0\r\n\r\n');
    raw.send('s3|sip|T7|\r\nCANCEL sip:b@example.com SIP/2.0\r\n\r\n');
    const ops = await Promise.all([1, 2, 3].map(() => h.sip.requests.next()));
    expect(
      ops.map((o) => [o.kind, o.method, o.requestUri, o.dialogId, o.cancelsTxnId, o.outboundProxy]),
    ).toEqual([
      ['new', 'OPTIONS', 'sip:b@example.com', undefined, undefined, 'sip:proxy.example.com;lr'],
      ['in-dialog', 'BYE', 'sip:placeholder', 'cid;from-tag=1', undefined, undefined],
      ['cancel', 'CANCEL', 'sip:b@example.com', undefined, 'T7', undefined],
    ]);
    // Each reply carries the transaction id the server minted for that request.
    for (let i = 1; i <= 3; i++) {
      const f = leaderFields(await raw.frame(i));
      const op = ops.find((o) => o.txnId === f[10]);
      expect(op, `reply ${i}`).toBeDefined();
      expect(f[11]).toBe('Msg sent:');
    }
  });

  it('turns a throwing SIP side into a NOK and keeps the app connected', async () => {
    h = await startHarness();
    h.sip.onSendRequest = () => {
      throw new Error('transport exploded | badly');
    };
    const raw = await authenticated();
    raw.send('s1|sip||\r\nOPTIONS sip:b@example.com SIP/2.0\r\n\r\n');
    expect((await raw.frame(1)).replace(/^[^|]+/, 's')).toBe(
      's|response|s1|NOK|Server error: transport exploded   badly',
    );
    raw.send('p1|ping');
    expect(leaderFields(await raw.frame(2))[4]).toBe('pong');
  });

  it('holds a response that overtakes the "Msg sent" reply until the reply is written', async () => {
    h = await startHarness();
    h.sip.onSendRequest = (op) => {
      // The SIP layer gets a 180 back before it reports the request as sent.
      h.sip.gw.deliverResponse({
        txnId: op.txnId,
        status: 180,
        dialogId: 'cid;from-tag=abc',
        meta: { source: 'network', protocol: 'udp', address: '192.0.2.1', port: 5060 },
        sip: 'SIP/2.0 180 Ringing\r\nCall-ID: cid\r\n\r\n',
      });
      return {
        ok: true,
        meta: { source: 'application', protocol: 'udp', address: '127.0.0.1', port: 5360 },
        sent: op.sip,
      };
    };
    const raw = await authenticated();
    raw.send('s1|sip||\r\nINVITE sip:b@example.com SIP/2.0\r\n\r\n');
    const first = leaderFields(await raw.frame(1));
    const second = leaderFields(await raw.frame(2));
    expect([first[1], first[2]]).toEqual(['response', 's1']);
    expect([second[1], second[8], second[9]]).toEqual(['sip', first[10], 'cid;from-tag=abc']);
  });

  it('relays proxy progress (one frame per final response) and the end', async () => {
    h = await startHarness();
    h.sip.onProxy = (op, report) => {
      for (const status of ['486 Busy Here', '200 OK']) {
        report({
          meta: { source: 'network', protocol: 'udp', address: '10.0.0.7', port: 5080 },
          sip: `SIP/2.0 ${status}\r\n\r\n`,
        });
      }
      return op.destinations.length === 2 ? { ok: true } : { ok: false, reason: 'expected two targets' };
    };
    const raw = await authenticated();
    raw.send(
      buildAppMessage({
        type: 'proxy',
        id: 'x1',
        txnId: 'T1',
        remainInDialog: true,
        fullResponse: true,
        followRedirects: false,
        simultaneous: false,
        provisionalTimeout: '',
        finalTimeout: '',
        destinations: ['sip:a@10.0.0.7:5080', 'sip:b@10.0.0.8'],
        sip: 'INVITE sip:a@10.0.0.7:5080 SIP/2.0\r\n\r\n',
      }),
    );
    const frames = await Promise.all([1, 2, 3].map((n) => raw.frame(n)));
    expect(
      frames.map((f) =>
        leaderFields(f)
          .slice(3)
          .join('|')
          .replace(/\d\d:\d\d:\d\d\.\d{6}/, 'T'),
      ),
    ).toEqual([
      'OK|network|25|udp|10.0.0.7|5080|T|||continue',
      'OK|network|18|udp|10.0.0.7|5080|T|||continue',
      'OK|done',
    ]);
    expect((await h.sip.proxies.next()).remainInDialog).toBe(true);
  });
});
