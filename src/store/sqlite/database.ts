/**
 * Opening the SQLite database with the settings durability depends on.
 *
 * node:sqlite (built into Node 24) is the driver: no native build step, and the project already
 * pins Node 24. WAL lets readers (rule lookups) run while a writer commits; synchronous=FULL
 * fsyncs the WAL on every commit, so a write the API has acknowledged survives kill -9 and power
 * loss (with NORMAL, a power cut may lose the last commits). See docs/stores.md.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { migrate } from './migrations.ts';

export const DATABASE_FILE = 'sbc.sqlite';

export function openDatabase(dir: string): DatabaseSync {
  mkdirSync(dir, { recursive: true });
  const db = new DatabaseSync(join(dir, DATABASE_FILE), { timeout: 5000 });
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Runs `work` in one IMMEDIATE transaction (the write lock is taken up front, so two processes
 * sharing the file cannot both read-then-write the same row), rolling back on any error.
 */
export function transaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
