/**
 * `sbc rules …` against a real `sbc run` process: push a file and a directory, compile errors
 * printed with file:line:column, list, diff, activate, rollback; URL and token from flags or env.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, ZOOM_RULES } from '../admin/support/admin.ts';
import { sbcConfig } from '../admin/support/sbc-config.ts';
import { runSbc, type SbcProcess, spawnSbc } from '../support/sbc-process.ts';

let sbc: SbcProcess;
let url: string;
let work: string;
const env = () => ({ SBC_ADMIN_TOKEN: ADMIN_TOKEN, SBC_URL: url });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sbc-cli-rules-'));
  const { yaml, adminPort } = await sbcConfig(join(work, 'data'));
  url = `http://127.0.0.1:${adminPort}`;
  const config = join(work, 'sbc.yaml');
  writeFileSync(config, yaml);
  sbc = spawnSbc(['run', '--config', config], { SBC_ADMIN_TOKEN: ADMIN_TOKEN });
  await sbc.waitFor(/"msg":"SBC started"/);
});
afterAll(() => {
  sbc.kill();
  rmSync(work, { recursive: true, force: true });
});

describe('sbc rules', () => {
  it('push, list, diff, activate and rollback', async () => {
    const file = join(work, 'zoom.rules');
    writeFileSync(file, ZOOM_RULES);
    const first = await runSbc(['rules', 'push', file, '-m', 'first cut'], env());
    expect(first.stdout).toMatch(/^stored version 2 \(sha256:[0-9a-f]{64}\)\n$/);
    expect(first.code).toBe(0);

    const dir = join(work, 'set');
    mkdirSync(join(dir, 'lib'), { recursive: true });
    writeFileSync(join(dir, 'lib', 'trunks.rules'), 'trunk core {\n  peers ["10.0.0.10:5060"]\n}\n');
    writeFileSync(
      join(dir, 'main.rules'),
      'ruleset bundle\n\nimport "lib/trunks.rules"\n\non request INVITE {\n  route core\n}\n',
    );
    const second = await runSbc(['rules', 'push', dir, '--message', 'bundle'], env());
    expect(second).toMatchObject({ code: 0, stdout: expect.stringMatching(/^stored version 3 /) });

    // Flags win over the environment.
    const activated = await runSbc(['rules', 'activate', '3', '--url', url, '--token', ADMIN_TOKEN], {
      SBC_URL: 'http://127.0.0.1:9',
    });
    expect(activated).toMatchObject({ code: 0, stdout: 'version 3 active (was 1)\n' });
    expect(await runSbc(['rules', 'activate', '2'], env())).toMatchObject({
      code: 0,
      stdout: 'version 2 active (was 3)\n',
    });

    const list = await runSbc(['rules', 'list'], env());
    const lines = list.stdout.trimEnd().split('\n');
    // Version 1 is the shipped default rule set a fresh data directory starts with.
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ {5}1 {2}\S+Z {2}sbc {2}default rule set$/);
    expect(lines[1]).toMatch(/^\* {4}2 {2}\S+Z {2}bootstrap {2}first cut$/);
    expect(lines[2]).toMatch(/^ {5}3 .* bundle$/);

    const diff = await runSbc(['rules', 'diff', '2', '3'], env());
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('--- a/zoom.rules\tv2\n+++ /dev/null\tv3');
    expect(diff.stdout).toContain('+++ b/lib/trunks.rules\tv3');

    expect(await runSbc(['rules', 'rollback'], env())).toMatchObject({
      code: 0,
      stdout: 'version 3 active (was 2)\n',
    });
    expect(await runSbc(['rules', 'rollback', '1'], env())).toMatchObject({
      code: 0,
      stdout: 'version 1 active (was 3)\n',
    });
  });

  it('compile errors are printed as file:line:column and exit 1; nothing is stored', async () => {
    const file = join(work, 'broken.rules');
    writeFileSync(file, ZOOM_RULES.replace('route core', 'route nowhere'));
    const before = (await runSbc(['rules', 'list'], env())).stdout;
    const r = await runSbc(['rules', 'push', file], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^broken\.rules:\d+:\d+: error E\d+: .*nowhere/m);
    expect(r.stderr).toContain('nothing was stored');
    expect((await runSbc(['rules', 'list'], env())).stdout).toBe(before);
  });

  it('refusals are one line and exit 1; bad arguments exit 2', async () => {
    expect(await runSbc(['rules', 'activate', '99'], env())).toMatchObject({
      code: 1,
      stderr: 'sbc: rule set version 99 does not exist\n',
    });
    expect(
      await runSbc(['rules', 'list'], { SBC_URL: url, SBC_ADMIN_TOKEN: 'not-a-valid-token' }),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('a valid bearer token is needed'),
    });
    expect(await runSbc(['rules', 'activate', 'two'], env())).toMatchObject({
      code: 2,
      stderr: "sbc: 'two' is not a version number\n",
    });
    expect((await runSbc(['rules', 'push', join(work, 'missing')], env())).code).toBe(2);
    expect(
      await runSbc(['rules', 'list'], { SBC_ADMIN_TOKEN: ADMIN_TOKEN, SBC_URL: 'http://127.0.0.1:9' }),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('cannot reach the SBC at http://127.0.0.1:9'),
    });
  });
});
