/**
 * The Store contract, written once and run against every store (D95): SQLite, PGlite in every
 * `npm test`, and a real PostgreSQL server when PMP_TEST_DATABASE_URL is set. Each test gets a
 * database of its own from `open`, and only the port's methods (plus `tamper`) are used, so a
 * failure here means the stores disagree on behaviour, not on layout.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotStatus } from '../../src/store/index.ts';
import {
  batch,
  expectDatabaseError,
  system,
  T0,
  type OpenHarness,
  type StoreHarness,
} from './contract-kit.ts';
import { gapAndBudgetContract } from './store-contract-gaps.ts';
import { livingInventoryContract } from './store-contract-living.ts';
import { removalContract } from './store-contract-removals.ts';
import { systemsContract } from './store-contract-systems.ts';

export function describeStoreContract(name: string, open: OpenHarness): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness | undefined;
    const current = (): StoreHarness => {
      if (harness === undefined) throw new Error('no harness');
      return harness;
    };
    beforeEach(async () => {
      harness = await open();
    });
    afterEach(async () => {
      await harness?.cleanup();
      harness = undefined;
    });
    snapshotContract(current);
    systemsContract(current);
    gapAndBudgetContract(current);
    livingInventoryContract(current);
    removalContract(current);
  });
}

function snapshotContract(current: () => StoreHarness): void {
  describe('snapshots and checkpoints', () => {
    it('creates a partial snapshot with a zeroed checkpoint, found as current after a reopen', async () => {
      const { store, reopen } = current();
      expect(await store.currentSnapshot()).toBeNull();
      const id = await store.createSnapshot(T0);
      const info = { snapshot_id: id, status: 'partial', created_at_ms: T0, error_message: null };
      expect(await store.currentSnapshot()).toEqual(info);
      const checkpoint = {
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
      };
      expect(await store.getCheckpoint(id)).toEqual(checkpoint);
      expect(await store.getCheckpoint(id + 1)).toBeNull();
      const next = await reopen();
      expect(await next.currentSnapshot()).toEqual(info);
      expect(await next.getCheckpoint(id)).toEqual(checkpoint);
      expect(await next.createSnapshot(T0 + 1)).toBeGreaterThan(id);
    });

    it('sets status, error and duration; a bad status or an unknown snapshot is a database_error', async () => {
      const { store } = current();
      const id = await store.createSnapshot(T0);
      await store.setSnapshotStatus(id, 'failed', 'boom', 1234.6);
      expect(await store.currentSnapshot()).toMatchObject({ status: 'failed', error_message: 'boom' });
      await store.setSnapshotStatus(id, 'success', null, null);
      expect(await store.currentSnapshot()).toMatchObject({ status: 'success', error_message: null });
      // The duration kept from the first call (1235 ms, rounded) dates the completion.
      expect(await store.publishedSnapshot()).toEqual({
        snapshot_id: id,
        completed_at_ms: T0 + 1235,
        systems_extracted: 0,
        coverage_pct: 0,
      });
      await store.setSnapshotStatus(id, 'success', null, -5);
      expect((await store.publishedSnapshot())?.completed_at_ms).toBe(T0);
      await expectDatabaseError(
        () => store.setSnapshotStatus(id, 'in_progress' as SnapshotStatus, null, 1),
        /Cannot set snapshot \d+ to in_progress: .*check constraint/i,
      );
      await expectDatabaseError(
        () => store.setSnapshotStatus(999, 'success', null, 1),
        /Snapshot 999 does not exist/,
      );
    });

    it('publishes the newest success only, dated by its last checkpoint when it has no duration', async () => {
      const { store } = current();
      expect(await store.publishedSnapshot()).toBeNull();
      const first = await store.createSnapshot(T0);
      await store.commit(batch(first, { pages: [{ page: 1, systems: [system('1')] }], nowMs: T0 + 50 }));
      await store.setSnapshotStatus(first, 'success', null, null);
      const second = await store.createSnapshot(T0 + 100);
      await store.setSnapshotStatus(second, 'failed', 'superseded', 10);
      expect(await store.publishedSnapshot()).toEqual({
        snapshot_id: first,
        completed_at_ms: T0 + 50,
        systems_extracted: 1,
        coverage_pct: 25,
      });
    });

    it('round-trips every checkpoint field through commit and records the previous coverage', async () => {
      const { store } = current();
      const id = await store.createSnapshot(T0);
      const checkpoint = {
        last_page: 1,
        total_systems: 3,
        total_pages: 2,
        page_limit: 2,
        pass_complete: true,
        previous_coverage_pct: 12.5,
        probed_page_size: 25,
        page_size_fallback: 'pagelimit=1000 on page 3: network_timeout',
      };
      const pages = [{ page: 1, systems: [system('1'), system('2')] }];
      const result = await store.commit(batch(id, { pages, checkpoint, nowMs: T0 + 1000 }));
      expect(result).toEqual({ systems_extracted: 2, coverage_pct: 66.6 });
      expect(await store.getCheckpoint(id)).toEqual({
        snapshot_id: id,
        ...checkpoint,
        systems_extracted: 2,
        coverage_pct: 66.6,
        updated_at_ms: T0 + 1000,
      });
      await store.setPreviousCoverage(id, 66.6);
      expect((await store.getCheckpoint(id))?.previous_coverage_pct).toBe(66.6);
    });

    it('computes coverage per snapshot: 0 without a total, 100 for an empty inventory, clamped, never rounded up', async () => {
      const { store } = current();
      const id = await store.createSnapshot(T0);
      const systems = [system('1'), system('2'), system('3')];
      const commitWith = (total: number | null) =>
        store.commit(
          batch(id, {
            pages: [{ page: 1, systems }],
            checkpoint: { ...batch(id).checkpoint, total_systems: total },
          }),
        );
      expect((await commitWith(null)).coverage_pct).toBe(0);
      expect((await commitWith(0)).coverage_pct).toBe(100);
      expect((await commitWith(2)).coverage_pct).toBe(100);
      expect((await commitWith(3001)).coverage_pct).toBe(0); // 0.0999…% floors to 0
      expect(await commitWith(3)).toEqual({ systems_extracted: 3, coverage_pct: 100 });
      // A new snapshot starts from zero: coverage is never counted over history.
      const next = await store.createSnapshot(T0 + 1);
      expect((await store.commit(batch(next))).systems_extracted).toBe(0);
    });

    it('resets a corrupt checkpoint to a safe state that keeps the true count', async () => {
      const { store } = current();
      const id = await store.createSnapshot(T0);
      await store.commit(batch(id, { pages: [{ page: 1, systems: [system('1')] }] }));
      await store.resetCheckpoint(id, 0, T0 + 5);
      expect(await store.getCheckpoint(id)).toMatchObject({
        last_page: 0,
        systems_extracted: 1,
        coverage_pct: 0,
        total_systems: null,
        pass_complete: false,
        updated_at_ms: T0 + 5,
      });
    });

    it('never trusts the count of a checkpoint edited behind its back (D71)', async () => {
      const { store, reopen, tamper } = current();
      const id = await store.createSnapshot(T0);
      await store.commit(batch(id, { pages: [{ page: 1, systems: [system('1'), system('2')] }] }));
      await tamper('UPDATE extraction_checkpoints SET systems_extracted = 47');
      const next = await reopen();
      const result = await next.commit(batch(id, { pages: [{ page: 2, systems: [system('3')] }] }));
      expect(result).toEqual({ systems_extracted: 3, coverage_pct: 75 });
    });

    it('counts the last successful pass before a snapshot, telling none apart from an empty one', async () => {
      const { store } = current();
      const empty = await store.createSnapshot(T0);
      expect(await store.lastSuccessfulSize(empty + 1)).toBeNull();
      await store.setSnapshotStatus(empty, 'success', null, 1);
      expect(await store.lastSuccessfulSize(empty + 1)).toBe(0);
      const full = await store.createSnapshot(T0 + 1);
      await store.commit(batch(full, { pages: [{ page: 1, systems: [system('1'), system('2')] }] }));
      await store.setSnapshotStatus(full, 'success', null, 1);
      const open = await store.createSnapshot(T0 + 2);
      await store.commit(batch(open, { pages: [{ page: 1, systems: [system('1')] }] }));
      expect(await store.lastSuccessfulSize(open)).toBe(2);
      expect(await store.lastSuccessfulSize(full)).toBe(0);
      expect(await store.lastSuccessfulSize(empty)).toBeNull();
    });
  });
}
