/** `sbc preview` through the real launcher (bin/sbc on Node 24 with --no-node-snapshot). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PreviewResult } from '../../src/core/effects/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const RULES = 'test/runtime/fixtures/zoom';
const TABLES = 'bench/fixtures/zoom/tables.yaml';

function sbc(...args: string[]) {
  const r = spawnSync(join(ROOT, 'bin/sbc'), args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('sbc preview', () => {
  it('shows the resulting message, the diff, the decisions and the trace with file:line', () => {
    const r = sbc(
      'preview',
      RULES,
      '--message',
      'examples/messages/zoom-invite.sip',
      '--source',
      '162.12.233.59:5061',
      '--tables',
      TABLES,
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('hook request-in  trunk zoom_sj');
    expect(r.out).toMatch(/== Trace\n {2}test\/runtime\/fixtures\/zoom\/main\.rules:45:1 {2}handler h0/);
    expect(r.out).toContain(
      '-INVITE sip:+14085551212@203.0.113.10:5061 SIP/2.0\n+INVITE sip:+14085551212@10.0.0.10:5060 SIP/2.0',
    );
    expect(r.out).toContain('-X-Zoom-Site: US-West');
    expect(r.out).toContain('  route trunk core');
    expect(r.out).toContain('== Result\nINVITE sip:+14085551212@10.0.0.10:5060 SIP/2.0\n');
  });

  it('gives everything as one JSON object with --json', () => {
    const r = sbc(
      'preview',
      RULES,
      '--message',
      'examples/messages/teams-invite.sip',
      '--trunk',
      'zoom_sj',
      '--json',
      '--tables',
      TABLES,
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as PreviewResult;
    expect(j.trunk).toBe('zoom_sj');
    expect(j.decisions.reject).toMatchObject({
      code: 404,
      reason: 'Number not provisioned',
      at: { line: 49 },
    });
    expect(j.output).toEqual({
      kind: 'response',
      statusLine: 'SIP/2.0 404 Number not provisioned',
      headers: [],
    });
    expect(j.trace[0]).toMatchObject({ kind: 'handler', at: { file: `${RULES}/main.rules`, line: 45 } });
    expect(j.diff).toBe('');
  });

  it('runs response hooks and picks the hook from the message', () => {
    const r = sbc(
      'preview',
      RULES,
      '--message',
      'examples/messages/180-ringing-no-sdp.sip',
      '--source',
      '10.0.0.10:5060',
      '--json',
    );
    const j = JSON.parse(r.out) as PreviewResult;
    expect(j.hook).toBe('response');
    expect(j.decisions.media).toEqual([
      { leg: 'inbound', policy: { ringback: 'inject' }, at: expect.objectContaining({ line: 86 }) },
    ]);
  });

  it('reports a message file that is not SIP with its line, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbc-preview-'));
    const bad = join(dir, 'bad.sip');
    writeFileSync(bad, 'INVITE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\nnot a header\n\n');
    const r = sbc('preview', RULES, '--message', bad);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`sbc preview: ${bad}:3: not a header line ('Name: value'): "not a header"\n`);
  });

  it('prints the compiler diagnostics for a rule set with errors, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbc-preview-'));
    writeFileSync(join(dir, 'main.rules'), 'on request INVITE {\n  route nowhere\n}\n');
    const r = sbc('preview', dir, '--message', 'examples/messages/bye.sip');
    expect(r.code).toBe(1);
    expect(r.err).toContain('main.rules:2:9: error E303');
    expect(r.out).toBe('');
  });

  it('runs the failure hook with the given status', () => {
    const r = sbc(
      'preview',
      RULES,
      '--message',
      'examples/messages/carrier-invite-late-offer.sip',
      '--hook',
      'failure',
      '--failure',
      '486',
      '--json',
    );
    const j = JSON.parse(r.out) as PreviewResult;
    expect(j.context.failure).toEqual({ status: 486, reason: '', timeout: false, trunk: '' });
    expect(j.decisions.logs[0]?.message).toBe('attempt failed with 486');
  });

  it('refuses bad options with exit 2', () => {
    expect(sbc('preview', RULES, '--message', 'examples/messages/bye.sip', '--failure', '200').code).toBe(2);
    expect(sbc('preview', RULES, '--message', 'examples/messages/bye.sip', '--hook', 'sideways').code).toBe(
      2,
    );
    expect(sbc('preview', RULES, '--message', 'examples/messages/bye.sip', '--source', 'nope').code).toBe(2);
    expect(sbc('preview', RULES, '--message', 'no/such/file.sip').code).toBe(2);
    expect(sbc('preview', RULES).code).toBe(2);
  });
});
