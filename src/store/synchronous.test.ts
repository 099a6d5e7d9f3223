/**
 * D138: a connection that writes commits the pass's pages with synchronous = NORMAL, and the transaction
 * that publishes a pass with FULL, then goes back to NORMAL, also when publishing fails.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { removeTempDir, tempDir } from '../../test/support/temp-dir.ts';
import { migrate } from './migrate.ts';
import { openStore } from './open-store.ts';
import { createPublisher } from './publish.ts';

/** PRAGMA synchronous values (SQLite's numbering). */
const NORMAL = 1;
const FULL = 2;

let dir: string;
beforeEach(() => {
  dir = tempDir('pmp-sync-');
});
afterEach(() => {
  vi.restoreAllMocks();
  removeTempDir(dir);
});

function migratedDb(): Database.Database {
  const db = new Database(join(dir, 'pmp.db'));
  db.pragma('journal_mode = WAL');
  migrate(db);
  return db;
}

const synchronous = (db: Database.Database) => db.pragma('synchronous', { simple: true }) as number;

describe('PRAGMA synchronous', () => {
  it('is NORMAL on a connection openStore opens to write', async () => {
    const pragma = vi.spyOn(Database.prototype, 'pragma');
    const store = openStore({ path: join(dir, 'pmp.db') });
    try {
      expect(pragma.mock.calls.map(([source]) => source)).toContain('synchronous = NORMAL');
    } finally {
      await store.close();
    }
  });

  it('is FULL inside the publishing transaction and NORMAL again after it', () => {
    const db = migratedDb();
    try {
      db.pragma('synchronous = NORMAL');
      const id = Number(
        db
          .prepare(
            `INSERT INTO snapshots (timestamp, api_version, status) VALUES ('2026-12-01 00:00:00', '1.4', 'partial')`,
          )
          .run().lastInsertRowid,
      );
      const seen: number[] = [];
      const publisher = createPublisher(db, () => seen.push(synchronous(db)));
      publisher.publish(id, Date.UTC(2026, 11, 1), 1000);
      expect(seen).toEqual([FULL]);
      expect(synchronous(db)).toBe(NORMAL);
      expect(db.prepare('SELECT status FROM snapshots WHERE snapshot_id = ?').pluck().get(id)).toBe(
        'success',
      );
    } finally {
      db.close();
    }
  });

  it('is NORMAL again after a publish that fails', () => {
    const db = migratedDb();
    try {
      db.pragma('synchronous = NORMAL');
      const publisher = createPublisher(db, () => undefined);
      expect(() => publisher.publish(999, Date.UTC(2026, 11, 1), 1000)).toThrow(/999/);
      expect(synchronous(db)).toBe(NORMAL);
    } finally {
      db.close();
    }
  });
});
