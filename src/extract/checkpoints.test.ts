/**
 * Batches, resume and checkpoints: the cadence of commits and what a resumed run continues from.
 * In-process, over the real SQLite store: see test/support/extract-harness.ts.
 */
import { describe, expect, it } from 'vitest';
import { harness, fieldsOf, typesOf, range, observedOf } from '../../test/support/extract-harness.ts';

describe('batches and checkpoints', () => {
  it('extracts pages 1..N of a new snapshot, then checkpoints where it stopped', async () => {
    const h = harness({ systems: 1000 });
    const result = await h.run({ batchPages: 15 });

    expect(result.calls).toEqual(range(1, 15));
    expect(result.summary).toMatchObject({
      outcome: 'batch_complete',
      snapshotId: 1,
      pagesAttempted: 15,
      pagesOk: 15,
      pagesFailed: 0,
      systemsExtracted: 375,
      totalSystems: 1000,
      coveragePct: 37.5,
      targetMet: false,
      changedData: true,
    });
    expect(await h.store.getCheckpoint(1)).toMatchObject({
      last_page: 15,
      systems_extracted: 375,
      coverage_pct: 37.5,
      total_systems: 1000,
      total_pages: 40,
      page_limit: 25,
      pass_complete: false,
      previous_coverage_pct: 37.5,
    });
    expect(h.store.allIds(1)).toEqual(h.api.ids.slice(0, 375));
    expect((await h.store.currentSnapshot())?.status).toBe('partial');
    expect(fieldsOf(result, 'batch_start')).toEqual([
      { start_page: 1, batch_pages: 15, target_pct: 95, resumed: false, snapshot_status: 'partial' },
    ]);
    expect(fieldsOf(result, 'extraction_progress').map((event) => event.page)).toEqual(range(1, 15));
    expect(fieldsOf(result, 'extraction_progress')[14]).toMatchObject({
      page: 15,
      total_pages: 40,
      systems_extracted: 375,
      total_systems: 1000,
      progress_pct: 37.5,
      errors_total: 0,
      eta_minutes: 0.42, // 1 s per page (fake clock), 25 pages left
    });
    expect(fieldsOf(result, 'batch_complete')).toEqual([
      {
        pages_attempted: 15,
        pages_ok: 15,
        pages_failed: 0,
        systems_extracted: 375,
        total_systems: 1000,
        coverage_pct: 37.5,
        last_page: 15,
        pass_complete: false,
        duration_ms: 15_000,
      },
    ]);
    expect(result.events.every((event) => event.snapshotId === 1)).toBe(true);
    expect(observedOf(result, 'runStarted')).toEqual([
      { targetSystems: null, targetPct: 95, startPage: 1, totalPages: null },
    ]);
    expect(observedOf(result, 'pageDone')).toHaveLength(15);
    expect(observedOf(result, 'batchComplete')).toEqual([{ systems: 375, coveragePct: 37.5 }]);
    expect(observedOf(result, 'targetMet')).toEqual([]);
    expect(h.tokenStarts()).toBe(1);
  });

  it('resumes at last_page + 1 after re-reading the last committed page', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 15 });
    const second = await h.run({ batchPages: 15 });

    expect(second.calls).toEqual([15, ...range(16, 30)]);
    expect(fieldsOf(second, 'batch_start')[0]).toMatchObject({ start_page: 16, resumed: true });
    expect(observedOf(second, 'runStarted')).toEqual([
      { targetSystems: 1000, targetPct: 95, startPage: 16, totalPages: 40 },
    ]);
    // The same ids on the re-read page: no drift, nothing re-stored, the probe is not a batch page.
    expect(typesOf(second)).not.toContain('page_drift_detected');
    expect(second.summary).toMatchObject({ pagesAttempted: 15, systemsExtracted: 750, coveragePct: 75 });
    expect((await h.store.getCheckpoint(1))?.last_page).toBe(30);
    expect(h.store.allIds(1)).toEqual(h.api.ids.slice(0, 750));
  });

  it('commits systems and checkpoint together every 10 pages and at batch end', async () => {
    const h = harness({ systems: 1000 });
    const seen: { page: number; lastPage: number | undefined; stored: number }[] = [];
    h.api.beforeAnswer = async (page) => {
      seen.push({
        page,
        lastPage: (await h.store.getCheckpoint(1))?.last_page,
        stored: h.store.countSystems(1),
      });
    };
    const result = await h.run({ batchPages: 35 });

    expect(fieldsOf(result, 'checkpoint_commit')).toEqual([
      { last_page: 10, systems_extracted: 250, coverage_pct: 25, pages_in_commit: 10 },
      { last_page: 20, systems_extracted: 500, coverage_pct: 50, pages_in_commit: 10 },
      { last_page: 30, systems_extracted: 750, coverage_pct: 75, pages_in_commit: 10 },
      { last_page: 35, systems_extracted: 875, coverage_pct: 87.5, pages_in_commit: 5 },
    ]);
    // While page 11 is being fetched, pages 1-10 and their checkpoint are already durable, and
    // nothing of page 11-19 is: the checkpoint never runs ahead of (or behind) the data.
    expect(seen.find((entry) => entry.page === 10)).toEqual({ page: 10, lastPage: 0, stored: 0 });
    expect(seen.find((entry) => entry.page === 11)).toEqual({ page: 11, lastPage: 10, stored: 250 });
    expect(seen.find((entry) => entry.page === 19)).toEqual({ page: 19, lastPage: 10, stored: 250 });
    expect(seen.find((entry) => entry.page === 21)).toEqual({ page: 21, lastPage: 20, stored: 500 });
  });

  it('keeps the same snapshot across runs and never duplicates a system', async () => {
    const h = harness({ systems: 300 });
    await h.run({ batchPages: 5 });
    await h.run({ batchPages: 5 });
    const last = await h.run({ batchPages: 5 });

    expect(last.summary).toMatchObject({ outcome: 'target_met', snapshotId: 1, systemsExtracted: 300 });
    expect(h.store.allIds(1)).toEqual(h.api.ids);
    expect(new Set(h.store.allIds(1)).size).toBe(300);
  });
});
