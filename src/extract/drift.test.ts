/**
 * Offset-paging drift, at resume and during a pass.
 * In-process, over the real SQLite store: see test/support/extract-harness.ts.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { gap, harness, tempDbPath, fieldsOf, typesOf, range } from '../../test/support/extract-harness.ts';
import { staleOnPage } from './drift.ts';

/** How many of the API's ids the snapshot stores, published or not (D134). */
function storedOf(h: { store: { allIds(id: number): string[] }; api: { ids: readonly string[] } }): number {
  const stored = new Set(h.store.allIds(1));
  return h.api.ids.filter((id) => stored.has(id)).length;
}

describe('page drift at resume', () => {
  it('steps back when systems were removed from earlier pages, and ends with every system', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 20 });
    h.api.mutate({ removeFromPages: { pages: [2, 3, 4], count: 10 }, add: 10 });
    // 30 fewer before page 20: it now holds 25 ids never seen (old 505-529); page 19 holds old
    // 480-504, 20 of them known, so the pass lines up again there.
    const second = await h.run({ batchPages: 100 });

    expect(second.calls.slice(0, 3)).toEqual([20, 19, 21]);
    expect(fieldsOf(second, 'page_drift_detected')).toEqual([
      { page: 20, shift_pages: 1, resume_page: 21, matched: true },
    ]);
    expect(second.summary.outcome).toBe('target_met');
    const stored = new Set(h.store.allIds(1));
    expect(h.api.ids.filter((id) => !stored.has(id))).toEqual([]);
  });

  it('re-reads the pass from page 1 when stepping back 10 pages does not realign', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 20 });
    h.api.mutate({ removeFromPages: { pages: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], count: 25 } });
    const second = await h.run({ batchPages: 1 });

    expect(second.calls).toEqual([...range(11, 20).reverse(), 1]);
    expect(fieldsOf(second, 'page_drift_detected')).toEqual([
      { page: 20, shift_pages: 9, resume_page: 1, matched: false },
    ]);
    const third = await h.run({ batchPages: 100 });
    expect(third.summary.outcome).toBe('target_met');
    expect(storedOf(h)).toBe(h.api.ids.length);
    // What the re-read pages hold now is stored with the batch.
    const reread = h.api.pageOf(11).records.map((record) => record.resource_id);
    const stored = new Set(h.store.allIds(1));
    expect(reread.filter((id) => stored.has(id))).toHaveLength(25);
  });

  it('stores the re-read page when additions shifted ids forward', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 20 });
    h.api.prepend(5);
    const second = await h.run({ batchPages: 1 });

    expect(second.calls).toEqual([20, 21]);
    expect(fieldsOf(second, 'page_drift_detected')).toEqual([
      { page: 20, shift_pages: 0, resume_page: 21, matched: true },
    ]);
  });

  it('steps back when the last committed page is now partly past the end', async () => {
    const h = harness({ systems: 510 }); // 21 pages
    await h.run({ batchPages: 20 });
    h.api.mutate({ removeFromPages: { pages: [1], count: 25 } }); // 485 left: page 20 holds 10
    const second = await h.run({ batchPages: 5 });

    expect(second.calls).toEqual([20, 19, 21]);
    expect(fieldsOf(second, 'page_drift_detected')).toEqual([
      { page: 20, shift_pages: 1, resume_page: 21, matched: true },
    ]);
    expect(second.summary.outcome).toBe('target_met');
    expect(storedOf(h)).toBe(485);
  });

  it('re-reads an unreadable probe page in the pass instead of skipping the drift check', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 20 });
    h.api.script(20, gap());
    const second = await h.run({ batchPages: 2 });

    expect(second.calls).toEqual([20, 20, 21]);
    expect(typesOf(second)).not.toContain('page_drift_detected');
    expect(await h.store.listGaps(1)).toEqual([]);
  });

  it('does not step back past page 1', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 3 });
    h.api.mutate({ removeFromPages: { pages: [1, 2, 3], count: 25 } });
    const second = await h.run({ batchPages: 1 });

    expect(second.calls).toEqual([3, 2, 1, 4]);
    // Stepping back to page 1 re-read everything before the probe, so nothing can be missing.
    expect(fieldsOf(second, 'page_drift_detected')).toEqual([
      { page: 3, shift_pages: 2, resume_page: 4, matched: true },
    ]);
  });
});

