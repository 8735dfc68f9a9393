/**
 * Durability under kill -9 (issue 9 item 3): a child process writes versions, activations and
 * numbers; it is SIGKILLed at random moments; after each kill the store reopens consistent:
 * every acknowledged write is there, every version is complete (its files hash to its hash),
 * and the active pointer names a complete version and agrees with the activation history.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash, DATABASE_FILE, openSqliteStores } from '../../src/store/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const NODE = join(ROOT, 'node_modules/node/bin/node');
const WRITER = join(import.meta.dirname, 'support/crash-writer.ts');
const dir = mkdtempSync(join(tmpdir(), 'sbc-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer, kills it `delayMs` after it is ready, and returns the lines it acknowledged. */
function writeThenKill(round: number, delayMs: number): Promise<string[]> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(NODE, [WRITER, dir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (timer === undefined && out.includes('ready\n'))
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return rejectRun(new Error(`writer ended without being killed: ${err}`));
      // A line cut by the kill was never a complete acknowledgement.
      resolveRun(
        out
          .split('\n')
          .slice(0, -1)
          .filter((l) => l !== 'ready'),
      );
    });
  });
}

describe('SQLite stores under kill -9', () => {
  it('lose no acknowledged write and never leave a half-activated version', async () => {
    const acked = {
      versions: new Map<number, string>(),
      activations: new Map<number, number>(),
      numbers: [] as string[],
    };
    for (let round = 0; round < 6; round++) {
      const lines = await writeThenKill(round, 80 + Math.floor(Math.random() * 400));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        const [kind, a, b] = line.split(' ');
        if (kind === 'V') acked.versions.set(Number(a), b ?? '');
        else if (kind === 'A') acked.activations.set(Number(a), Number(b));
        else if (kind === 'N') acked.numbers.push(a ?? '');
      }

      const raw = new DatabaseSync(join(dir, DATABASE_FILE));
      expect(raw.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      raw.close();

      const stores = openSqliteStores(dir);
      try {
        for (const [version, hash] of acked.versions) {
          const stored = await stores.rules.getVersion(version);
          expect(stored?.hash, `version ${version}`).toBe(hash);
        }
        // Every stored version is whole, including one written but not yet acknowledged.
        for (const summary of await stores.rules.listVersions()) {
          const full = await stores.rules.getVersion(summary.version);
          expect(full && contentHash(full.entry, full.files)).toBe(summary.hash);
        }
        const history = await stores.rules.activations(1_000_000);
        const byId = new Map(history.map((a) => [a.id, a.version]));
        for (const [id, version] of acked.activations) expect(byId.get(id), `activation ${id}`).toBe(version);
        const active = await stores.rules.active();
        if (acked.activations.size > 0) {
          expect(active).toEqual(history[0]);
          expect(await stores.rules.getVersion(active?.version ?? -1)).toBeDefined();
        }
        for (const number of acked.numbers)
          expect(await stores.provisioning.getNumber(number), number).toBeDefined();
      } finally {
        stores.close();
      }
    }
    expect(acked.versions.size).toBeGreaterThan(5);
    expect(acked.activations.size).toBeGreaterThan(5);
  }, 60_000);
});
