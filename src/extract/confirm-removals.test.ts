/**
 * Confirmed removals (D85, D86, D87, D89): which missing systems are looked up, and what each answer
 * does to the new snapshot. In-process over the real SQLite store (test/support/extract-harness.ts).
 */
import { describe, expect, it } from 'vitest';
import { fieldsOf, gap, harness } from '../../test/support/extract-harness.ts';
import { verdictOf } from './confirm-removals.ts';

/** 100 systems, 4 pages of 25, one published pass (snapshot 1). */
async function published(systems = 100) {
  const h = harness({ systems });
  expect((await h.run()).summary.outcome).toBe('target_met');
  return h;
}

function candidates(h: Awaited<ReturnType<typeof published>>, snapshotId = 2) {
  return h.store.select(
    `SELECT resource_id, previous_snapshot_id, previous_page, state, reason, attempts
     FROM removal_candidates WHERE snapshot_id = ? ORDER BY resource_id`,
    snapshotId,
  );
}

function pageZero(h: Awaited<ReturnType<typeof published>>, snapshotId = 2): string[] {
  return h.store
    .select('SELECT resource_id FROM systems WHERE snapshot_id = ? AND source_page = 0', snapshotId)
    .map((row) => String(row['resource_id']));
}

describe('systems shifted onto a page already read', () => {
  it('are looked up by id and stored; the truly deleted ones are confirmed removed', async () => {
    const h = await published();
    const deleted = [h.api.ids[80] ?? '', h.api.ids[90] ?? ''];
    h.api.ids = h.api.ids.filter((id) => !deleted.includes(id));
    const before = [...h.api.ids];
    // Mid-pass, once pages 1 and 2 are read: 3 systems of page 1 go and 3 are added at the end, so
    // `total` stays 98 and the first 3 of page 3 shift onto page 2, already read.
    h.api.beforeAnswer = (page) => {
      if (page === 3 && h.api.ids.length === 98 && h.api.ids[0] === before[0]) {
        h.api.mutate({ removeFromPages: { pages: [1], count: 3 }, add: 3 });
      }
    };
    const second = await h.run({ reset: true });

    const shifted = before.slice(50, 53);
    expect(second.calls).toEqual([1, 2, 3, 4]);
    expect([...h.api.lookups].sort()).toEqual([...shifted, ...deleted].sort());
    expect(second.summary).toMatchObject({ outcome: 'target_met', snapshotId: 2 });
    const stored = new Set(h.store.allIds(2));
    expect(h.api.ids.filter((id) => !stored.has(id))).toEqual([]);
    expect(deleted.filter((id) => stored.has(id))).toEqual([]);
    expect(pageZero(h).sort()).toEqual([...shifted].sort());
    expect(candidates(h)).toEqual(
      [
        ...shifted.map((id) => ({ id, state: 'present', page: 3 })),
        ...deleted.map((id) => ({ id, state: 'removed', page: 4 })),
      ]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map(({ id, state, page }) => ({
          resource_id: id,
          previous_snapshot_id: 1,
          previous_page: page,
          state,
          reason: null,
          attempts: 1,
        })),
    );
    expect(fieldsOf(second, 'removal_candidates')).toEqual([
      { previous_snapshot_id: 1, candidates: 5, pending: 5, lost_gap: 0, resumed: false },
    ]);
    expect(fieldsOf(second, 'removal_confirmed')).toEqual([
      { previous_snapshot_id: 1, candidates: 5, present: 3, removed: 2, carried_over: 0 },
    ]);
    // Looked up before the pass closed: the events come before target_met.
    const types = second.events.map((event) => event.type);
    expect(types.indexOf('removal_confirmed')).toBeLessThan(types.indexOf('target_met'));
  });

  it('stores a found system with the record the lookup returned, as a page record', async () => {
    const h = await published();
    const gone = h.api.ids[30] ?? '';
    h.api.ids = h.api.ids.filter((id) => id !== gone);
    h.api.lookupScript.push({ kind: 'ok', page: h.api.answer(1, [gone], 1), failedAttempts: 1 });
    await h.run({ reset: true });

    expect(pageZero(h)).toEqual([gone]);
    expect(await h.store.rawRecord(gone)).toBe(`{"resource_id":${gone}}`);
    expect(candidates(h)).toEqual([expect.objectContaining({ state: 'present', attempts: 2 })]);
  });

  it('looks nothing up for a first pass, or when nothing is missing', async () => {
    const h = await published();
    expect(h.api.lookups).toEqual([]);
    const again = await h.run({ reset: true });
    expect(again.summary.outcome).toBe('target_met');
    expect(h.api.lookups).toEqual([]);
    expect(candidates(h)).toEqual([]);
    expect(fieldsOf(again, 'removal_candidates')).toEqual([]);
  });
});

