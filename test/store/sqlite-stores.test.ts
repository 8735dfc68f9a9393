/**
 * The embedded SQLite stores on real database files: the store contract every implementation
 * meets (support/contract.ts), then what is SQLite's own (WAL, reopen, shared file, schema).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openSqliteStores, SCHEMA_VERSION, type Stores } from '../../src/store/index.ts';
import { storeContract } from './support/contract.ts';

describe('SQLite stores: the store contract', () => {
  storeContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbc-store-'));
    const stores = openSqliteStores(dir);
    return {
      stores,
      async dispose() {
        stores.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

describe('SQLite stores: the file', () => {
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

  const files = (text: string) => ({ 'main.rules': text });

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

  it('is not a shared store: no activation feed', () => {
    expect(open().stores.onActivation).toBeUndefined();
  });
});
