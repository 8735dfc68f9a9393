// examples/quickstart/run.sh end to end (issue item 11): the SBC on its default ports, the
// quickstart rule set, sipp UAS on 127.0.0.1:5080 and UAC against 127.0.0.1:5060.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { requireTool } from '../support/system-tools.ts';

it('routes the quickstart calls from 127.0.0.1:5060 to the peer at 127.0.0.1:5080', () => {
  requireTool('sipp');
  requireTool('curl');
  const script = resolve(import.meta.dirname, '../../examples/quickstart/run.sh');
  const run = spawnSync('bash', [script], {
    encoding: 'utf8',
    env: { ...process.env, CALLS: '5' },
    timeout: 60_000,
  });
  expect(run.stdout).toContain('calls: 5 placed, 5 answered, 0 failed');
  expect(run.stdout).toMatch(/sbc_calls_total\{trunk="callers",cause="200"\} 5/);
  expect(run.status).toBe(0);
}, 70_000);
