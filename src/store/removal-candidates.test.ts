/**
 * removal_candidates over the real SQLite store (D85, D86, D87): selected once, settled only while
 * pending and only with the commit that stores what the lookup found, previous rows read back whole.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openReadableStore, type ReadableStore } from '../../test/support/store-reads.ts';
import type { CommitBatch, SystemRecord } from './store.ts';

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);

let store: ReadableStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

function system(n: number): SystemRecord {
  const id = String(52549000000186000n + BigInt(n));
  return {
    resource_id: id,
    columns: { resource_name: `pc-${n}`, branch_office_name: 'Branch A', scan_status: 229 },
    raw_json: `{"resource_id":${id},"n":${n}}`,
  };
}

async function commit(
  snapshotId: number,
  pages: CommitBatch['pages'],
  extra: Partial<CommitBatch> = {},
): Promise<void> {
  await store?.commit({
    snapshot_id: snapshotId,
    pages,
    gaps: [],
    gapRetries: [],
    checkpoint: {
      last_page: 3,
      total_systems: 6,
      total_pages: 3,
      page_limit: 2,
      pass_complete: true,
      previous_coverage_pct: null,
      probed_page_size: null,
      page_size_fallback: null,
    },
    nowMs: T0,
    ...extra,
  });
}

/** Snapshot 1 published with 6 systems on pages 1-3; snapshot 2 holds page 1 and 3, page 2 is a gap. */
async function twoPasses(): Promise<ReadableStore> {
  store = openReadableStore({ path: ':memory:' });
  const first = await store.createSnapshot(T0);
  await commit(
    first,
    [1, 2, 3].map((page) => ({ page, systems: [system(page * 2 - 2), system(page * 2 - 1)] })),
  );
  await store.setSnapshotStatus(first, 'success', null, 10);
  const second = await store.createSnapshot(T0);
  const gap = {
    page_num: 2,
    error_type: '5xx_server_error' as const,
    error_message: 'HTTP 503',
    response_sample: null,
    attempts: 3,
  };
  await commit(
    second,
    [
      { page: 1, systems: [system(0), system(1)] },
      { page: 3, systems: [system(4)] },
    ],
    { gaps: [gap] },
  );
  return store;
}

describe('removal candidates in the store', () => {
  it('previews nothing before a published snapshot exists', async () => {
    store = openReadableStore({ path: ':memory:' });
    const id = await store.createSnapshot(T0);
    expect(await store.previewRemovalCandidates(id)).toBeNull();
    expect(await store.removalCounts(id)).toBeNull();
  });

  it('selects the missing systems once: the lost page is unknown, the rest pending', async () => {
    const s = await twoPasses();
    expect(await s.previewRemovalCandidates(2)).toEqual({
      previous_snapshot_id: 1,
      candidates: 1,
      lost_gap: 2,
    });
    expect(await s.removalCounts(2)).toBeNull();
    const counts = {
      previous_snapshot_id: 1,
      pending: 1,
      present: 0,
      removed: 0,
      lost_gap: 2,
      carried_over: 0,
    };
    expect(await s.selectRemovalCandidates(2, T0)).toEqual(counts);
    expect(await s.pendingRemovalCandidates(2, 10)).toEqual([system(5).resource_id]);
    // Selecting again changes nothing (a resumed run).
    expect(await s.selectRemovalCandidates(2, T0 + 1000)).toEqual(counts);
    expect(
      s.select(
        'SELECT resource_id, previous_page, state, reason FROM removal_candidates ORDER BY resource_id',
      ),
    ).toEqual([
      { resource_id: system(2).resource_id, previous_page: 2, state: 'unknown', reason: 'lost_gap' },
      { resource_id: system(3).resource_id, previous_page: 2, state: 'unknown', reason: 'lost_gap' },
      { resource_id: system(5).resource_id, previous_page: 3, state: 'pending', reason: null },
    ]);
  });

  it('settles a lookup with the commit that stores its system on page 0, and only while pending', async () => {
    const s = await twoPasses();
    await s.selectRemovalCandidates(2, T0);
    const found = system(5);
    const settled = { resource_id: found.resource_id, state: 'present' as const, reason: null, attempts: 2 };
    await commit(2, [{ page: 0, systems: [found] }], { lookups: [settled] });
    expect(await s.removalCounts(2)).toMatchObject({ pending: 0, present: 1 });
    expect(
      s.select(
        'SELECT source_page FROM pending_systems WHERE snapshot_id = 2 AND resource_id = ?',
        found.resource_id,
      ),
    ).toEqual([{ source_page: 0 }]);
    expect(await s.rawRecord(found.resource_id)).toBe(found.raw_json);
    // A settled row is never settled again (a lookup repeated after a crash cannot flip it).
    await commit(2, [], { lookups: [{ ...settled, state: 'removed' }] });
    expect(s.select('SELECT state, attempts FROM removal_candidates WHERE state <> ?', 'unknown')).toEqual([
      { state: 'present', attempts: 2 },
    ]);
  });

  it('reads the previous published rows back, columns and raw record as stored', async () => {
    const s = await twoPasses();
    await s.selectRemovalCandidates(2, T0);
    const [previous] = await s.previousRecords(2, [system(5).resource_id]);
    expect(previous?.resource_id).toBe(system(5).resource_id);
    expect(previous?.raw_json).toBe(system(5).raw_json);
    expect(previous?.columns).toMatchObject({
      resource_name: 'pc-5',
      branch_office_name: 'Branch A',
      scan_status: 229,
    });
    expect(await s.previousRecords(2, [])).toEqual([]);
  });
});