describe('drift during a pass, re-read gap pages, empty inventory', () => {
  it('re-checks the previous page when total drops mid-pass, so removals cannot hide a system', async () => {
    const h = harness({ systems: 500 });
    h.api.beforeAnswer = (page) => {
      // While the pass is at page 10, 30 systems disappear from pages 2-4: everything after shifts back.
      if (page === 10 && h.api.ids.length === 500)
        h.api.mutate({ removeFromPages: { pages: [2, 3, 4], count: 10 } });
    };
    const result = await h.run({ batchPages: 100 });

    // Page 10 reports the smaller total, so page 9 is re-read (drift) and then page 8 (all unseen).
    expect(result.calls.slice(9, 13)).toEqual([10, 9, 8, 11]);
    expect(fieldsOf(result, 'page_drift_detected')[0]).toMatchObject({ page: 9, matched: true });
    const stored = new Set(h.store.allIds(1));
    expect(h.api.ids.filter((id) => !stored.has(id))).toEqual([]);
    expect(result.summary.outcome).toBe('target_met');
  });

  it('does not re-check on a total drop seen only between runs (the resume drift check covers it)', async () => {
    const h = harness({ systems: 500 });
    await h.run({ batchPages: 5 });
    h.api.mutate({ removeFromPages: { pages: [1], count: 1 } });
    const second = await h.run({ batchPages: 3 });
    expect(second.calls).toEqual([5, 6, 7, 8]);
  });

  it('resolves an open gap when the paging pass reads its page again after a checkpoint reset', async () => {
    const path = tempDbPath();
    const h = harness({ systems: 100, dbPath: path });
    h.api.script(2, gap());
    await h.run({ batchPages: 2 });
    expect((await h.store.listGaps(1))[0]).toMatchObject({ page_num: 2, resolved: false });
    const db = new Database(path);
    db.prepare('UPDATE extraction_checkpoints SET last_page = 999').run();
    db.close();
    const second = await h.run({ batchPages: 10 });

    expect(typesOf(second)).toContain('checkpoint_corruption');
    expect((await h.store.listGaps(1))[0]).toMatchObject({ page_num: 2, resolved: true });
    expect(second.summary.outcome).toBe('target_met');
  });

  it('catches systems shifted back when removals and additions happen together mid-pass', async () => {
    const h = harness({ systems: 500 });
    h.api.beforeAnswer = (page) => {
      // 4 systems leave pages 1-2 and 5 arrive at the end: the total rises, yet everything shifts back.
      if (page === 8 && h.api.ids.length === 500)
        h.api.mutate({ removeFromPages: { pages: [1, 2], count: 2 }, add: 5 });
    };
    const result = await h.run({ batchPages: 100 });

    expect(fieldsOf(result, 'page_drift_detected')).toHaveLength(1);
    const stored = new Set(h.store.allIds(1));
    expect(h.api.ids.filter((id) => !stored.has(id))).toEqual([]);
  });

  it('keeps a checkpoint valid when page 1 is a gap and no total is known yet', async () => {
    const h = harness({ systems: 100 });
    h.api.script(1, gap());
    await h.run({ batchPages: 1 });
    const second = await h.run({ batchPages: 1 });
    expect(typesOf(second)).not.toContain('checkpoint_corruption');
    expect(second.calls).toEqual([2]);
  });

  it('treats an empty inventory as complete instead of failing every run', async () => {
    const h = harness({ systems: 0 });
    const result = await h.run();
    expect(result.summary).toMatchObject({ outcome: 'target_met', coveragePct: 100, totalSystems: 0 });
    expect((await h.run()).summary.outcome).toBe('already_complete');
  });
});

describe('stale systems seen by a drift check (D53)', () => {
  it('drops ids that vanished from between ids still on the re-read page: they were deleted', async () => {
    const h = harness({ systems: 100 });
    await h.run({ batchPages: 2 });
    const removed = h.api.ids.slice(30, 33); // the middle of page 2
    h.api.ids = h.api.ids.filter((id) => !removed.includes(id));
    const second = await h.run();

    expect(second.calls[0]).toBe(2); // the resume probe
    const stored = h.store.allIds(1);
    expect(stored.filter((id) => removed.includes(id))).toEqual([]);
    expect(stored).toHaveLength(97);
    expect(second.summary).toMatchObject({ systemsExtracted: 97, totalSystems: 97, coveragePct: 100 });
  });

  it('keeps ids that left the edge of the page: they may have shifted onto a neighbour', async () => {
    const h = harness({ systems: 100 });
    await h.run({ batchPages: 2 });
    h.api.mutate({ removeFromPages: { pages: [1], count: 3 } }); // page 2's first 3 ids move to page 1
    const moved = h.api.pageOf(1).ids.slice(-3);
    await h.run();
    const stored = h.store.allIds(1);
    expect(moved.every((id) => stored.includes(id))).toBe(true);
  });
});

describe('staleOnPage (D53)', () => {
  it.each<[string, string[], string[], string[]]>([
    ['a deleted id between survivors', ['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'e'], ['b']],
    ['ids gone at the front may have shifted back', ['a', 'b', 'c', 'd'], ['c', 'd', 'e', 'f'], []],
    ['ids gone at the end may have shifted forward', ['a', 'b', 'c', 'd'], ['x', 'a', 'b'], []],
    ['a reordered page claims nothing', ['a', 'b', 'c'], ['c', 'a'], []],
    ['one survivor bounds nothing', ['a', 'b', 'c'], ['b', 'x'], []],
  ])('%s', (_label, stored, current, stale) => {
    expect(staleOnPage(stored, current)).toEqual(stale);
  });
});
