/**
 * `sbc run --watch DIR` as a real process: what is in DIR is loaded at start, every save of a clean
 * rule set becomes a new active version (author `watch`), and a save with errors is logged with
 * its diagnostics while the running version stays.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runSbc, type SbcProcess, spawnSbc } from '../support/sbc-process.ts';
import { sbcConfig } from './support/sbc-config.ts';

const TOKEN = 'watch-test-token-0123456789abcdef';
const started: SbcProcess[] = [];
afterEach(() => {
  for (const proc of started.splice(0)) proc.kill();
});

const rules = (extra: string) => `ruleset watched
trunk core {
  peers ["10.0.0.10:5060"]
}
on request INVITE {
  ${extra}
  route core
}
`;

interface Version {
  version: number;
  author: string;
  message: string;
  active: boolean;
}

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'g'))?.length ?? 0;

it('loads DIR at start, activates each clean save, keeps the running version on a broken one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sbc-watch-'));
  const rulesDir = join(dir, 'rules');
  const main = join(rulesDir, 'main.rules');
  mkdirSync(rulesDir);
  writeFileSync(main, rules('set header "X-Edit" = "0"'));
  const { yaml, adminPort } = await sbcConfig(join(dir, 'data'), { token: TOKEN });
  writeFileSync(join(dir, 'sbc.yaml'), yaml);
  const proc = spawnSbc(['run', '-c', join(dir, 'sbc.yaml'), '--watch', rulesDir]);
  started.push(proc);
  const output = () => proc.stdout() + proc.stderr();
  const activations = () => count(output(), /watched rule set activated/);
  const until = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const versions = async () => {
    const res = await fetch(`http://127.0.0.1:${adminPort}/api/v1/rulesets/versions`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return (await res.json()) as Version[];
  };

  // Start: version 1 is the shipped default, version 2 what DIR holds.
  await until(() => activations() === 1, 'the start-up load');
  let list = await versions();
  expect(list.find((v) => v.active)).toMatchObject({ version: 2, author: 'watch' });

  // A save: a new version, active, whose message names the file.
  writeFileSync(main, rules('set header "X-Edit" = "1"'));
  await until(() => activations() === 2, 'the reload after a save');
  list = await versions();
  expect(list).toHaveLength(3);
  expect(list.find((v) => v.active)).toMatchObject({
    version: 3,
    author: 'watch',
    message: 'watch: changed main.rules',
  });

  const audit = output()
    .split('\n')
    .filter((l) => l.includes('watched rule set activated'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(audit.at(-1)).toMatchObject({ audit: true, action: 'rules.activate', target: 'v3', actor: 'watch' });

  // A broken save: diagnostics logged as file:line:col code message; nothing stored, v3 stays.
  writeFileSync(main, rules('route nowhere'));
  await until(() => /stays active/.test(output()), 'the diagnostics');
  expect(output()).toMatch(/main\.rules:\d+:\d+ E\d+ [^"]*nowhere/);
  expect(output()).toMatch(/version 3 stays active/);
  list = await versions();
  expect(list).toHaveLength(3);
  expect(list.find((v) => v.active)?.version).toBe(3);

  // Fixed: activated again.
  writeFileSync(main, rules('set header "X-Edit" = "2"'));
  await until(() => activations() === 3, 'the reload after the fix');
  list = await versions();
  expect(list.find((v) => v.active)).toMatchObject({ version: 4, author: 'watch' });
  // The gauge follows activations that did not come through the API.
  const metrics = await fetch(`http://127.0.0.1:${adminPort}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(await metrics.text()).toMatch(/^sbc_rule_active_version 4$/m);

  proc.child.kill('SIGTERM');
  expect(await proc.exited).toBe(0);
}, 40_000);

it('refuses a --watch path that is not a directory (exit 2)', async () => {
  const r = await runSbc(['run', '--watch', '/nonexistent/rules']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--watch: /nonexistent/rules is not a directory');
});
