/**
 * The living inventory in the Store contract (D111, D112, D83): publishing writes the change log
 * against the previous published pass, changeCounts reads it, retention deletes the rows of old
 * snapshots only, and the dashboard views read the published pass. Every store must agree.
 */
import { describe, expect, it } from 'vitest';
import type { Store, SystemRecord } from '../../src/store/index.ts';
import { batch, expectDatabaseError, idsOfPages, system, T0, type StoreHarness } from './contract-kit.ts';

const HOUR_MS = 3_600_000;

/** One pass: a snapshot with `systems` on page 1, complete; published when `publish` is true. */
async function pass(store: Store, atMs: number, systems: SystemRecord[], publish = true) {
  const id = await store.createSnapshot(atMs);
  const checkpoint = { ...batch(id).checkpoint, total_systems: systems.length, pass_complete: true };
  await store.commit(batch(id, { pages: [{ page: 1, systems }], checkpoint, nowMs: atMs + 10 }));
  const result = publish ? await store.publishSnapshot(id, atMs + 60_000, 60_000) : null;
  return { id, result };
}

/** system_changes rows of a snapshot, as plain values (Postgres returns int8 as text). */
async function changes(harness: StoreHarness, snapshotId: number): Promise<Record<string, unknown>[]> {
  const rows = await harness.rows(
    `SELECT previous_snapshot_id, resource_id, change_type, changed_fields, resource_name
     FROM system_changes WHERE snapshot_id = ${snapshotId} ORDER BY change_id`,
  );
  return rows.map((row) => ({ ...row, previous_snapshot_id: Number(row['previous_snapshot_id']) }));
}

const none = { added: 0, removed: 0, changed: 0, reappeared: 0 };

