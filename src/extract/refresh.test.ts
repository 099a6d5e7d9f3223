/**
 * Scheduled refresh (D110) and publishing (D111, D112) in-process over the real store: once the
 * published snapshot is older than the interval, the next run starts a new pass at page 1 without
 * --reset; the published snapshot stays what the views show until the new pass is published, and
 * then the change log says what moved.
 */
import { describe, expect, it } from 'vitest';
import { fieldsOf, harness, observedOf, range } from '../../test/support/extract-harness.ts';

const HOUR_MS = 3_600_000;

describe('scheduled refresh', () => {
  it('does nothing while the published snapshot is younger than the interval', async () => {
    const h = harness({ systems: 60 });
    await h.run({ refreshAfterMs: HOUR_MS });
    h.clock.advance(HOUR_MS);
    const again = await h.run({ refreshAfterMs: HOUR_MS });
    expect(again.calls).toEqual([]);
    expect(again.summary).toMatchObject({ outcome: 'already_complete', snapshotId: 1 });
  });

  it('starts a new pass at page 1 once it is older, and publishes it with its changes', async () => {
    const h = harness({ systems: 60 });
    await h.run({ refreshAfterMs: HOUR_MS });
    h.clock.advance(HOUR_MS + 1);
    h.api.mutate({ removeFromPages: { pages: [1], count: 2 }, add: 3 });
    const refresh = await h.run({ refreshAfterMs: HOUR_MS, batchPages: 2 });
    expect(refresh.calls).toEqual([1, 2]);
    expect(refresh.summary).toMatchObject({ outcome: 'batch_complete', snapshotId: 2 });
    // Mid-pass: the first pass is still the published one.
    expect((await h.store.publishedSnapshot())?.snapshot_id).toBe(1);
    expect(await h.store.currentSnapshot()).toMatchObject({ snapshot_id: 2, status: 'partial' });
    const rest = await h.run({ refreshAfterMs: HOUR_MS });
    // Page 2 again first: a resumed pass checks for drift like any other (D6).
    expect(rest.calls).toEqual(range(2, 3));
    expect(rest.summary).toMatchObject({ outcome: 'target_met', snapshotId: 2 });
    expect((await h.store.publishedSnapshot())?.snapshot_id).toBe(2);
    const counts = { previous_snapshot_id: 1, added: 3, removed: 2, changed: 0, reappeared: 0 };
    expect(fieldsOf(rest, 'inventory_changes')).toEqual([counts]);
    expect(observedOf(rest, 'targetMet')[0]?.changes).toEqual({
      previous_snapshot_id: 1,
      changes: { added: 3, removed: 2, changed: 0, reappeared: 0 },
    });
  });

  it('never refreshes on its own with an interval of 0', async () => {
    const h = harness({ systems: 60 });
    await h.run({ refreshAfterMs: 0 });
    h.clock.advance(10_000 * HOUR_MS);
    const again = await h.run({ refreshAfterMs: 0 });
    expect(again.calls).toEqual([]);
    expect(again.summary).toMatchObject({ outcome: 'already_complete', snapshotId: 1 });
  });

  it('measures the age from the end of the pass, not its start', async () => {
    const h = harness({ systems: 60 });
    // The first run reads one page, then the pass ends two hours later.
    await h.run({ refreshAfterMs: HOUR_MS, batchPages: 1 });
    h.clock.advance(2 * HOUR_MS);
    await h.run({ refreshAfterMs: HOUR_MS });
    expect((await h.store.publishedSnapshot())?.snapshot_id).toBe(1);
    h.clock.advance(HOUR_MS - 1);
    expect((await h.run({ refreshAfterMs: HOUR_MS })).summary.outcome).toBe('already_complete');
    h.clock.advance(2);
    expect((await h.run({ refreshAfterMs: HOUR_MS })).summary).toMatchObject({ snapshotId: 2 });
  });
});