describe('a system whose previous page is a lost gap (D86)', () => {
  it('is unknown, never looked up; a deleted system elsewhere still is', async () => {
    const h = await published();
    const deleted = h.api.ids[99] ?? '';
    h.api.ids = h.api.ids.filter((id) => id !== deleted);
    h.api.script(2, gap(), gap(), gap(), gap());
    const second = await h.run({ reset: true, targetPct: 70 });

    expect(second.summary).toMatchObject({ outcome: 'target_met' });
    expect(h.api.lookups).toEqual([deleted]);
    const rows = candidates(h);
    expect(rows.filter((row) => row['reason'] === 'lost_gap')).toHaveLength(25);
    expect(
      rows.filter((row) => row['reason'] === 'lost_gap').every((row) => row['previous_page'] === 2),
    ).toBe(true);
    expect(rows.filter((row) => row['state'] === 'removed')).toEqual([
      expect.objectContaining({ resource_id: deleted, previous_page: 4 }),
    ]);
    expect(fieldsOf(second, 'removal_candidates')).toEqual([
      { previous_snapshot_id: 1, candidates: 1, pending: 1, lost_gap: 25, resumed: false },
    ]);
  });

  it('compares offset ranges when the page size changed between the passes', async () => {
    const h = await published();
    h.api.limit = 50; // page 1 of this pass is pages 1 and 2 of the previous one
    h.api.script(1, gap(), gap(), gap(), gap());
    await h.run({ reset: true, targetPct: 50 });

    expect(h.api.lookups).toEqual([]);
    const rows = candidates(h);
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((row) => row['previous_page']))).toEqual(new Set([1, 2]));
    expect(rows.every((row) => row['state'] === 'unknown' && row['reason'] === 'lost_gap')).toBe(true);
  });
});

describe('a lookup that settles nothing (D87)', () => {
  it('keeps the system: its previous row is carried over, unknown, never reported removed', async () => {
    const h = await published();
    const missing = h.api.ids[60] ?? '';
    h.api.ids = h.api.ids.filter((id) => id !== missing);
    h.api.lookupScript.push(gap());
    const second = await h.run({ reset: true });

    expect(second.summary.outcome).toBe('target_met');
    expect(pageZero(h)).toEqual([missing]);
    expect(await h.store.rawRecord(missing)).toBe(`{"resource_id":${missing}}`);
    const [carried] = h.store.select(
      `SELECT resource_name, branch_office_name FROM systems WHERE snapshot_id = 2 AND resource_id = ?`,
      missing,
    );
    expect(carried).toEqual({ resource_name: `pc-${missing.slice(-6)}`, branch_office_name: 'Branch A' });
    expect(candidates(h)).toEqual([
      expect.objectContaining({ state: 'unknown', reason: 'lookup_failed', attempts: 3 }),
    ]);
    expect(fieldsOf(second, 'removal_confirmed')).toEqual([
      { previous_snapshot_id: 1, candidates: 1, present: 0, removed: 0, carried_over: 1 },
    ]);
  });

  it('treats an answer that ignored the filter as unusable, not as a removal', async () => {
    const h = await published();
    const missing = h.api.ids[60] ?? '';
    h.api.ids = h.api.ids.filter((id) => id !== missing);
    h.api.lookupScript.push({ kind: 'ok', page: h.api.pageOf(1), failedAttempts: 0 });
    await h.run({ reset: true });

    expect(candidates(h)).toEqual([expect.objectContaining({ state: 'unknown', reason: 'answer_unusable' })]);
    expect(pageZero(h)).toEqual([missing]);
  });
});

describe('verdictOf (D89)', () => {
  const h = harness({ systems: 3 });
  const [a = '', b = ''] = h.api.ids;

  it('is present when the answer holds the id, even among others', () => {
    expect(verdictOf(a, { kind: 'ok', page: h.api.answer(1, [a], 1), failedAttempts: 0 })).toMatchObject({
      kind: 'present',
      system: { resource_id: a },
      attempts: 1,
    });
    expect(verdictOf(b, { kind: 'ok', page: h.api.answer(1, [a, b], 3), failedAttempts: 2 })).toMatchObject({
      kind: 'present',
      attempts: 3,
    });
  });

  it('is removed only on the empty answer with total 0', () => {
    expect(verdictOf(a, { kind: 'ok', page: h.api.answer(1, [], 0), failedAttempts: 0 })).toEqual({
      kind: 'removed',
      attempts: 1,
    });
    expect(verdictOf(a, { kind: 'ok', page: h.api.answer(1, [], 3), failedAttempts: 0 })).toMatchObject({
      kind: 'unknown',
      reason: 'answer_unusable',
    });
    const rejected = { ...h.api.answer(1, [], 1), receivedCount: 1 };
    expect(verdictOf(a, { kind: 'ok', page: rejected, failedAttempts: 0 })).toMatchObject({
      kind: 'unknown',
      reason: 'answer_unusable',
    });
    expect(verdictOf(a, { kind: 'ok', page: h.api.answer(1, [b], 1), failedAttempts: 0 })).toMatchObject({
      kind: 'unknown',
      reason: 'answer_unusable',
    });
    const failed = gap();
    if (failed.kind !== 'gap') throw new Error('gap() is a gap');
    expect(verdictOf(a, failed)).toEqual({ kind: 'unknown', reason: 'lookup_failed', attempts: 3 });
  });
});
