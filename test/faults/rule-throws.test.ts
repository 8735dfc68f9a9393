// Issue 11 item 3: a rule version that throws on 1 % of calls. The rules look every called number
// up in provisioning and copy its custom header; the table declares that field as always present,
// and one number in a hundred was provisioned without it, so the lookup throws for that number
// (docs/runtime.md: a field missing or of the wrong type is an error at the rule line). Of 100
// calls through a real `sbc run`, exactly that one fails, with the runtime's fallback — 500 and a
// Reason naming the rule line (RFC 3326) — and is listed in the rule-error status; the other 99
// are connected, with the header.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { messages, runUac, startUas } from '../core/support.ts';
import { stopAll } from '../edge/support/sipp.ts';
import { freePort } from '../support/ports.ts';
import { metricValue, TOKEN } from '../support/sbc-under-test.ts';
import { type SbcNode, startSbcNode } from './support/sbc-node.ts';

const UAS = join(import.meta.dirname, 'sipp', 'uas-calls-and-options.xml');
const UAC = join(import.meta.dirname, 'sipp', 'uac-numbers.xml');
const CALLS = 100;
const BAD = 42;
const numberFor = (i: number) => `+1415555${2000 + i}`;
let sbc: SbcNode;

beforeAll(async () => {
  sbc = await startSbcNode();
  expect((await sbc.api('POST', '/api/v1/customers', { id: 'contoso', name: 'Contoso' })).status).toBe(201);
  const rows = Array.from(
    { length: CALLS },
    (_, i) => `${numberFor(i)},contoso,${i === BAD ? '' : `site-${i}`}`,
  );
  const imported = await fetch(`http://127.0.0.1:${sbc.adminPort}/api/v1/numbers/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
    body: ['number,customer,custom_header', ...rows].join('\n'),
  });
  expect(imported.status).toBe(200);
}, 30_000);

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await sbc?.close();
});

it('fails only the call whose lookup throws, with the fallback, and connects the other 99', async () => {
  const uas = await startUas(UAS, 1000);
  const uacPort = await freePort();
  const version = await sbc.activate(`ruleset one_percent
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
}
trunk callee {
  peers ["127.0.0.1:${uas.port}"]
}
table numbers = provisioning.numbers {
  header: string
}
on request INVITE from caller {
  let called = e164(ruri.user, country: "US") else reject 484 "Address Incomplete"
  let entry = numbers[called] else reject 404 "Not Provisioned"
  set header "X-Customer" = entry.header
  route callee
}
`);
  const dir = mkdtempSync(join(tmpdir(), 'numbers-'));
  const injection = join(dir, 'numbers.csv');
  writeFileSync(
    injection,
    ['SEQUENTIAL', ...Array.from({ length: CALLS }, (_, i) => `${numberFor(i)};`)].join('\n'),
  );
  const uac = await runUac(sbc.sipPort, {
    port: uacPort,
    scenario: UAC,
    calls: CALLS,
    rate: 50,
    extra: ['-inf', injection, '-timeout', '60s'],
  });
  expect(uac.successful).toBe(CALLS);

  const cdrs = sbc.cdrs();
  expect(cdrs).toHaveLength(CALLS);
  const failed = cdrs.filter((c) => c.status !== 200);
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({ status: 500, to: numberFor(BAD), ruleVersion: version });
  // The caller got the fallback: 500 with a Reason naming the rule that threw.
  const trace = messages(uac);
  const fallback = trace.slice(trace.indexOf('SIP/2.0 500'));
  expect(fallback).toMatch(/^Reason: SIP;cause=500;text="rule throw at main\.rules:\d+"/m);
  // The other calls reached the callee with the header the rule set.
  const atCallee = messages(await stopAndCollect(uas));
  expect(atCallee.match(/^X-Customer: site-\d+/gm)?.length).toBe(CALLS - 1);
  expect(atCallee).not.toContain(numberFor(BAD));
  // The failure is counted and listed, with its call and rule line.
  const errors = (await sbc.api('GET', '/api/v1/status/rule-errors')).json as Record<string, unknown>[];
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ version, kind: 'throw', callId: failed[0]!.callId });
  expect(String(errors[0]!.location)).toMatch(/^main\.rules:\d+/);
  expect(metricValue(await sbc.metrics(), 'sbc_rule_errors_total', { kind: 'throw' })).toBe(1);
}, 60_000);

/** Ends the callee (it serves any number of calls) and returns its run for its trace. */
async function stopAndCollect(uas: Awaited<ReturnType<typeof startUas>>) {
  uas.run.process.kill('SIGTERM');
  return uas.done;
}
