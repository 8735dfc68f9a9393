// Issue 11 item 3: the SBC killed with SIGKILL and started again on the same data directory. Before
// the kill: customers, numbers (CSV import), a token, four rule-set versions with the third one
// active, and then 60 number writes in flight when the kill lands. After the restart, every rule
// version (number and hash), the active version and the activation history are as they were, all
// provisioning is there including every write the API had acknowledged (docs/stores.md:
// synchronous=FULL), the token still works, the database passes SQLite's integrity check, and a
// call is handled by the restored active version.

import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, expect, it } from 'vitest';
import { sendUdpRequest } from '../fuzz/support/sip-client.ts';
import { TOKEN } from '../support/sbc-under-test.ts';
import { type SbcNode, startSbcNode } from './support/sbc-node.ts';

let first: SbcNode | undefined;
let second: SbcNode | undefined;

afterAll(async () => {
  await first?.close();
  await second?.close();
});

const rules = (name: string) => `ruleset version_${name.toLowerCase()}
trunk callers {
  peers ["127.0.0.1:5070"]
  sources [127.0.0.1/32]
}
on request INVITE from callers {
  reject 486 "Version ${name}"
}
`;

const numberFor = (i: number) => `+1415555${String(1000 + i).padStart(4, '0')}`;

/** Everything the restart must keep, as the API shows it. */
async function state(sbc: SbcNode) {
  const get = async (path: string) => {
    const r = await sbc.api('GET', path);
    expect(r.status, `${path}: ${r.text}`).toBe(200);
    return r.json;
  };
  return {
    versions: await get('/api/v1/rulesets/versions'),
    active: await get('/api/v1/rulesets/active'),
    activations: await get('/api/v1/rulesets/activations'),
    customers: await get('/api/v1/customers'),
    numbers: await get('/api/v1/numbers?limit=1000'),
    tokens: await get('/api/v1/tokens'),
  };
}

it('keeps provisioning, rule versions and the active version across SIGKILL and restart', async () => {
  first = await startSbcNode();
  const sbc = first;
  for (const id of ['contoso', 'fabrikam'])
    expect((await sbc.api('POST', '/api/v1/customers', { id, name: id })).status).toBe(201);
  const csv = ['number,customer,zoom,custom_header']
    .concat(
      Array.from({ length: 50 }, (_, i) => `${numberFor(i)},${i % 2 ? 'contoso' : 'fabrikam'},true,hq-${i}`),
    )
    .join('\n');
  const imported = await fetch(`http://127.0.0.1:${sbc.adminPort}/api/v1/numbers/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
    body: csv,
  });
  expect(imported.status).toBe(200);
  const token = await sbc.api('POST', '/api/v1/tokens', { name: 'ops', role: 'operator' });
  expect(token.status).toBe(201);
  const secret = (token.json as { token: string }).token;
  const versions = [];
  for (const name of ['Two', 'Three', 'Four']) versions.push(await sbc.upload(rules(name)));
  expect(versions).toEqual([2, 3, 4]);
  expect((await sbc.api('POST', '/api/v1/rulesets/activate', { version: 3 })).status).toBe(200);
  const before = await state(sbc);

  // 60 writes in flight; the kill lands once 15 are acknowledged (here typically 17–32 of the 60
  // had been when it did).
  const acknowledged: string[] = [];
  const writes = Array.from({ length: 60 }, async (_, i) => {
    const number = numberFor(500 + i);
    const r = await sbc
      .api('POST', '/api/v1/numbers', { number, customer: 'contoso' })
      .catch(() => undefined);
    if (r?.status === 201) acknowledged.push(number);
  });
  while (acknowledged.length < 15) await new Promise((r) => setTimeout(r, 5));
  await sbc.kill9();
  expect(await sbc.proc.exited).toBe('SIGKILL');
  await Promise.all(writes);
  expect(acknowledged.length).toBeGreaterThanOrEqual(15);

  second = await startSbcNode({ reuse: sbc });
  expect(second.proc.stdout()).toMatch(/"version":3,"hash":"[^"]+","msg":"rule set restored"/);
  const after = await state(second);
  expect(after.versions).toEqual(before.versions);
  expect(after.active).toEqual(before.active);
  expect(after.activations).toEqual(before.activations);
  expect(after.customers).toEqual(before.customers);
  expect(after.tokens).toEqual(before.tokens);
  const numbers = (after.numbers as { number: string }[]).map((n) => n.number);
  const earlier = (before.numbers as { number: string }[]).map((n) => n.number);
  expect(numbers).toEqual(expect.arrayContaining([...earlier, ...acknowledged]));
  // The token made before the kill still authenticates.
  const whoami = await fetch(`http://127.0.0.1:${second.adminPort}/api/v1/whoami`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(whoami.status).toBe(200);
  // The database file is sound.
  const db = new DatabaseSync(join(second.dir, 'data', 'sbc.sqlite'), { readOnly: true });
  try {
    expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
  } finally {
    db.close();
  }
  // Calls run on the restored active version.
  const answer = await sendUdpRequest(second.sipPort, (port) =>
    [
      `INVITE sip:+14155551000@127.0.0.1:${second!.sipPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-restart`,
      'Max-Forwards: 70',
      'From: <sip:+12125550100@127.0.0.1>;tag=r1',
      'To: <sip:+14155551000@127.0.0.1>',
      'Call-ID: after-restart@faults',
      'CSeq: 1 INVITE',
      `Contact: <sip:caller@127.0.0.1:${port}>`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
  expect(answer.statusLines.at(-1)).toBe('SIP/2.0 486 Version Three');
}, 60_000);
