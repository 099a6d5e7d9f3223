/**
 * Migration 13 (D134) on a file written by the previous release in the middle of a pass: the rows of
 * this tool's pass still `partial` move into pending_systems, published rows and other tools' rows stay
 * in `systems`, the pass resumes where it was, and publishing it moves its rows into `systems`. A
 * read-only connection to the older file still reads its pass in progress from `systems`.
 */
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { withDb } from '../../test/support/db.ts';
import { fileBeforeMigration, tempDbPaths } from '../../test/support/legacy-file.ts';
import { migrate } from './migrate.ts';
import { openStore, openStoreReadOnly } from './open-store.ts';
import { CHECKPOINT_WRITER } from './schema-extractor.ts';

const newPath = tempDbPaths('pmp-migrate13-');
let path = '';
beforeEach(() => {
  path = newPath();
});

/** Snapshot 1 published, 2 our pass in progress (3 systems on pages 1 and 2), 3 another tool's. */
function previousReleaseFile(): void {
  fileBeforeMigration(
    path,
    13,
    `
    INSERT INTO snapshots (timestamp, status) VALUES
      ('2026-11-26 10:00:00.000', 'success'), ('2026-11-27 10:00:00.000', 'partial'),
      ('2026-11-27 11:00:00.000', 'partial');
    INSERT INTO extraction_checkpoints (snapshot_id, last_page, systems_extracted, coverage_pct,
        total_systems, page_limit, written_by, updated_at)
      VALUES (1, 1, 2, 100, 2, 25, '${CHECKPOINT_WRITER}', '2026-11-26 10:01:00.000'),
        (2, 2, 3, 60, 5, 25, '${CHECKPOINT_WRITER}', '2026-11-27 10:01:00.000');
    INSERT INTO systems (snapshot_id, resource_id, resource_name, branch_office_name, source_page,
        raw_json) VALUES
      (1, '10', 'old-10', 'HQ', 1, '{"resource_id":10}'), (1, '11', 'old-11', 'HQ', 1, '{"resource_id":11}'),
      (2, '10', 'new-10', 'HQ', 1, '{"resource_id":10,"v":2}'),
      (2, '11', 'new-11', 'HQ', 1, '{"resource_id":11,"v":2}'),
      (2, '12', 'new-12', 'HQ', 2, '{"resource_id":12,"v":2}'),
      (3, '99', 'theirs', 'HQ', NULL, NULL);`,
  );
}

const rows = (sql: string): unknown[] => withDb(path, (db) => db.prepare(sql).all());

describe('migration 13', () => {
  it('moves the rows of our pass in progress into pending_systems and leaves the others', async () => {
    previousReleaseFile();
    const store = openStore({ path });
    expect(rows('SELECT snapshot_id, resource_id FROM systems ORDER BY system_id')).toEqual([
      { snapshot_id: 1, resource_id: '10' },
      { snapshot_id: 1, resource_id: '11' },
      { snapshot_id: 3, resource_id: '99' },
    ]);
    expect(
      rows(
        'SELECT snapshot_id, resource_id, resource_name, source_page FROM pending_systems ORDER BY pending_id',
      ),
    ).toEqual([
      { snapshot_id: 2, resource_id: '10', resource_name: 'new-10', source_page: 1 },
      { snapshot_id: 2, resource_id: '11', resource_name: 'new-11', source_page: 1 },
      { snapshot_id: 2, resource_id: '12', resource_name: 'new-12', source_page: 2 },
    ]);
    // The pass resumes where it was: its stored pages and ids answer from the new table.
    expect(await store.idsOnPage(2, 1)).toEqual(['10', '11']);
    expect([...(await store.knownIds(2, ['10', '12', '13']))].sort()).toEqual(['10', '12']);
    expect(await store.lastStoredPage(2, 10)).toBe(2);
    expect(await store.rawRecord('12')).toBe('{"resource_id":12,"v":2}');
    // Publishing moves its rows into systems, and the diff against snapshot 1 sees them.
    const published = await store.publishSnapshot(2, Date.parse('2026-11-27T10:05:00Z'), 1000);
    expect(published.changes).toMatchObject({ added: 1, removed: 0 });
    expect(rows('SELECT COUNT(*) AS n FROM pending_systems')).toEqual([{ n: 0 }]);
    expect(rows('SELECT resource_id FROM latest_system_inventory ORDER BY resource_id')).toEqual([
      { resource_id: '10' },
      { resource_id: '11' },
      { resource_id: '12' },
    ]);
    await store.close();
  });

  it('a read-only connection to the older file reads its pass in progress from systems', async () => {
    previousReleaseFile();
    const store = openStoreReadOnly(path);
    expect(store).not.toBeNull();
    expect(await store?.idsOnPage(2, 1)).toEqual(['10', '11']);
    expect((await store?.currentSnapshot())?.snapshot_id).toBe(2);
    await store?.close();
    // Nothing was migrated by reading.
    expect(rows("SELECT name FROM sqlite_master WHERE name = 'pending_systems'")).toEqual([]);
  });

  it('is idempotent: migrating again moves nothing twice', () => {
    previousReleaseFile();
    const db = new Database(path);
    migrate(db);
    migrate(db);
    expect(db.prepare('SELECT COUNT(*) FROM pending_systems').pluck().get()).toBe(3);
    expect(db.prepare('SELECT COUNT(*) FROM systems').pluck().get()).toBe(3);
    db.close();
  });
});
