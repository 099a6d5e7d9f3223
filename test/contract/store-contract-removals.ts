/**
 * The Store contract, part 4: confirmed removals (D85, D86, D87), selected once, settled only while
 * pending and only with the commit that stores what the lookup found (page 0), previous rows read
 * back whole, page ranges compared with each pass's own page_limit.
 */
import { describe, expect, it } from 'vitest';
import type { CommitBatch, Store, SystemRecord } from '../../src/store/index.ts';
import { batch, BIG_ID, gap, system, T0, type StoreHarness } from './contract-kit.ts';

const id = (n: number): string => String(52549000000186000n + BigInt(n));
const sys = (n: number): SystemRecord =>
  system(id(n), { scan_status: 229 }, `{"resource_id":${id(n)},"n":${n}}`);

function pass(
  snapshotId: number,
  pages: CommitBatch['pages'],
  extra: Partial<CommitBatch> = {},
): CommitBatch {
  const base = batch(snapshotId, { pages, ...extra });
  return { ...base, checkpoint: { ...base.checkpoint, last_page: 3, total_systems: 6, total_pages: 3 } };
}

/** A published snapshot with 6 systems on pages 1-3 (limit 2, offsets 0-5); returns its id. */
async function publishedSix(store: Store): Promise<number> {
  const first = await store.createSnapshot(T0);
  await store.commit(
    pass(
      first,
      [1, 2, 3].map((page) => ({ page, systems: [sys(page * 2 - 2), sys(page * 2 - 1)] })),
    ),
  );
  await store.setSnapshotStatus(first, 'success', null, 10);
  return first;
}

/** Snapshot 1 published with 6 systems on pages 1-3 (limit 2); snapshot 2 has pages 1 and 3, page 2 a gap. */
async function twoPasses(store: Store): Promise<number> {
  await publishedSix(store);
  const second = await store.createSnapshot(T0);
  const pages = [
    { page: 1, systems: [sys(0), sys(1)] },
    { page: 3, systems: [sys(4)] },
  ];
  await store.commit(pass(second, pages, { gaps: [gap(2)] }));
  return second;
}

const COUNTS = { previous_snapshot_id: 1, pending: 1, present: 0, removed: 0, lost_gap: 2, carried_over: 0 };

