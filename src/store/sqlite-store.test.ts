/** SQLite-only behaviour of the store; what every store must do is the contract suite's (test/contract). */
import { afterEach, describe, expect, it } from 'vitest';
import { openReadableStore, type ReadableStore } from '../../test/support/store-reads.ts';
// The fixtures are the store contract's (BIG_ID is above 2^53: it must survive as exact text).
import { BIG_ID, batch, expectDatabaseError, gap, system, T0 } from '../../test/contract/contract-kit.ts';
import type { GapRecord, SnapshotStatus } from './store.ts';

let store: ReadableStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

function open(): ReadableStore {
  store = openReadableStore({ path: ':memory:' });
  return store;
}

describe('snapshots and checkpoints', () => {
  it('creates a partial snapshot with a zeroed checkpoint and finds it as current', async () => {
    const s = open();
    expect(await s.currentSnapshot()).toBeNull();
    const id = await s.createSnapshot(T0);
    expect(await s.currentSnapshot()).toEqual({
      snapshot_id: id,
      status: 'partial',
      created_at_ms: T0,
      error_message: null,
    });
    expect(await s.getCheckpoint(id)).toEqual({
      snapshot_id: id,
      last_page: 0,
      systems_extracted: 0,
      coverage_pct: 0,
      total_systems: null,
      total_pages: null,
      page_limit: null,
      pass_complete: false,
      previous_coverage_pct: null,
      probed_page_size: null,
      page_size_fallback: null,
      updated_at_ms: T0,
    });
    expect(await s.getCheckpoint(id + 1)).toBeNull();
  });

  it('sets status, error and duration; unknown snapshots are errors', async () => {
    const s = open();
    const id = await s.createSnapshot(T0);
    await s.setSnapshotStatus(id, 'failed', 'boom', 1234.6);
    expect(await s.currentSnapshot()).toMatchObject({ status: 'failed', error_message: 'boom' });
    await s.setSnapshotStatus(id, 'success', null, null);
    expect(await s.currentSnapshot()).toMatchObject({ status: 'success', error_message: null });
    await s.setSnapshotStatus(id, 'success', null, -5);
    await expectDatabaseError(async () => {
      await s.setSnapshotStatus(id, 'in_progress' as SnapshotStatus, null, 1);
    }, /Cannot set snapshot \d+ to in_progress: CHECK constraint failed/);
    await expectDatabaseError(async () => {
      await s.setSnapshotStatus(999, 'success', null, 1);
    }, /Snapshot 999 does not exist/);
  });

  it('round-trips every checkpoint field through commit', async () => {
    const s = open();
    const id = await s.createSnapshot(T0);
    const result = await s.commit(
      batch(id, {
        pages: [{ page: 1, systems: [system('1'), system('2')] }],
        checkpoint: {
          last_page: 1,
          total_systems: 3,
          total_pages: 2,
          page_limit: 2,
          pass_complete: true,
          previous_coverage_pct: 12.5,
          probed_page_size: null,
          page_size_fallback: null,
        },
        nowMs: T0 + 1000,
      }),
    );
    expect(result).toEqual({ systems_extracted: 2, coverage_pct: 66.6 });
    expect(await s.getCheckpoint(id)).toEqual({
      snapshot_id: id,
      last_page: 1,
      systems_extracted: 2,
      coverage_pct: 66.6,
      total_systems: 3,
      total_pages: 2,
      page_limit: 2,
      pass_complete: true,
      previous_coverage_pct: 12.5,
      probed_page_size: null,
      page_size_fallback: null,
      updated_at_ms: T0 + 1000,
    });
    await s.setPreviousCoverage(id, 66.6);
    expect((await s.getCheckpoint(id))?.previous_coverage_pct).toBe(66.6);
  });

  it('computes coverage per snapshot: 0 without a total, 100 for an empty inventory, clamped to 100, never rounded up', async () => {
    const s = open();
    const id = await s.createSnapshot(T0);
    const systems = [system('1'), system('2'), system('3')];
    const commitWith = (total: number | null) =>
      s.commit(
        batch(id, {
          pages: [{ page: 1, systems }],
          checkpoint: { ...batch(id).checkpoint, total_systems: total },
        }),
      );
    expect((await commitWith(null)).coverage_pct).toBe(0);
    expect((await commitWith(0)).coverage_pct).toBe(100);
    expect((await commitWith(2)).coverage_pct).toBe(100);
    expect((await commitWith(3001)).coverage_pct).toBe(0); // 0.0999…% floors to 0
    expect((await commitWith(3)).coverage_pct).toBe(100);
    // A new snapshot starts from zero: coverage is never counted over history.
    const next = await s.createSnapshot(T0 + 1);
    expect((await s.commit(batch(next))).systems_extracted).toBe(0);
    expect(s.countSystems(id)).toBe(3);
  });
});

