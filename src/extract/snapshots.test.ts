/**
 * Snapshot choice, checkpoint validation and the publishing guard.
 * In-process, over the real SQLite store: see test/support/extract-harness.ts.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { gap, harness, tempDbPath, fieldsOf, typesOf, range } from '../../test/support/extract-harness.ts';

describe('snapshot choice and checkpoint validation', () => {
  it('--reset starts a new snapshot at page 1 and keeps the old one', async () => {
    const h = harness({ systems: 100 });
    await h.run();
    const reset = await h.run({ reset: true, batchPages: 2 });

    expect(reset.summary).toMatchObject({ snapshotId: 2, outcome: 'batch_complete' });
    expect(reset.calls).toEqual([1, 2]);
    expect(fieldsOf(reset, 'batch_start')[0]).toMatchObject({ start_page: 1, resumed: false });
    expect(await h.store.currentSnapshot()).toMatchObject({ snapshot_id: 2, status: 'partial' });
    expect(h.store.countSystems(1)).toBe(100);
    expect(h.store.countSystems(2)).toBe(50);
  });

  it('--reset in the middle of a pass abandons it for a new one', async () => {
    const dbPath = tempDbPath();
    const h = harness({ systems: 1000, dbPath });
    await h.run({ batchPages: 5 });
    const reset = await h.run({ reset: true, batchPages: 3 });

    expect(reset.calls).toEqual([1, 2, 3]);
    expect(reset.summary.snapshotId).toBe(2);
    expect((await h.store.getCheckpoint(1))?.last_page).toBe(5);
    // The abandoned pass is closed, not left `partial` forever.
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare('SELECT status, error_message FROM snapshots WHERE snapshot_id = 1').get()).toEqual({
      status: 'failed',
      error_message: 'superseded by --reset',
    });
    db.close();
  });

  it.each([
    ['last_page = 999', 'last_page 999 is beyond the last page 40', { last_page: 999, coverage_pct: 25 }],
    ['coverage_pct = 140', 'coverage_pct 140 is outside 0..100', { last_page: 10, coverage_pct: 140 }],
  ])('detects a corrupt checkpoint (%s), resets it and still ends correct', async (sql, reason, logged) => {
    const dbPath = tempDbPath();
    const h = harness({ systems: 1000, dbPath });
    await h.run({ batchPages: 10 });
    const db = new Database(dbPath);
    db.prepare(`UPDATE extraction_checkpoints SET ${sql} WHERE snapshot_id = 1`).run();
    db.close();

    const result = await h.run({ batchPages: 100 });
    expect(fieldsOf(result, 'checkpoint_corruption')).toEqual([
      { reason, ...logged, action: 'reset_to_page_0' },
    ]);
    expect(result.events[0]).toMatchObject({ type: 'checkpoint_corruption', snapshotId: 1 });
    // A reset pass starts again at page 1 (no drift probe of a page it cannot trust).
    expect(result.calls).toEqual(range(1, 40));
    expect(fieldsOf(result, 'batch_start')[0]).toMatchObject({ start_page: 1, resumed: false });
    expect(result.summary).toMatchObject({ outcome: 'target_met', snapshotId: 1, systemsExtracted: 1000 });
    expect(h.store.allIds(1)).toEqual(h.api.ids);
  });

  it('warns with coverage_decreased when coverage dropped since the last run', async () => {
    const h = harness({ systems: 100 });
    const first = await h.run({ batchPages: 2 });
    expect(typesOf(first)).not.toContain('coverage_decreased');
    h.api.mutate({ add: 900 }); // total 100 → 1000: 75 of 1000 after the next page

    const second = await h.run({ batchPages: 1 });
    expect(fieldsOf(second, 'coverage_decreased')).toEqual([{ previous_pct: 50, current_pct: 7.5 }]);
    expect(second.summary.outcome).toBe('batch_complete'); // a warning, extraction goes on
    expect((await h.store.getCheckpoint(1))?.previous_coverage_pct).toBe(7.5);

    const third = await h.run({ batchPages: 1 });
    expect(typesOf(third)).not.toContain('coverage_decreased');
  });

  it('keeps a completed pass valid when a gap sweep sees the total shrink', async () => {
    const h = harness({ systems: 1000 }); // 40 pages
    for (const page of range(5, 20)) h.api.script(page, gap(), gap(), gap());
    h.api.script(4, gap(), gap()); // lost in the pass and in sweep 1, recovered in sweep 2
    await h.run({ batchPages: 100 });
    expect(await h.store.getCheckpoint(1)).toMatchObject({ last_page: 40, pass_complete: true });

    h.api.mutate({ removeFromPages: { pages: [40], count: 25 } }); // 975 systems: 39 pages now
    const second = await h.run({ batchPages: 100 });
    expect(fieldsOf(second, 'gap_recovered').map((event) => event.page)).toEqual([4]);
    expect(second.summary).toMatchObject({ outcome: 'batch_complete', totalSystems: 975 });
    expect(await h.store.getCheckpoint(1)).toMatchObject({
      last_page: 39,
      total_pages: 39,
      pass_complete: true,
    });
    // The stored position must still validate: the next run continues the sweeps, not the pass.
    const third = await h.run({ batchPages: 100 });
    expect(typesOf(third)).not.toContain('checkpoint_corruption');
    expect(third.calls).toEqual(range(5, 20).flatMap((page) => [page, page - 1])); // D53 neighbour checks
  });
});

describe('publishing guard', () => {
  it('does not publish a pass whose inventory shrank by more than the limit, unless allowed', async () => {
    const h = harness({ systems: 100 });
    expect((await h.run()).summary.outcome).toBe('target_met');
    h.api.ids = h.api.ids.slice(0, 40);
    const shrunk = await h.run({ reset: true });

    expect(shrunk.summary.outcome).toBe('below_target');
    expect(await h.store.currentSnapshot()).toMatchObject({ snapshot_id: 2, status: 'failed' });
    expect((await h.store.currentSnapshot())?.error_message).toContain('shrank from 100 to 40 systems');
    expect(fieldsOf(shrunk, 'extraction_failed')[0]).toMatchObject({
      error_type: 'inventory_shrank',
      exit_code: 2,
    });

    // 2 pages, then the 60 missing systems are each looked up by id (D85) before the pass closes.
    const allowed = await h.run({ maxShrinkPct: 100, batchPages: 62 });
    expect(allowed.summary).toMatchObject({ outcome: 'target_met', snapshotId: 3, systemsExtracted: 40 });
    expect(h.api.lookups).toHaveLength(60);
  });

  it('does not publish an empty inventory over a real one', async () => {
    const h = harness({ systems: 100 });
    await h.run();
    h.api.ids = [];
    expect((await h.run({ reset: true })).summary.outcome).toBe('below_target');
  });
});
