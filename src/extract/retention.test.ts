/**
 * Retention at the end of a run (D83): the run that publishes a pass prunes, with the configured
 * keep, and logs `snapshots_pruned` after `target_met`; a run that publishes nothing prunes nothing.
 * In-process, over the real SQLite store: see test/support/extract-harness.ts.
 */
import { describe, expect, it } from 'vitest';
import { fieldsOf, harness, typesOf } from '../../test/support/extract-harness.ts';

describe('retention after publishing', () => {
  it('keeps the systems of the newest keepSnapshots published passes', async () => {
    const h = harness({ systems: 100 });
    const first = await h.run({ keepSnapshots: 2 });
    // free_bytes: the pages the published pass left in pending_systems (D134); this in-memory
    // database has no auto-vacuum to give them back.
    const [pruned] = fieldsOf(first, 'snapshots_pruned');
    expect(pruned).toMatchObject({
      keep_snapshots: 2,
      snapshots_pruned: 0,
      systems_deleted: 0,
      raw_parts_deleted: 0,
      reclaimed_bytes: 0,
    });
    expect(fieldsOf(first, 'snapshots_pruned')).toHaveLength(1);
    expect(typeof pruned?.['free_bytes']).toBe('number');
    await h.run({ keepSnapshots: 2, reset: true });
    const third = await h.run({ keepSnapshots: 2, reset: true });
    expect(fieldsOf(third, 'snapshots_pruned')).toEqual([
      expect.objectContaining({
        keep_snapshots: 2,
        snapshots_pruned: 1,
        systems_deleted: 100,
        raw_parts_deleted: 4,
      }),
    ]);
    expect(typesOf(third).slice(-2)).toEqual(['target_met', 'snapshots_pruned']);
    await h.run({ keepSnapshots: 2, reset: true });
    expect([1, 2, 3, 4].map((id) => h.store.countSystems(id))).toEqual([0, 0, 100, 100]);
    // History stays: every snapshot still has its checkpoint.
    const checkpoints = await Promise.all([1, 2, 3, 4].map((id) => h.store.getCheckpoint(id)));
    expect(checkpoints.map((checkpoint) => checkpoint?.systems_extracted)).toEqual([100, 100, 100, 100]);
  });

  it('prunes nothing in a run that publishes nothing', async () => {
    const h = harness({ systems: 100 });
    await h.run({ keepSnapshots: 1 });
    const partial = await h.run({ keepSnapshots: 1, reset: true, batchPages: 2 });
    expect(partial.summary.outcome).toBe('batch_complete');
    expect(typesOf(partial)).not.toContain('snapshots_pruned');
    // The finished pass and the one in progress both keep their systems.
    expect([1, 2].map((id) => h.store.countSystems(id))).toEqual([100, 50]);
    const done = await h.run({ keepSnapshots: 1 });
    expect(fieldsOf(done, 'snapshots_pruned')).toEqual([expect.objectContaining({ snapshots_pruned: 1 })]);
    expect([1, 2].map((id) => h.store.countSystems(id))).toEqual([0, 100]);
  });
});
