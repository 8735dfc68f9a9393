// examples/zoom/run.sh and examples/teams/run.sh end to end (issue: interop profiles, item 5): the
// scripts an operator starts from, run as they are, on ports moved out of other tests' way.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { requireTool } from '../support/system-tools.ts';

async function runExample(name: string) {
  requireTool('sipp');
  requireTool('rtpengine');
  requireTool('curl');
  const rtpMin = 40_000 + Math.floor(Math.random() * 50) * 200;
  const env = {
    ...process.env,
    SIP_PORT: String(await freePort()),
    ADMIN_PORT: String(await freePort()),
    NG_PORT: String(await freePort()),
    RTP_MIN: String(rtpMin),
    RTP_MAX: String(rtpMin + 199),
  };
  const script = resolve(import.meta.dirname, `../../examples/${name}/run.sh`);
  return spawnSync('bash', [script], { encoding: 'utf8', env, timeout: 90_000 });
}

describe('examples', () => {
  it('zoom: a call each way through the shipped Zoom profile', async () => {
    const run = await runExample('zoom');
    expect(run.stdout, run.stderr).toContain('zoom-to-core: 1 of 1 answered');
    expect(run.stdout).toContain('core-to-zoom: 1 of 1 answered');
    expect(run.status, run.stderr).toBe(0);
  }, 100_000);

  it('teams: a call each way, and an anchored call refused', async () => {
    const run = await runExample('teams');
    expect(run.stdout, run.stderr).toContain('core-to-teams: 1 of 1 answered');
    expect(run.stdout).toContain('teams-to-core: 1 of 1 answered');
    expect(run.stdout).toContain('core-to-teams-anchored: refused, as it must be');
    expect(run.stdout).toMatch(/sbc_calls_total\{trunk="core",cause="482"\} 1/);
    expect(run.status, run.stderr).toBe(0);
  }, 100_000);
});
