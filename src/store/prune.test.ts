/**
 * Retention rules (D83): which snapshots keep their systems rows and raw parts after a pass is
 * published, and that history (snapshot, checkpoint and gap rows) and other tools' rows stay.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withDb } from '../../test/support/db.ts';
import { removeTempDir, tempDir } from '../../test/support/temp-dir.ts';
import { openStore } from './open-store.ts';
import type { SnapshotStatus, Store, SystemRecord } from './store.ts';

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0, 0);
const PAGES = 2;
const PER_PAGE = 3;

let dir: string;
let dbPath: string;
let store: Store;

beforeEach(() => {
  dir = tempDir('pmp-prune-');
  dbPath = join(dir, 'pmp.db');
  store = openStore({ path: dbPath });
});

afterEach(async () => {
  await store.close();
  removeTempDir(dir);
});

function system(id: number): SystemRecord {
  const resourceId = String(52549000000100000n + BigInt(id));
  return {
    resource_id: resourceId,
    columns: { resource_name: `pc-${id}`, branch_office_name: 'Branch A' },
    raw_json: `{"resource_id":${resourceId}}`,
  };
}

/** One pass of PAGES pages with a gap row, closed with `status` ('partial' leaves it in progress). */
async function pass(status: SnapshotStatus): Promise<number> {
  const id = await store.createSnapshot(T0);
  await store.commit({
    snapshot_id: id,
    pages: Array.from({ length: PAGES }, (_, index) => ({
      page: index + 1,
      systems: Array.from({ length: PER_PAGE }, (_, n) => system(index * PER_PAGE + n)),
    })),
    gaps: [
      {
        page_num: PAGES + 1,
        error_type: '5xx_server_error',
        error_message: 'HTTP 503',
        response_sample: null,
        attempts: 3,
      },
    ],
    gapRetries: [],
    checkpoint: {
      last_page: PAGES + 1,
      total_systems: PAGES * PER_PAGE,
      total_pages: PAGES + 1,
      page_limit: PER_PAGE,
      pass_complete: status !== 'partial',
      previous_coverage_pct: null,
      probed_page_size: null,
      page_size_fallback: null,
    },
    nowMs: T0,
  });
  if (status !== 'partial')
    await store.setSnapshotStatus(id, status, status === 'failed' ? 'below target' : null, 1000);
  return id;
}

interface Rows {
  systems: number;
  parts: number;
  snapshot: number;
  checkpoint: number;
  gaps: number;
}

/** Row counts per snapshot id, in every table retention could touch. */
function rowsBySnapshot(): Map<number, Rows> {
  return withDb(dbPath, (db) => {
    const count = (table: string, id: number): number =>
      db.prepare(`SELECT COUNT(*) FROM ${table} WHERE snapshot_id = ?`).pluck().get(id) as number;
    const ids = db
      .prepare('SELECT snapshot_id FROM snapshots ORDER BY snapshot_id')
      .pluck()
      .all() as number[];
    return new Map(
      ids.map((id) => [
        id,
        {
          // A published pass's rows are in systems, any other's in pending_systems (D134).
          systems: count('systems', id) + count('pending_systems', id),
          parts: count('system_raw_parts', id),
          snapshot: count('snapshots', id),
          checkpoint: count('extraction_checkpoints', id),
          gaps: count('extraction_gaps', id),
        },
      ]),
    );
  });
}

/** Snapshot ids that still have systems rows. */
function withSystems(): number[] {
  return [...rowsBySnapshot()].filter(([, rows]) => rows.systems > 0).map(([id]) => id);
}

const FULL: Rows = { systems: PAGES * PER_PAGE, parts: PAGES, snapshot: 1, checkpoint: 1, gaps: 1 };
const PRUNED: Rows = { systems: 0, parts: 0, snapshot: 1, checkpoint: 1, gaps: 1 };

describe('pruneSnapshots', () => {
  it('keeps the systems of the newest N published snapshots and the history of every one', async () => {
    const ids: number[] = [];
    for (let n = 0; n < 5; n++) ids.push(await pass('success'));
    const result = await store.pruneSnapshots(3);
    expect(result).toMatchObject({
      snapshots_pruned: 2,
      systems_deleted: 2 * PAGES * PER_PAGE,
      raw_parts_deleted: 2 * PAGES,
    });
    const rows = rowsBySnapshot();
    expect(ids.map((id) => rows.get(id))).toEqual([PRUNED, PRUNED, FULL, FULL, FULL]);
    // Nothing left to do: a second call deletes nothing.
    expect(await store.pruneSnapshots(3)).toMatchObject({
      snapshots_pruned: 0,
      systems_deleted: 0,
      raw_parts_deleted: 0,
    });
  });

  it('deletes nothing before the first pass is published', async () => {
    const failed = await pass('failed');
    const running = await pass('partial');
    expect(await store.pruneSnapshots(1)).toMatchObject({ snapshots_pruned: 0, systems_deleted: 0 });
    expect(withSystems()).toEqual([failed, running]);
  });

  it('deletes a failed or superseded pass once a newer pass is published, not before', async () => {
    const first = await pass('success');
    const failed = await pass('failed');
    // The failed pass is newer than the published one: kept for now (it may be what someone inspects).
    await store.pruneSnapshots(7);
    expect(withSystems()).toEqual([first, failed]);
    const second = await pass('success');
    const running = await pass('partial');
    expect(await store.pruneSnapshots(7)).toMatchObject({
      snapshots_pruned: 1,
      systems_deleted: PAGES * PER_PAGE,
    });
    // Within the newest 7 published, the pass in progress too; the failed one in between is gone.
    expect(withSystems()).toEqual([first, second, running]);
    expect(rowsBySnapshot().get(failed)).toEqual(PRUNED);
  });

  it('keeps the pass in progress however small N is, and treats N below 1 as 1', async () => {
    const old = await pass('success');
    const published = await pass('success');
    const running = await pass('partial');
    expect(await store.pruneSnapshots(0)).toMatchObject({ snapshots_pruned: 1 });
    expect(withSystems()).toEqual([published, running]);
    expect(rowsBySnapshot().get(old)).toEqual(PRUNED);
  });

  it("leaves other tools' snapshots and every system_changes row alone", async () => {
    await store.close();
    withWritableDb((db) => {
      // A predecessor's published snapshot: no checkpoint row of ours.
      db.prepare("INSERT INTO snapshots (snapshot_id, status) VALUES (100, 'success')").run();
      db.prepare(
        "INSERT INTO systems (snapshot_id, resource_id, resource_name, branch_office_name) VALUES (100, '1', 'legacy', 'B')",
      ).run();
      // system_changes exists since migration 12 (D112); retention never deletes from it.
      db.exec(`INSERT INTO system_changes (snapshot_id, resource_id, change_type, detected_at)
        VALUES (101, '1', 'added', 'now'), (102, '2', 'removed', 'now')`);
    });
    store = openStore({ path: dbPath });
    await pass('success');
    await pass('success');
    await pass('success');
    expect(await store.pruneSnapshots(1)).toMatchObject({ snapshots_pruned: 2 });
    expect(withSystems()).toEqual([100, 103]);
    expect(withDb(dbPath, (db) => db.prepare('SELECT COUNT(*) FROM system_changes').pluck().get())).toBe(2);
  });
});

function withWritableDb(write: (db: Database.Database) => void): void {
  const db = new Database(dbPath);
  try {
    write(db);
  } finally {
    db.close();
  }
}
