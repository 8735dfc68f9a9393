// Hot reload under load (issue 9 item 10): sipp at 100 calls/s for 30 s through a running SBC
// while 10 rule versions are activated one after another. Each version marks the messages it
// touches with its own X-Rule-Version, so the far ends' traces show which version handled each
// call: no call may fail, every call must carry exactly one version, and that version must be the
// one active when the call's INVITE went through the SBC.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { freePort } from '../edge/support/ports.ts';
import { settle, startSipp, stopAll } from '../edge/support/sipp.ts';
import { type SbcUnderTest, startSbcUnderTest } from '../support/sbc-under-test.ts';
import { scenarioArgs, wait } from '../core/support.ts';
import { type TracedMessage, tracedMessages } from './support/sip-trace.ts';

// LOAD_RATE / LOAD_SECONDS / LOAD_ACTIVATIONS shrink the run for a quick local try; the defaults are the requirement.
const RATE = Number(process.env.LOAD_RATE ?? 100);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const CALLS = RATE * SECONDS;
const ACTIVATIONS = Number(process.env.LOAD_ACTIVATIONS ?? 10);
/** ~3 s apart, the last one well before the traffic ends. */
const INTERVAL_MS = Math.round((SECONDS * 1000) / (ACTIVATIONS + 1));
/** A call pinned its version somewhere between the caller's INVITE and its arrival at the far end. */
const PIN_TOLERANCE_MS = 1000;

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

function rules(mark: string, uacPort: number, uasPort: number): string {
  return `ruleset load_${mark}
trunk caller {
  peers ["127.0.0.1:${uacPort}"]
}
trunk core {
  peers ["127.0.0.1:${uasPort}"]
}
on request INVITE from caller {
  set header "X-Rule-Version" = "${mark}"
  route core
}
on request BYE in dialog {
  set header "X-Rule-Version" = "${mark}"
}
on response 18x, 2xx from core {
  set header "X-Rule-Version" = "${mark}"
}
`;
}

async function upload(text: string): Promise<number> {
  const r = await sbc.api('POST', '/api/v1/rulesets/versions', { files: { 'main.rules': text } });
  if (r.status !== 201) throw new Error(`upload: ${r.status} ${r.text}`);
  return (r.json as { version: { version: number } }).version.version;
}

async function activate(version: number): Promise<void> {
  const r = await sbc.api('POST', '/api/v1/rulesets/activate', { version });
  if (r.status !== 200) throw new Error(`activate: ${r.status} ${r.text}`);
}

function byCall(messages: TracedMessage[]): Map<string, TracedMessage[]> {
  const calls = new Map<string, TracedMessage[]>();
  for (const m of messages) calls.set(m.callId, [...(calls.get(m.callId) ?? []), m]);
  return calls;
}

/** Marks a call's messages carry; the relayed INVITE (or its responses) must carry one. */
function marksOf(messages: TracedMessage[]): string[] {
  return [...new Set(messages.map((m) => m.header('X-Rule-Version')).filter((v) => v !== undefined))];
}

it('100 calls/s for 30 s across 10 activations: no failed call, each call on exactly the version active at its start', async () => {
  const uacPort = await freePort();
  const uasPort = await freePort();
  const marks = Array.from({ length: ACTIVATIONS + 1 }, (_, i) => `v${i}`);
  const versions = new Map<number, string>();
  for (const mark of marks) versions.set(await upload(rules(mark, uacPort, uasPort)), mark);
  const numbers = [...versions.keys()];
  await activate(numbers[0]!);

  const sipp = (args: string[]) => startSipp([...args, '-timeout', '90s', '-trace_msg'], 90_000);
  const uas = sipp([...scenarioArgs('uas'), '-i', '127.0.0.1', '-p', String(uasPort), '-m', String(CALLS)]);
  await settle();
  const uac = sipp([
    `127.0.0.1:${sbc.sipPort}`,
    ...scenarioArgs('uac'),
    '-s',
    '1000',
    '-i',
    '127.0.0.1',
    '-p',
    String(uacPort),
    '-r',
    String(RATE),
    '-m',
    String(CALLS),
    '-d',
    '200',
  ]);
  for (const version of numbers.slice(1)) {
    await wait(INTERVAL_MS);
    await activate(version);
  }
  const [caller, callee] = await Promise.all([uac.done, uas.done]);
  expect(caller.failed, caller.stderr).toBe(0);
  expect(caller.successful).toBe(CALLS);

  // Activation history, oldest first: [time the version became active, version].
  const history = (
    (await sbc.api('GET', '/api/v1/rulesets/activations?limit=100')).json as Array<{
      version: number;
      at: string;
    }>
  )
    .filter((a) => versions.has(a.version))
    .map((a) => ({ at: Date.parse(a.at), mark: versions.get(a.version)! }))
    .sort((a, b) => a.at - b.at);
  expect(history.map((h) => h.mark)).toEqual(marks);
  const activeAt = (time: number) => history.filter((h) => h.at <= time).at(-1)?.mark ?? marks[0];

  // The far end: each call's INVITE and BYE carry one mark, the one active when the INVITE passed.
  const atCallee = byCall(tracedMessages(callee).filter((m) => m.direction === 'received'));
  expect(atCallee.size).toBe(CALLS);
  const seen = new Set<string>();
  const wrong: string[] = [];
  for (const [callId, messages] of atCallee) {
    const found = marksOf(messages);
    const invite = messages.find((m) => m.startLine.startsWith('INVITE '));
    expect(invite?.header('X-Rule-Version'), callId).toBeDefined();
    expect(messages.find((m) => m.startLine.startsWith('BYE '))?.header('X-Rule-Version'), callId).toBe(
      found[0],
    );
    expect(found, callId).toHaveLength(1);
    const mark = found[0]!;
    seen.add(mark);
    const at = invite!.time;
    if (mark !== activeAt(at) && mark !== activeAt(at - PIN_TOLERANCE_MS))
      wrong.push(`${callId}: ${mark} at ${new Date(at).toISOString()}, active ${activeAt(at)}`);
  }
  expect(wrong).toEqual([]);
  // Every version took calls: the activations really happened under traffic.
  expect([...seen].sort()).toEqual([...marks].sort());

  // The caller's side: the responses of each call carry exactly one mark too.
  const atCaller = byCall(tracedMessages(caller).filter((m) => m.direction === 'received'));
  expect(atCaller.size).toBe(CALLS);
  for (const [callId, messages] of atCaller) expect(marksOf(messages), callId).toHaveLength(1);
}, 60_000);
