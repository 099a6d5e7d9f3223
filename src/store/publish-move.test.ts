/**
 * Publishing moves a pass's rows from pending_systems into systems one chunk of pending_ids at a time
 * (D135): every row arrives, in the order it was first stored; another pass's pending rows, stored
 * between them, stay where they are; and the pages each chunk frees are reused by the next, so the
 * file is not left with a copy's worth of free pages.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { pageCommit } from '../../test/support/commit-batch.ts';
import { withDb } from '../../test/support/db.ts';
import { tempStores } from '../../test/support/temp-store.ts';
import { MAX_MOVE_CHUNK_ROWS, moveChunkRows } from './schema-pending.ts';
import { movePendingRows } from './snapshot-status.ts';
import { prepareStatements } from './statements.ts';
import type { Store, SystemRecord } from './store.ts';

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0, 0);

const stores = tempStores('pmp-move-');

function system(id: number): SystemRecord {
  return {
    resource_id: String(id),
    columns: { resource_name: `pc-${String(id)}`, branch_office_name: 'Branch A', os_name: 'Windows 11' },
    raw_json: `{"resource_id":${String(id)},"resource_name":"pc-${String(id)}"}`,
  };
}

/** One commit of `page` with `systems`, leaving the snapshot `partial`. */
async function storePage(s: Store, snapshotId: number, page: number, systems: SystemRecord[]): Promise<void> {
  await s.commit(pageCommit({ snapshotId, page, systems, nowMs: T0 + page }));
}

function range(from: number, count: number): SystemRecord[] {
  return Array.from({ length: count }, (_, index) => system(from + index));
}

describe('movePendingRows', () => {
  it('moves every row of the pass, chunk by chunk, in stored order, and leaves another pass alone', async () => {
    const { store: s, path } = stores.open();
    const pass = await s.createSnapshot(T0);
    const other = await s.createSnapshot(T0 + 1);
    // Pages of the two passes alternate, so their pending_ids interleave.
    await storePage(s, pass, 1, range(100, 5));
    await storePage(s, other, 1, range(900, 3));
    await storePage(s, pass, 2, range(200, 4));
    await storePage(s, pass, 3, range(300, 1));

    const db = new Database(path);
    try {
      const sql = prepareStatements(db);
      // A chunk of 3 pending_ids: chunk boundaries fall inside pages and on the other pass's rows.
      db.transaction(() => {
        movePendingRows(sql, pass, 3);
      })();
    } finally {
      db.close();
    }

    const moved = withDb(
      path,
      (reader) =>
        reader
          .prepare('SELECT resource_id, source_page FROM systems WHERE snapshot_id = ? ORDER BY system_id')
          .all(pass) as { resource_id: string; source_page: number }[],
    );
    const expected = [...range(100, 5), ...range(200, 4), ...range(300, 1)].map((row) => row.resource_id);
    expect(moved.map((row) => row.resource_id)).toEqual(expected);
    expect(moved.map((row) => row.source_page)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
    const pending = withDb(
      path,
      (reader) =>
        reader.prepare('SELECT snapshot_id, resource_id FROM pending_systems ORDER BY pending_id').all() as {
          snapshot_id: number;
          resource_id: string;
        }[],
    );
    expect(pending).toEqual(
      range(900, 3).map((row) => ({ snapshot_id: other, resource_id: row.resource_id })),
    );
  });

  it('reuses the pages each chunk frees: publishing leaves less than a chunk of free pages', async () => {
    const { store: s, path } = stores.open();
    const pass = await s.createSnapshot(T0);
    const total = 7500;
    // A 32nd of the pass: several chunks, each one freeing pages the next one fills.
    expect(moveChunkRows(total)).toBe(235);
    for (let page = 1; page * 250 <= total; page += 1)
      await storePage(s, pass, page, range(page * 1000, 250));
    const pendingPages = withDb(
      path,
      (reader) =>
        reader
          .prepare(
            "SELECT COUNT(*) FROM dbstat WHERE name IN ('pending_systems', 'idx_pending_systems_page')",
          )
          .pluck()
          .get() as number,
    );

    await s.publishSnapshot(pass, T0 + 60_000, 60_000);

    const { freePages, published } = withDb(path, (reader) => ({
      freePages: reader.pragma('freelist_count', { simple: true }) as number,
      published: reader
        .prepare('SELECT COUNT(*) FROM systems WHERE snapshot_id = ?')
        .pluck()
        .get(pass) as number,
    }));
    expect(published).toBe(total);
    // Moving all rows before freeing any (one INSERT ... SELECT, then DELETE) leaves every pending page
    // free; chunk by chunk, only about the last chunk's pages are.
    expect(pendingPages).toBeGreaterThan(100);
    expect(freePages).toBeLessThan(pendingPages / 2);
  });
});

describe('moveChunkRows', () => {
  it('is a 32nd of the pass, from 100 to 2,500 rows', () => {
    expect(moveChunkRows(1)).toBe(100);
    expect(moveChunkRows(3362)).toBe(106);
    expect(moveChunkRows(32_000)).toBe(1000);
    expect(moveChunkRows(100_000)).toBe(MAX_MOVE_CHUNK_ROWS);
    expect(moveChunkRows(10_000_000)).toBe(MAX_MOVE_CHUNK_ROWS);
  });
});
