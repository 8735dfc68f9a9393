// Calls through a real `sbc run` process with sipp on both sides (issue item 1–3, 8):
// classification, the INVITE hook's edits, routing with retry/failover/backup, the best
// response upstream, `on failure`, response hooks, topology hiding, CDRs and metrics.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../edge/support/ports.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { metricValue, type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { messages, runUac, startLines, startUas } from './support.ts';

let sbc: SbcUnderTest;

beforeAll(async () => {
  sbc = await startSbcUnderTest();
}, 30_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await sbc?.close();
});

/** Caller trunk on the UAC's port; `extra` is pasted after the trunks. */
function rules(uacPort: number, trunks: string, handlers: string): string {
  return `ruleset t
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
}
${trunks}
${handlers}
`;
}

describe('a call through sbc run', () => {
  it('starts on an empty data directory with the shipped default rule set as version 1', async () => {
    const versions = (await sbc.api('GET', '/api/v1/rulesets/versions')).json as Array<
      Record<string, unknown>
    >;
    expect(versions[0]).toMatchObject({ version: 1, message: 'default rule set' });
    expect(sbc.proc.stdout()).toMatch(/default rule set loaded/);
  });

  it('classifies, runs the INVITE hook, routes to the peer, relays answer and BYE; CDR and metrics', async () => {
    const uacPort = await freePort();
    const uas = await startUas('uas', 1);
    await sbc.activate(
      rules(
        uacPort,
        `trunk core {\n  peers ["127.0.0.1:${uas.port}"]\n}`,
        `on request INVITE from caller {
  set header "X-Screened" = "yes"
  set ruri.user = "+14085551212"
  route core
}
on request INVITE to core {
  set header "X-Attempt" = str(call.attempt)
}`,
      ),
    );
    const uac = await runUac(sbc.sipPort, { port: uacPort });
    const far = await uas.done;
    expect(uac.successful).toBe(1);
    expect(far.successful).toBe(1);
    const atPeer = messages(far);
    expect(atPeer).toMatch(/^INVITE sip:\+14085551212@127\.0\.0\.1:\d+ SIP\/2\.0/m);
    expect(atPeer).toMatch(/^X-Screened: yes/m);
    expect(atPeer).toMatch(/^X-Attempt: 1/m);
    expect(atPeer).toMatch(/^Session-Expires: 1800/m);
    expect(atPeer).toMatch(/^BYE /m);
    const cdr = sbc.cdrs().at(-1)!;
    expect(cdr).toMatchObject({
      status: 200,
      inboundTrunk: 'caller',
      outboundTrunk: 'core',
      cause: 'caller-bye',
    });
    expect(cdr.attempts).toEqual([{ trunk: 'core', peer: `udp:127.0.0.1:${uas.port}`, outcome: 200 }]);
    const m = await sbc.metrics();
    expect(metricValue(m, 'sbc_calls_total', { trunk: 'caller', cause: '200' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(m, 'sbc_call_setup_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(metricValue(m, 'sbc_edge_messages_total', { direction: 'in', kind: 'request' })).toBeGreaterThan(
      0,
    );
  }, 40_000);

  it('hides topology: no Via, Contact, Call-ID or address of one side reaches the other', async () => {
    const uacPort = await freePort();
    const uas = await startUas('uas', 1);
    await sbc.activate(
      rules(
        uacPort,
        `trunk core {\n  peers ["127.0.0.1:${uas.port}"]\n}`,
        'on request INVITE from caller {\n  route core\n}',
      ),
    );
    const uac = await runUac(sbc.sipPort, { port: uacPort });
    const far = await uas.done;
    expect(uac.successful).toBe(1);
    const atPeer = messages(far);
    const atCaller = messages(uac);
    const callerCallId = /^Call-ID: (.+)$/m.exec(atCaller)![1]!.trim();
    const peerCallId = /^Call-ID: (.+)$/m.exec(atPeer)![1]!.trim();
    expect(peerCallId).not.toBe(callerCallId);
    expect(atPeer).not.toContain(callerCallId);
    expect(atCaller).not.toContain(peerCallId);
    // The caller's port appears nowhere at the peer, the peer's nowhere at the caller.
    expect(atPeer).not.toContain(`:${uacPort}`);
    expect(atCaller).not.toContain(`:${uas.port}`);
    for (const h of ['Via', 'Contact', 'Record-Route']) {
      for (const line of startLines(atPeer, new RegExp(`^${h}:`)))
        expect(line).not.toContain(String(uacPort));
    }
    expect(atPeer).not.toMatch(/SIPpTag00/); // the caller's From tag
  }, 40_000);

  it('retries once per peer on 503, then the next member, then the backup group (seeds/003)', async () => {
    const uacPort = await freePort();
    const a = await startUas('uas-503', 2);
    const b = await startUas('uas-503', 2);
    const c = await startUas('uas', 1);
    await sbc.activate(
      rules(
        uacPort,
        `trunk a {\n  peers ["127.0.0.1:${a.port}"]\n}
trunk b {\n  peers ["127.0.0.1:${b.port}"]\n}
trunk c {\n  peers ["127.0.0.1:${c.port}"]\n}
group primary {\n  members [a, b]\n  backup spare\n}
group spare {\n  members [c]\n}`,
        'on request INVITE from caller {\n  route primary\n}',
      ),
    );
    const uac = await runUac(sbc.sipPort, { port: uacPort });
    const [ra, rb, rc] = await Promise.all([a.done, b.done, c.done]);
    expect(uac.successful).toBe(1);
    expect(startLines(messages(ra), /^INVITE /)).toHaveLength(2);
    expect(startLines(messages(rb), /^INVITE /)).toHaveLength(2);
    expect(startLines(messages(rc), /^INVITE /)).toHaveLength(1);
    const cdr = sbc.cdrs().at(-1)!;
    expect((cdr.attempts as { outcome: unknown }[]).map((x) => x.outcome)).toEqual([503, 503, 503, 503, 200]);
  }, 40_000);

  it('passes a non-failover answer (486) upstream at once; all peers failing gives the best response', async () => {
    const uacPort = await freePort();
    const busy = await startUas('uas-486', 1);
    const spare = await freePort();
    await sbc.activate(
      rules(
        uacPort,
        `trunk busy {\n  peers ["127.0.0.1:${busy.port}", "127.0.0.1:${spare}"]\n}`,
        'on request INVITE from caller {\n  route busy\n}',
      ),
    );
    const uac = await runUac(sbc.sipPort, { port: uacPort });
    await busy.done;
    expect(startLines(messages(uac), /^SIP\/2\.0 [2-6]/)).toEqual(['SIP/2.0 486 Busy Here']);
    expect(sbc.cdrs().at(-1)).toMatchObject({ status: 486, cause: 'routing-failed' });
  }, 40_000);

  it('counts a silent peer as a timeout and moves on; `on failure` chooses the final answer', async () => {
    const uacPort = await freePort();
    const silent = await freePort();
    const refusing = await startUas('uas-503', 1);
    await sbc.activate(
      rules(
        uacPort,
        `trunk t {\n  peers ["127.0.0.1:${silent}", "127.0.0.1:${refusing.port}"]\n  failover { on: [503, timeout], retry: 0, timeout: 1s }\n}`,
        `on request INVITE from caller {\n  route t\n}
on failure {
  if failure.status == 503 and call.attempt == 2 {
    reject 480 "Try Later"
  }
  reject 500
}`,
      ),
    );
    const uac = await runUac(sbc.sipPort, {
      port: uacPort,
      scenario: 'core:uac-any-final',
    });
    await refusing.done;
    expect(startLines(messages(uac), /^SIP\/2\.0 [2-6]/)).toEqual(['SIP/2.0 480 Try Later']);
    const cdr = sbc.cdrs().at(-1)!;
    expect((cdr.attempts as { outcome: unknown }[]).map((x) => x.outcome)).toEqual(['timeout', 503]);
  }, 40_000);

  it('answers an unknown source 403 and a rule reject with its code and reason', async () => {
    const uas = await startUas('uas', 1);
    await sbc.activate(
      `ruleset t\ntrunk known {\n  peers ["127.0.0.1:${uas.port}"]\n  sources [10.0.0.0/8]\n}\non request INVITE {\n  route known\n}\n`,
    );
    const stranger = await runUac(sbc.sipPort);
    expect(startLines(messages(stranger), /^SIP\/2\.0 [2-6]/)).toEqual(['SIP/2.0 403 Forbidden']);
    const uacPort = await freePort();
    await sbc.activate(
      rules(uacPort, '', 'on request INVITE from caller {\n  reject 404 "Number not provisioned"\n}'),
    );
    const rejected = await runUac(sbc.sipPort, { port: uacPort });
    expect(startLines(messages(rejected), /^SIP\/2\.0 [2-6]/)).toEqual([
      'SIP/2.0 404 Number not provisioned',
    ]);
  }, 40_000);

  it('runs response hooks: a 180 made 183 by a rule reaches the caller as 183', async () => {
    const uacPort = await freePort();
    const uas = await startUas('uas', 1);
    await sbc.activate(
      rules(
        uacPort,
        `trunk core {\n  peers ["127.0.0.1:${uas.port}"]\n}`,
        `on request INVITE from caller {\n  route core\n}
on response 180 from core {
  set response.status = 183
  set response.reason = "Session Progress"
  set header "X-From-Rule" = "1"
}`,
      ),
    );
    const uac = await runUac(sbc.sipPort, { port: uacPort });
    await uas.done;
    expect(uac.successful).toBe(1);
    const trace = messages(uac);
    expect(trace).toMatch(/^SIP\/2\.0 183 Session Progress/m);
    expect(trace).not.toMatch(/^SIP\/2\.0 180/m);
    expect(trace).toMatch(/^X-From-Rule: 1/m);
  }, 40_000);
});
