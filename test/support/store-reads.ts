/**
 * Reads that only tests need (every stored id, the row count of a snapshot): production code asks the
 * Store narrower questions, so these live here rather than on the Store port.
 */
import Database from 'better-sqlite3';
import { openStore, type Store } from '../../src/store/index.ts';
import { migrate } from '../../src/store/migrate.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { storedSystems, withDb } from './db.ts';

interface StoreReads {
  /**
   * resource_id of every system in the snapshot, in insertion order: in pending_systems until the
   * pass is published, in systems after (D134).
   */
  allIds(snapshotId: number): string[];
  countSystems(snapshotId: number): number;
  /** Any read-only query's rows (removal_candidates, source_page, ...). */
  select(sql: string, ...params: (string | number)[]): Record<string, unknown>[];
}

export type ReadableStore = Store & StoreReads;

function readsOf(read: <T>(query: (db: Database.Database) => T) => T): StoreReads {
  return {
    allIds: (snapshotId) =>
      read(
        (db) =>
          db
            .prepare(storedSystems('resource_id', 'snapshot_id = ?'))
            .pluck()
            .all(snapshotId, snapshotId) as string[],
      ),
    countSystems: (snapshotId) =>
      read(
        (db) =>
          db
            .prepare(`SELECT COUNT(*) FROM (${storedSystems('resource_id', 'snapshot_id = ?')})`)
            .pluck()
            .get(snapshotId, snapshotId) as number,
      ),
    select: (sql, ...params) => read((db) => db.prepare(sql).all(...params) as Record<string, unknown>[]),
  };
}

/**
 * openStore plus the test reads. A file database is read through a second, read-only connection
 * (WAL lets it see every commit); `:memory:` is set up as openStore does it (foreign keys on,
 * migrated) so the reads can share its only connection.
 */
export function openReadableStore(options: { path: string }): ReadableStore {
  if (options.path !== ':memory:') {
    const store = openStore(options);
    return Object.assign(
      store,
      readsOf((query) => withDb(options.path, query)),
    );
  }
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return Object.assign(
    new SqliteStore(db),
    readsOf((query) => query(db)),
  );
}