describe('systems', () => {
  it('upserts without churning system_id and refreshes updated_at and source_page', async () => {
    const s = open();
    const id = await s.createSnapshot(T0);
    await s.commit(batch(id, { pages: [{ page: 1, systems: [system('1', { os_name: 'Win10' })] }] }));
    await s.commit(
      batch(id, {
        pages: [{ page: 2, systems: [system('1', { os_name: 'Win11' }), system('2')] }],
        nowMs: T0 + 60_000,
      }),
    );
    expect(s.countSystems(id)).toBe(2);
    expect(await s.idsOnPage(id, 1)).toEqual([]);
    expect(await s.idsOnPage(id, 2)).toEqual(['1', '2']);
    expect(s.allIds(id)).toEqual(['1', '2']);
  });

  it('stores a 17-digit resource_id exactly and answers knownIds', async () => {
    const s = open();
    const id = await s.createSnapshot(T0);
    await s.commit(batch(id, { pages: [{ page: 1, systems: [system(BIG_ID)] }] }));
    expect(s.allIds(id)).toEqual([BIG_ID]);
    expect(await s.knownIds(id, [BIG_ID, '12345678901234568'])).toEqual(new Set([BIG_ID]));
    expect(await s.knownIds(id, [])).toEqual(new Set());
    expect(await s.knownIds(id + 1, [BIG_ID])).toEqual(new Set());
  });

  it('rejects a commit with a system that cannot be stored, leaving nothing behind', async () => {
    const s = open();
    const id = await s.createSnapshot(T0);
    const bad = { ...system('2'), columns: { resource_name: 'pc', branch_office_name: null } };
    await expectDatabaseError(
      () =>
        s.commit(
          batch(id, {
            pages: [{ page: 1, systems: [system('1'), bad] }],
            gaps: [gap(3)],
            checkpoint: { ...batch(id).checkpoint, last_page: 3 },
          }),
        ),
      /System 2 \(page 1\) has no branch_office_name/,
    );
    expect(s.countSystems(id)).toBe(0);
    expect(await s.listGaps(id)).toEqual([]);
    expect((await s.getCheckpoint(id))?.last_page).toBe(0);
    await expectDatabaseError(
      () => s.commit(batch(id, { pages: [{ page: 1, systems: [system('')] }] })),
      /no resource_id/,
    );
    await expectDatabaseError(() => s.commit(batch(id + 7)), /Snapshot \d+ does not exist/);
    const noType = { ...gap(5), error_type: null } as unknown as GapRecord;
    await expectDatabaseError(
      () => s.commit(batch(id, { pages: [{ page: 1, systems: [system('1')] }], gaps: [noType] })),
      /Cannot commit to snapshot \d+: NOT NULL constraint failed: extraction_gaps.error_type/,
    );
    expect(s.countSystems(id)).toBe(0);
  });
});

describe('token requests', () => {
  it('counts requests inside a window and prunes those older than a day', async () => {
    const s = open();
    const day = 24 * 60 * 60 * 1000;
    await s.recordTokenRequest(T0);
    await s.recordTokenRequest(T0 + 1000);
    await s.recordTokenRequest(T0 + 600_000);
    expect(await s.countTokenRequestsSince(T0 + 600_000 - 600_000)).toBe(3);
    expect(await s.countTokenRequestsSince(T0 + 1)).toBe(2);
    await s.recordTokenRequest(T0 + day + 500);
    expect(await s.countTokenRequestsSince(0)).toBe(3);
  });
});

describe('close', () => {
  it('can be called twice', async () => {
    const s = open();
    await s.close();
    await s.close();
    store = undefined;
  });
});