export function livingInventoryContract(current: () => StoreHarness): void {
  describe('publishing and change tracking (D111, D112)', () => {
    it('publishes in one call: success, completed_at, duration; the first pass writes no changes', async () => {
      const { store } = current();
      const { id, result } = await pass(store, T0, [system('1'), system('2')]);
      expect(result).toEqual({ previous_snapshot_id: null, changes: none });
      expect(await store.changeCounts(id)).toEqual(none);
      expect(await store.currentSnapshot()).toMatchObject({ status: 'success', error_message: null });
      expect(await store.publishedSnapshot()).toEqual({
        snapshot_id: id,
        completed_at_ms: T0 + 60_000,
        systems_extracted: 2,
        coverage_pct: 100,
      });
      await expectDatabaseError(() => store.publishSnapshot(999, T0, 1), /Snapshot 999 does not exist/);
    });

    it('records added, removed and changed against the previous published pass, ignoring time columns', async () => {
      const harness = current();
      const { store } = harness;
      const first = await pass(store, T0, [
        system('1', { last_scan_time: T0, agent_last_contact_time: T0 }),
        system('2', { ip_address: '10.0.0.2', os_name: 'Windows 10' }),
        system('3', { resource_name: 'old-three' }),
      ]);
      // A failed pass in between is skipped: the comparison is with `first`.
      await pass(store, T0 + HOUR_MS, [system('9')], false);
      const second = await pass(store, T0 + 2 * HOUR_MS, [
        system('1', { last_scan_time: T0 + 1, agent_last_contact_time: T0 + 1 }),
        system('2', { ip_address: '10.0.0.3', os_name: 'Windows 11' }),
        system('4'),
      ]);
      const counts = { added: 1, removed: 1, changed: 1, reappeared: 0 };
      expect(second.result).toEqual({ previous_snapshot_id: first.id, changes: counts });
      expect(await store.changeCounts(second.id)).toEqual(counts);
      const previous = first.id;
      expect(await changes(harness, second.id)).toEqual([
        {
          previous_snapshot_id: previous,
          resource_id: '4',
          change_type: 'added',
          changed_fields: null,
          resource_name: 'pc-4',
        },
        {
          previous_snapshot_id: previous,
          resource_id: '3',
          change_type: 'removed',
          changed_fields: null,
          resource_name: 'old-three',
        },
        {
          previous_snapshot_id: previous,
          resource_id: '2',
          change_type: 'changed',
          changed_fields: '["ip_address","os_name"]',
          resource_name: 'pc-2',
        },
      ]);
      const latest = await harness.rows('SELECT resource_id FROM latest_system_changes ORDER BY change_id');
      expect(latest.map((row) => row['resource_id'])).toEqual(['4', '3', '2']);
    });

    it('marks a system back after a recorded removal as reappeared; a repeated publish replaces its rows', async () => {
      const harness = current();
      const { store } = harness;
      await pass(store, T0, [system('1'), system('2')]);
      await pass(store, T0 + HOUR_MS, [system('1')]);
      const third = await pass(store, T0 + 2 * HOUR_MS, [system('1'), system('2'), system('5')]);
      const counts = { added: 1, removed: 0, changed: 0, reappeared: 1 };
      expect(third.result?.changes).toEqual(counts);
      const again = await store.publishSnapshot(third.id, T0 + 3 * HOUR_MS, 1);
      expect(again.changes).toEqual(counts);
      expect((await changes(harness, third.id)).map((row) => row['change_type'])).toEqual([
        'reappeared',
        'added',
      ]);
      expect((await store.publishedSnapshot())?.completed_at_ms).toBe(T0 + 3 * HOUR_MS);
    });
  });

  describe('retention (D83)', () => {
    it('keeps the newest N published and the pass in progress; deletes the rest once, never the change log', async () => {
      const harness = current();
      const { store } = harness;
      const empty = { snapshots_pruned: 0, systems_deleted: 0 };
      const oldest = await pass(store, T0, [system('1'), system('2')]);
      expect(await store.pruneSnapshots(1)).toMatchObject(empty);
      const failed = await pass(store, T0 + HOUR_MS, [system('1')], false);
      const middle = await pass(store, T0 + 2 * HOUR_MS, [system('1'), system('3')]);
      const newest = await pass(store, T0 + 3 * HOUR_MS, [system('3')]);
      const running = await pass(store, T0 + 4 * HOUR_MS, [system('7')], false);
      const logBefore = await harness.rows('SELECT change_id FROM system_changes ORDER BY change_id');
      const result = await store.pruneSnapshots(2);
      expect(result).toMatchObject({ snapshots_pruned: 2, systems_deleted: 3 });
      expect(await idsOfPages(store, oldest.id, 1)).toEqual([]);
      expect(await idsOfPages(store, failed.id, 1)).toEqual([]);
      expect(await idsOfPages(store, middle.id, 1)).toEqual(['1', '3']);
      expect(await idsOfPages(store, newest.id, 1)).toEqual(['3']);
      expect(await idsOfPages(store, running.id, 1)).toEqual(['7']);
      expect(await harness.rows('SELECT change_id FROM system_changes ORDER BY change_id')).toEqual(
        logBefore,
      );
      expect(await store.getCheckpoint(oldest.id)).not.toBeNull();
      expect(await store.pruneSnapshots(2)).toMatchObject(empty);
      // keep below 1 counts as 1: the published snapshot keeps its rows.
      expect(await store.pruneSnapshots(0)).toMatchObject({ snapshots_pruned: 1, systems_deleted: 2 });
      expect(await idsOfPages(store, newest.id, 1)).toEqual(['3']);
      expect(await idsOfPages(store, running.id, 1)).toEqual(['7']);
    });
  });

  describe('dashboard views (D81, D82)', () => {
    it('summarise the published pass with device_role and the code names', async () => {
      const harness = current();
      const { store } = harness;
      await pass(store, T0, [
        system('1', { os_name: 'Windows Server 2022', os_platform: 1, resource_health_status: 3 }),
        system('2', { os_name: 'Windows 11', os_platform: 1, resource_health_status: 1, scan_status: 226 }),
        system('3', { os_name: 'Ubuntu 22.04', os_platform: 3, computer_live_status: 2 }),
      ]);
      await pass(store, T0 + HOUR_MS, [system('8')], false);
      const roles = await harness.rows(
        'SELECT resource_id, device_role, health_status_name FROM latest_system_details ORDER BY resource_id',
      );
      expect(roles).toEqual([
        { resource_id: '1', device_role: 'server', health_status_name: 'Highly vulnerable' },
        { resource_id: '2', device_role: 'workstation', health_status_name: 'Healthy' },
        { resource_id: '3', device_role: 'unknown', health_status_name: null },
      ]);
      const [summary] = await harness.rows(
        `SELECT organization, total_systems, high_risk_systems, offline_systems, server_systems
         FROM organization_summary`,
      );
      expect(Object.values(summary ?? {}).map(String)).toEqual(['Branch A', '3', '1', '1', '1']);
      const failures = await harness.rows('SELECT resource_id, scan_status_name FROM scan_failures');
      expect(failures).toEqual([{ resource_id: '2', scan_status_name: 'Failed' }]);
      const coverage = await harness.rows('SELECT metric, count FROM data_coverage_report');
      expect(coverage.map((row) => `${String(row['metric'])}=${String(row['count'])}`)).toEqual([
        'Total Systems=3',
        'Systems with IP Address=0',
        'Systems with MAC Address=0',
        'Systems with Domain=0',
        'Systems with Health Status=2',
        'Systems Online=0',
        'Systems Reported by API=3',
      ]);
    });
  });
}
