/** The SQLite rule store on a real database file: numbering, immutability, the active pointer. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import {
  contentHash,
  DATABASE_FILE,
  NotFoundError,
  openSqliteStores,
  SCHEMA_VERSION,
  type Stores,
} from '../../src/store/index.ts';

const dirs: string[] = [];
const opened: Stores[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dir = mkdtempSync(join(tmpdir(), 'sbc-store-'))): { stores: Stores; dir: string } {
  if (!dirs.includes(dir)) dirs.push(dir);
  const stores = openSqliteStores(dir);
  opened.push(stores);
  return { stores, dir };
}

const files = (text: string) => ({ 'main.rules': text, 'lib/common.rules': '# shared' });

describe('SqliteRuleStore', () => {
  it('numbers versions 1, 2, 3 and keeps author, message, time, hash and files', async () => {
    const { stores } = open();
    const a = await stores.rules.addVersion({
      author: 'alice',
      message: 'first',
      entry: 'main.rules',
      files: files('a'),
    });
    const b = await stores.rules.addVersion({
      author: 'bob',
      message: 'second',
      entry: 'main.rules',
      files: files('b'),
    });
    expect([a.version, b.version]).toEqual([1, 2]);
    expect(b).toMatchObject({ author: 'bob', message: 'second', entry: 'main.rules' });
    expect(Date.parse(b.created_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(b.hash).toBe(contentHash('main.rules', files('b')));
    expect(b.hash).not.toBe(a.hash);
    expect(await stores.rules.getVersion(2)).toEqual(b);
    expect((await stores.rules.listVersions()).map((v) => v.version)).toEqual([1, 2]);
    expect(await stores.rules.getVersion(3)).toBeUndefined();
  });

  it('the content hash depends on every path and byte, not on key order', () => {
    expect(contentHash('m', { a: '1', b: '2' })).toBe(contentHash('m', { b: '2', a: '1' }));
    expect(contentHash('m', { a: '12', b: '' })).not.toBe(contentHash('m', { a: '1', b: '2' }));
    expect(contentHash('m', { a: '1' })).not.toBe(contentHash('n', { a: '1' }));
  });

  it('activation moves the pointer and records history with the previous version', async () => {
    const { stores } = open();
    for (const t of ['a', 'b', 'c'])
      await stores.rules.addVersion({ author: 'x', message: t, entry: 'main.rules', files: files(t) });
    expect(await stores.rules.active()).toBeUndefined();
    await stores.rules.activate(1, 'alice', 'activate');
    await stores.rules.activate(3, 'alice', 'activate');
    const back = await stores.rules.activate(1, 'bob', 'rollback');
    expect(back).toMatchObject({ version: 1, previous: 3, kind: 'rollback', actor: 'bob' });
    expect(await stores.rules.active()).toEqual(back);
    expect((await stores.rules.activations(10)).map((a) => [a.version, a.previous])).toEqual([
      [1, 3],
      [3, 1],
      [1, null],
    ]);
    expect((await stores.rules.activations(1)).length).toBe(1);
  });

  it('refuses to activate a version that does not exist, and leaves the pointer alone', async () => {
    const { stores } = open();
    await stores.rules.addVersion({ author: 'x', message: '', entry: 'main.rules', files: files('a') });
    await stores.rules.activate(1, 'x', 'activate');
    await expect(stores.rules.activate(7, 'x', 'activate')).rejects.toBeInstanceOf(NotFoundError);
    expect((await stores.rules.active())?.version).toBe(1);
    expect(await stores.rules.activations(10)).toHaveLength(1);
  });

  it('survives a reopen, in WAL mode with synchronous=FULL and the schema version recorded', async () => {
    const { stores, dir } = open();
    await stores.rules.addVersion({ author: 'x', message: 'kept', entry: 'main.rules', files: files('a') });
    await stores.rules.activate(1, 'x', 'activate');
    stores.close();
    const again = open(dir).stores;
    expect((await again.rules.getVersion(1))?.message).toBe('kept');
    expect((await again.rules.active())?.version).toBe(1);
    const raw = new DatabaseSync(join(dir, DATABASE_FILE), { readOnly: true });
    try {
      expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(raw.prepare('SELECT version FROM schema_version').get()).toEqual({ version: SCHEMA_VERSION });
    } finally {
      raw.close();
    }
  });

  it('two connections to one file never hand out the same version number', async () => {
    const { stores, dir } = open();
    const other = open(dir).stores;
    const made = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? stores : other).rules.addVersion({
          author: 'x',
          message: `${i}`,
          entry: 'main.rules',
          files: files(`${i}`),
        }),
      ),
    );
    expect(new Set(made.map((v) => v.version)).size).toBe(20);
  });

  it('refuses a database written by a newer SBC instead of misreading it', () => {
    const { stores, dir } = open();
    stores.close();
    const raw = new DatabaseSync(join(dir, DATABASE_FILE));
    raw.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
    raw.close();
    expect(() => openSqliteStores(dir)).toThrow(/newer than this SBC knows/);
  });
});
