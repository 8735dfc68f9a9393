/**
 * `sbc run` as a real process: it starts, serves /health, and stops cleanly
 * on SIGINT/SIGTERM within 2 s; bad configs and busy ports fail before
 * anything listens, with one clear message.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, waitForHttp } from '../support/ports.ts';
import { runSbc, type SbcProcess, spawnSbc } from '../support/sbc-process.ts';

const started: SbcProcess[] = [];
afterEach(() => {
  for (const proc of started.splice(0)) proc.kill();
});

/** A config file in a fresh temp dir; unless the text names one, its data dir is there too. */
function writeConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sbc-run-'));
  const file = join(dir, 'sbc.yaml');
  writeFileSync(file, /^data:/m.test(text) ? text : `${text}\ndata:\n  dir: ${join(dir, 'data')}\n`);
  return file;
}

async function startOn(port: number, extraArgs: string[] = []): Promise<SbcProcess> {
  const config = writeConfig(`log:\n  format: json\nadmin:\n  listen:\n    port: ${port}\n`);
  const proc = spawnSbc(['run', '--config', config, ...extraArgs]);
  started.push(proc);
  await proc.waitFor(/"msg":"SBC started"/);
  return proc;
}

describe('sbc run', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`serves /health, then exits 0 within 2 s of ${signal}`, async () => {
      const port = await freePort();
      const proc = await startOn(port);

      const listening = proc
        .stdout()
        .split('\n')
        .find((line) => line.includes('admin API listening'));
      expect(JSON.parse(listening ?? '{}')).toMatchObject({ url: `http://127.0.0.1:${port}`, level: 30 });

      const response = await fetch(`http://127.0.0.1:${port}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok', version: expect.any(String) });

      const sentAt = performance.now();
      proc.child.kill(signal);
      expect(await proc.exited).toBe(0);
      expect(performance.now() - sentAt).toBeLessThan(2000);
      expect(proc.stdout()).toContain('"msg":"stopped"');
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    });
  }

  it('--log-level overrides the configured level', async () => {
    const port = await freePort();
    const config = writeConfig(`log:\n  level: debug\nadmin:\n  listen:\n    port: ${port}\n`);
    const quiet = spawnSbc(['run', '--log-level', 'warn', '--config', config]);
    started.push(quiet);
    // Nothing at info is written, so wait for the health endpoint instead of a log line.
    await waitForHttp(`http://127.0.0.1:${port}/health`);
    quiet.child.kill('SIGTERM');
    expect(await quiet.exited).toBe(0);
    expect(quiet.stdout()).toBe('');
  });

  it('a port already in use: one clear line naming it, exit 1', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolveListen) => blocker.listen(port, '127.0.0.1', resolveListen));
    try {
      const config = writeConfig(`log:\n  format: json\nadmin:\n  listen:\n    port: ${port}\n`);
      const result = await runSbc(['run', '--config', config]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `sbc: cannot listen on 127.0.0.1:${port} (admin.listen): address already in use\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it('a bad config prints every problem with file:line and exits 2 before opening any socket', async () => {
    const port = await freePort();
    const config = writeConfig(
      [
        'admin:',
        '  listen:',
        `    port: ${port}`,
        '  tokn: x',
        'sip:',
        '  listen:',
        '    - port: "50x0"',
      ].join('\n'),
    );
    const result = await runSbc(['run', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `${config}:4 admin.tokn: unknown key (did you mean "token"?)`,
      `${config}:7 sip.listen[0].port: expected a number 1–65535, got "50x0"`,
    ]);
    expect(result.stdout).toBe('');
    // The admin port was never bound.
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('--print-config prints the effective config with secrets masked', async () => {
    const result = await runSbc(['run', '--print-config'], { SBC_ADMIN_TOKEN: 'secret-admin-token-123' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('port: 8080');
    expect(result.stdout).toContain('token: "********"');
    expect(result.stdout).not.toContain('secret-admin-token-123');
  });
});

describe('sbc command line', () => {
  it('--version prints the package version', async () => {
    const result = await runSbc(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help lists the registered commands', async () => {
    const result = await runSbc(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('run [options]');
  });

  it('an unknown command is a usage error: message and exit 2', async () => {
    const result = await runSbc(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it('an unknown flag is a usage error: message and exit 2', async () => {
    const result = await runSbc(['run', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus'");
  });

  it('a bad --log-level is a usage error', async () => {
    const result = await runSbc(['run', '--log-level', 'loud']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--log-level must be one of');
  });

  it('runs on Node 24 even when an older node is first on PATH', async () => {
    const port = await freePort();
    const config = writeConfig(`admin:\n  listen:\n    port: ${port}\n`);
    const proc = spawnSbc(['run', '--config', config], { PATH: `/usr/bin:${process.env.PATH}` });
    started.push(proc);
    await proc.waitFor(/SBC started/);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { node: string };
    expect(health.node).toMatch(/^v24\./);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});

describe('sbc run start-up failures', () => {
  it('an unusable data directory: one line naming data.dir, exit 1', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sbc-run-')), 'not-a-dir');
    writeFileSync(file, 'a file, not a directory');
    const config = writeConfig(`data:\n  dir: ${file}\nadmin:\n  listen:\n    port: ${await freePort()}\n`);
    const result = await runSbc(['run', '--config', config]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sbc: cannot open the data directory .*\(data\.dir\)/);
  });
});