export function removalContract(current: () => StoreHarness): void {
  describe('removal candidates', () => {
    it('previews and counts nothing before a published snapshot exists', async () => {
      const { store } = current();
      const snap = await store.createSnapshot(T0);
      expect(await store.previewRemovalCandidates(snap)).toBeNull();
      expect(await store.selectRemovalCandidates(snap, T0)).toBeNull();
      expect(await store.removalCounts(snap)).toBeNull();
      expect(await store.pendingRemovalCandidates(snap, 10)).toEqual([]);
    });

    it('selects the missing systems once: the lost page is unknown, the rest pending, after a reopen too', async () => {
      const { store, reopen } = current();
      const snap = await twoPasses(store);
      expect(await store.previewRemovalCandidates(snap)).toEqual({
        previous_snapshot_id: 1,
        candidates: 1,
        lost_gap: 2,
      });
      expect(await store.removalCounts(snap)).toBeNull();
      expect(await store.selectRemovalCandidates(snap, T0)).toEqual(COUNTS);
      expect(await store.pendingRemovalCandidates(snap, 10)).toEqual([id(5)]);
      // Selecting again (a resumed run, another process) changes nothing, even once the gap resolved.
      await store.commit(
        pass(snap, [{ page: 2, systems: [sys(2)] }], {
          gapRetries: [{ page_num: 2, resolved: true, attempts: 1 }],
        }),
      );
      const next = await reopen();
      expect(await next.selectRemovalCandidates(snap, T0 + 1000)).toEqual(COUNTS);
      expect(await next.pendingRemovalCandidates(snap, 0)).toEqual([]);
    });

    it('orders pending ids by previous page, then id, and honours the limit', async () => {
      const { store } = current();
      const first = await store.createSnapshot(T0);
      await store.commit(
        pass(first, [
          { page: 2, systems: [sys(9), sys(3)] },
          { page: 1, systems: [sys(7)] },
        ]),
      );
      await store.setSnapshotStatus(first, 'success', null, 10);
      const snap = await store.createSnapshot(T0);
      expect(await store.selectRemovalCandidates(snap, T0)).toMatchObject({ pending: 3, lost_gap: 0 });
      expect(await store.pendingRemovalCandidates(snap, 10)).toEqual([id(7), id(3), id(9)]);
      expect(await store.pendingRemovalCandidates(snap, 2)).toEqual([id(7), id(3)]);
    });

    it('compares pages as offset ranges with each pass page_limit (a changed page size)', async () => {
      const { store } = current();
      // Previous pass: limit 2, pages 1-3 hold offsets 0-5.
      const first = await publishedSix(store);
      const snap = await store.createSnapshot(T0);
      // This pass: limit 4; its page 2 (offsets 4-7) is lost, so previous page 3 is lost, pages 1-2 are not.
      const wide = pass(snap, [], { gaps: [gap(2)] });
      await store.commit({ ...wide, checkpoint: { ...wide.checkpoint, page_limit: 4 } });
      expect(await store.previewRemovalCandidates(snap)).toEqual({
        previous_snapshot_id: first,
        candidates: 4,
        lost_gap: 2,
      });
    });

    it('settles a lookup with the commit that stores its system on page 0, and only while pending', async () => {
      const { store } = current();
      const snap = await twoPasses(store);
      await store.selectRemovalCandidates(snap, T0);
      const found = sys(5);
      const settled = {
        resource_id: found.resource_id,
        state: 'present' as const,
        reason: null,
        attempts: 2,
      };
      const result = await store.commit(pass(snap, [{ page: 0, systems: [found] }], { lookups: [settled] }));
      expect(result.systems_extracted).toBe(4);
      expect(await store.removalCounts(snap)).toEqual({ ...COUNTS, pending: 0, present: 1 });
      expect(await store.idsOnPage(snap, 0)).toEqual([found.resource_id]);
      expect(await store.rawRecord(found.resource_id)).toBe(found.raw_json);
      // A settled row is never settled again (a lookup repeated after a crash cannot flip it).
      await store.commit(pass(snap, [], { lookups: [{ ...settled, state: 'removed' }] }));
      expect(await store.removalCounts(snap)).toEqual({ ...COUNTS, pending: 0, present: 1 });
    });

    it('rolls a settlement back with the commit that failed after it', async () => {
      const { store, tamper } = current();
      const snap = await twoPasses(store);
      await store.selectRemovalCandidates(snap, T0);
      const removed = { resource_id: id(5), state: 'removed' as const, reason: null, attempts: 1 };
      // The gaps are written after the lookups: a table they cannot reach fails the whole commit.
      await tamper('ALTER TABLE extraction_gaps RENAME TO moved_gaps');
      await expect(store.commit(pass(snap, [], { lookups: [removed], gaps: [gap(3)] }))).rejects.toThrow();
      expect(await store.pendingRemovalCandidates(snap, 10)).toEqual([id(5)]);
    });

    it('counts a lookup that failed, its previous row carried over on page 0', async () => {
      const { store } = current();
      const snap = await twoPasses(store);
      await store.selectRemovalCandidates(snap, T0);
      const unknown = {
        resource_id: id(5),
        state: 'unknown' as const,
        reason: 'lookup_failed' as const,
        attempts: 3,
      };
      await store.commit(
        pass(snap, [{ page: 0, systems: await store.previousRecords(snap, [id(5)]) }], {
          lookups: [unknown],
        }),
      );
      expect(await store.removalCounts(snap)).toEqual({ ...COUNTS, pending: 0, carried_over: 1 });
      expect(await store.idsOnPage(snap, 0)).toEqual([id(5)]);
      expect(await store.rawRecord(id(5))).toBe(sys(5).raw_json);
    });

    it('reads the previous published rows back, columns and raw record as stored', async () => {
      const { store } = current();
      const first = await store.createSnapshot(T0);
      const big = system(
        BIG_ID,
        { scan_status: 229, agent_version: '11.2' },
        `{"resource_id":${BIG_ID},"x":1.50}`,
      );
      await store.commit(pass(first, [{ page: 1, systems: [big, sys(1)] }]));
      await store.setSnapshotStatus(first, 'success', null, 10);
      const snap = await store.createSnapshot(T0);
      await store.selectRemovalCandidates(snap, T0);
      const [previous, ...rest] = await store.previousRecords(snap, [BIG_ID, '999']);
      expect(rest).toEqual([]);
      expect(previous?.resource_id).toBe(BIG_ID);
      expect(previous?.raw_json).toBe(big.raw_json);
      expect(previous?.columns).toMatchObject({
        resource_name: `pc-${BIG_ID}`,
        branch_office_name: 'Branch A',
        scan_status: 229,
      });
      expect(await store.previousRecords(snap, [])).toEqual([]);
    });
  });
}
