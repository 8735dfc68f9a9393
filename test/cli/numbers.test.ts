/** `sbc numbers import|export` against a real `sbc run` process, with per-row errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../admin/support/admin.ts';
import { sbcConfig } from '../admin/support/sbc-config.ts';
import { runSbc, type SbcProcess, spawnSbc } from '../support/sbc-process.ts';

let sbc: SbcProcess;
let url: string;
let work: string;
const env = () => ({ SBC_ADMIN_TOKEN: ADMIN_TOKEN, SBC_URL: url });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sbc-cli-numbers-'));
  const { yaml, adminPort } = await sbcConfig(join(work, 'data'));
  url = `http://127.0.0.1:${adminPort}`;
  const config = join(work, 'sbc.yaml');
  writeFileSync(config, yaml);
  sbc = spawnSbc(['run', '--config', config], { SBC_ADMIN_TOKEN: ADMIN_TOKEN });
  await sbc.waitFor(/"msg":"SBC started"/);
  const made = await fetch(`${url}/api/v1/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'acme', name: 'Acme' }),
  });
  expect(made.status).toBe(201);
});
afterAll(() => {
  sbc.kill();
  rmSync(work, { recursive: true, force: true });
});

describe('sbc numbers', () => {
  it('imports a CSV, and exports what it holds in the same format', async () => {
    const file = join(work, 'numbers.csv');
    writeFileSync(
      file,
      'number,customer,zoom,custom_header\n+14155550100,acme,true,acme-hq\n+14155550101,acme,false,\n',
    );
    expect(await runSbc(['numbers', 'import', file], env())).toMatchObject({
      code: 0,
      stdout: '2 created, 0 updated, 0 rejected\n',
    });
    const exported = await runSbc(['numbers', 'export', '--customer', 'acme'], env());
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe(
      [
        'number,customer,zoom,teams_direct_routing,operator_connect,teams_phone_mobile,custom_header',
        '+14155550100,acme,true,false,false,false,acme-hq',
        '+14155550101,acme,false,false,false,false,',
        '',
      ].join('\n'),
    );
  });

  it('reports each bad row as FILE:LINE and exits 1; --partial stores the good ones', async () => {
    const file = join(work, 'bad.csv');
    writeFileSync(file, 'number,customer\n+14155550200,acme\n4155550201,acme\n+14155550202,nobody\n');
    const all = await runSbc(['numbers', 'import', file], env());
    expect(all.code).toBe(1);
    expect(all.stderr).toContain(`${file}:3: 4155550201: '4155550201' is not an E.164 number`);
    expect(all.stderr).toContain(`${file}:4: +14155550202: customer 'nobody' does not exist`);
    expect(all.stderr).toContain('nothing was imported');
    const partial = await runSbc(['numbers', 'import', '--partial', file], env());
    expect(partial).toMatchObject({ code: 1, stdout: '1 created, 0 updated, 2 rejected\n' });
    expect((await runSbc(['numbers', 'export'], env())).stdout).toContain('+14155550200,acme');
  });

  it('a missing file is a usage error', async () => {
    expect(await runSbc(['numbers', 'import', join(work, 'none.csv')], env())).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('cannot read'),
    });
  });
});
