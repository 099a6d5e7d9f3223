/**
 * The end of a pass: last page by `total`, an empty page past it, wrap-around, short pages.
 * In-process, over the real SQLite store: see test/support/extract-harness.ts.
 */
import { describe, expect, it } from 'vitest';
import { harness, fieldsOf, typesOf, observedOf } from '../../test/support/extract-harness.ts';

describe('end of the pass', () => {
  it('stops at the last page by total, sets the snapshot success and reports the target met', async () => {
    const h = harness({ systems: 100 });
    const result = await h.run();

    expect(result.calls).toEqual([1, 2, 3, 4]);
    expect(result.summary).toMatchObject({
      outcome: 'target_met',
      targetMet: true,
      systemsExtracted: 100,
      coveragePct: 100,
    });
    expect((await h.store.currentSnapshot())?.status).toBe('success');
    expect(await h.store.getCheckpoint(1)).toMatchObject({
      last_page: 4,
      pass_complete: true,
      total_pages: 4,
    });
    expect(fieldsOf(result, 'target_met')).toEqual([
      { systems_extracted: 100, total_systems: 100, coverage_pct: 100, target_pct: 95, extracted_now: true },
    ]);
    // D112: the first published pass is compared with nothing.
    const firstPublish = {
      previous_snapshot_id: null,
      changes: { added: 0, removed: 0, changed: 0, reappeared: 0 },
    };
    expect(observedOf(result, 'targetMet')).toEqual([
      { systems: 100, totalSystems: 100, coveragePct: 100, changes: firstPublish },
    ]);
    expect(fieldsOf(result, 'inventory_changes')).toEqual([
      { previous_snapshot_id: null, added: 0, removed: 0, changed: 0, reappeared: 0 },
    ]);
    expect(fieldsOf(result, 'batch_complete')[0]).toMatchObject({ pass_complete: true, last_page: 4 });
  });

  it('does nothing on the next run once the target is met', async () => {
    const h = harness({ systems: 100 });
    await h.run();
    const again = await h.run();

    expect(again.calls).toEqual([]);
    expect(again.summary).toMatchObject({
      outcome: 'already_complete',
      targetMet: true,
      snapshotId: 1,
      pagesAttempted: 0,
      systemsExtracted: 100,
      changedData: false,
    });
    expect(typesOf(again)).toEqual(['target_met']);
    expect(fieldsOf(again, 'target_met')[0]).toMatchObject({ extracted_now: false, coverage_pct: 100 });
    expect(again.events[0]?.snapshotId).toBe(1);
    expect(h.tokenStarts()).toBe(1); // no token is taken for a run that extracts nothing
  });

  it('ends at the last page by total even when the API over-reports and that page is empty', async () => {
    const h = harness({ systems: 100 });
    h.api.totalOverride = 101; // 5 pages by total; page 5 is empty
    const result = await h.run();

    expect(result.calls).toEqual([1, 2, 3, 4, 5]);
    expect(await h.store.getCheckpoint(1)).toMatchObject({ last_page: 5, pass_complete: true });
    expect(result.summary).toMatchObject({ outcome: 'target_met', pagesOk: 5, coveragePct: 99 });
    expect(await h.store.listGaps(1)).toEqual([]);
  });

  it('stops at an empty page past the last page by its own total', async () => {
    const h = harness({ systems: 100 });
    await h.run({ batchPages: 3 }); // 4 pages by total
    h.api.ids = h.api.ids.slice(0, 75); // the last 25 systems are gone: 3 pages now
    const second = await h.run();

    expect(second.calls).toEqual([3, 4]); // drift probe, then the empty page 4 ends the pass
    expect(second.summary).toMatchObject({ outcome: 'target_met', totalSystems: 75, coveragePct: 100 });
    expect(await h.store.getCheckpoint(1)).toMatchObject({
      last_page: 3,
      total_pages: 3,
      pass_complete: true,
    });
  });

  it('keeps reading past a short page that is not the last by total, and records it as a gap', async () => {
    const h = harness({ systems: 90 });
    h.api.totalOverride = 110; // 5 pages by total; page 4 holds 15 of 25, page 5 is empty
    const result = await h.run({ targetPct: 80 });

    expect(result.calls).toEqual([1, 2, 3, 4, 5, 4, 3]); // the sweep reads page 4 again, then 3 (D53)
    expect(await h.store.listGaps(1)).toMatchObject([
      { page_num: 4, error_type: 'unknown_error', resolved: true },
    ]);
    expect((await h.store.listGaps(1))[0]?.error_message).toContain('15 of 25 records before the last page');
    expect(result.summary).toMatchObject({ outcome: 'target_met', systemsExtracted: 90 });
  });

  it('does not take a page with rejected records for a short page', async () => {
    const h = harness({ systems: 100 });
    const full = h.api.pageOf(2);
    h.api.script(2, {
      kind: 'ok',
      failedAttempts: 0,
      page: { ...full, records: full.records.slice(1), receivedCount: 25 },
    });
    const result = await h.run({ targetPct: 90 });

    expect(result.calls).toEqual([1, 2, 3, 4]);
    expect(result.summary).toMatchObject({ outcome: 'target_met', systemsExtracted: 99 });
  });

  it('stops when a page repeats page 1 (wrap-around), also when page 1 was read by an earlier run', async () => {
    const h = harness({ systems: 100 });
    h.api.totalOverride = 1000;
    h.api.pastLastPage = 'wrap';
    const first = await h.run({ batchPages: 2, targetPct: 5 });
    expect(first.calls).toEqual([1, 2]);
    const second = await h.run({ targetPct: 5 });

    expect(second.calls).toEqual([2, 3, 4, 5]); // drift probe, then 3, 4 and 5 (= page 1 again)
    expect(await h.store.getCheckpoint(1)).toMatchObject({ last_page: 4, pass_complete: true });
    expect(second.summary).toMatchObject({ outcome: 'target_met', systemsExtracted: 100, pagesOk: 2 });
    expect(h.store.allIds(1)).toEqual(h.api.ids);
  });

  it('detects wrap-around within one run', async () => {
    const h = harness({ systems: 60, limit: 20 });
    h.api.totalOverride = 600;
    h.api.pastLastPage = 'wrap';
    const result = await h.run({ targetPct: 5 });

    expect(result.calls).toEqual([1, 2, 3, 4]);
    expect((await h.store.getCheckpoint(1))?.last_page).toBe(3);
  });

  it('closes a pass below target with no gaps to retry as partial, and starts a new snapshot next', async () => {
    const h = harness({ systems: 90 });
    // 6 pages by total: 4 comes back short and 5-6 empty (gaps); their sweep reads them again and
    // keeps what they hold, so the pass closes below target in one run. (Three empty pages in a row
    // would end the pass as a runaway total instead: D52, runaway-total.test.ts.)
    h.api.totalOverride = 150;
    const result = await h.run();

    expect(result.summary).toMatchObject({ outcome: 'below_target', targetMet: false, coveragePct: 60 });
    const snapshot = await h.store.currentSnapshot();
    expect(snapshot?.status).toBe('failed');
    expect(snapshot?.error_message).toContain('below the 95% target');
    const next = await h.run({ batchPages: 1 });
    expect(next.summary.snapshotId).toBe(2);
    expect(next.calls).toEqual([1]);
  });
});
