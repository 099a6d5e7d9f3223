/**
 * Store.publishSnapshot (D111, D112) over a real SQLite file: the snapshot becomes `success` with its
 * completed_at, and system_changes gets exactly one row per added, removed, changed or reappeared
 * system against the previous published pass, in the same transaction. A second connection reads
 * the views as a dashboard would.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { pageCommit } from '../../test/support/commit-batch.ts';
import { tempStores } from '../../test/support/temp-store.ts';
import type { Store, SystemColumnValues, SystemRecord } from './store.ts';

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0, 0);
const HOUR_MS = 3_600_000;

const stores = tempStores('pmp-publish-');
const open = () => stores.open();

/** A stable baseline record; `extra` overrides columns. */
function system(id: string, extra: SystemColumnValues = {}): SystemRecord {
  return {
    resource_id: id,
    columns: {
      resource_name: `pc-${id}`,
      branch_office_name: 'Branch A',
      ip_address: '10.0.0.1',
      resource_health_status: 1,
      agent_last_contact_time: 1000,
      last_scan_time: 2000,
      ...extra,
    },
    raw_json: `{"resource_id":${id}}`,
  };
}

/** Stores one complete pass of `systems` in a new snapshot, leaving it `partial`. */
async function pass(s: Store, systems: readonly SystemRecord[], nowMs: number): Promise<number> {
  const id = await s.createSnapshot(nowMs);
  await s.commit(
    pageCommit({
      snapshotId: id,
      page: 1,
      systems,
      nowMs,
      position: { total_systems: systems.length, total_pages: 1, page_limit: 1000, pass_complete: true },
    }),
  );
  return id;
}

function withReader<T>(path: string, read: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

interface ChangeRow {
  snapshot_id: number;
  previous_snapshot_id: number | null;
  resource_id: string;
  change_type: string;
  changed_fields: string | null;
  resource_name: string | null;
  branch_office_name: string | null;
  detected_at: string;
}

function changes(path: string, view = 'system_changes'): ChangeRow[] {
  return withReader(
    path,
    (db) =>
      db
        .prepare(
          `SELECT snapshot_id, previous_snapshot_id, resource_id, change_type, changed_fields,
             resource_name, branch_office_name, detected_at FROM ${view} ORDER BY change_id`,
        )
        .all() as ChangeRow[],
  );
}

function inventoryIds(path: string): { snapshot_id: number; resource_id: string }[] {
  return withReader(
    path,
    (db) =>
      db
        .prepare('SELECT snapshot_id, resource_id FROM latest_system_inventory ORDER BY resource_id')
        .all() as { snapshot_id: number; resource_id: string }[],
  );
}

describe('publishSnapshot', () => {
  it('sets success, completed_at and the duration; the first publish compares with nothing', async () => {
    const { store: s, path } = open();
    const id = await pass(s, [system('11'), system('12')], T0);
    expect(inventoryIds(path)).toEqual([]);
    const result = await s.publishSnapshot(id, T0 + 90_000, 90_000.4);
    expect(result).toEqual({
      previous_snapshot_id: null,
      changes: { added: 0, removed: 0, changed: 0, reappeared: 0 },
    });
    const row = withReader(path, (db) =>
      db.prepare('SELECT status, completed_at, extraction_duration_ms, error_message FROM snapshots').get(),
    );
    expect(row).toEqual({
      status: 'success',
      completed_at: '2026-11-26 10:01:30.000',
      extraction_duration_ms: 90_000,
      error_message: null,
    });
    expect(await s.publishedSnapshot()).toMatchObject({ snapshot_id: id, completed_at_ms: T0 + 90_000 });
    expect(changes(path)).toEqual([]);
    expect(inventoryIds(path).map((r) => r.resource_id)).toEqual(['11', '12']);
  });

  it('writes one row per added, removed and changed system, none for a timestamp-only change', async () => {
    const { store: s, path } = open();
    const first = await pass(
      s,
      [system('11'), system('12'), system('13'), system('14'), system('15', { location: 'HQ' })],
      T0,
    );
    await s.publishSnapshot(first, T0 + 1000, 1000);
    const second = await pass(
      s,
      [
        // 11: only volatile timestamps moved.
        system('11', { agent_last_contact_time: 9999, last_scan_time: 8888, last_sync_time: 7777 }),
        // 12: health and IP changed (and a timestamp, which is not listed).
        system('12', { resource_health_status: 3, ip_address: '10.0.0.2', agent_last_contact_time: 5 }),
        system('13', { branch_office_name: 'Branch B' }),
        // 15: a value became NULL.
        system('15'),
        system('16', { resource_name: 'new-box' }),
      ],
      T0 + HOUR_MS,
    );
    // 14 is gone, 16 is new.
    const result = await s.publishSnapshot(second, T0 + 2 * HOUR_MS, HOUR_MS);
    expect(result).toEqual({
      previous_snapshot_id: first,
      changes: { added: 1, removed: 1, changed: 3, reappeared: 0 },
    });
    const detected = '2026-11-26 12:00:00.000';
    const base = { snapshot_id: second, previous_snapshot_id: first, detected_at: detected };
    expect(changes(path)).toEqual([
      {
        ...base,
        resource_id: '16',
        change_type: 'added',
        changed_fields: null,
        resource_name: 'new-box',
        branch_office_name: 'Branch A',
      },
      {
        ...base,
        resource_id: '14',
        change_type: 'removed',
        changed_fields: null,
        resource_name: 'pc-14',
        branch_office_name: 'Branch A',
      },
      {
        ...base,
        resource_id: '12',
        change_type: 'changed',
        changed_fields: '["ip_address","resource_health_status"]',
        resource_name: 'pc-12',
        branch_office_name: 'Branch A',
      },
      {
        ...base,
        resource_id: '13',
        change_type: 'changed',
        changed_fields: '["branch_office_name"]',
        resource_name: 'pc-13',
        branch_office_name: 'Branch B',
      },
      {
        ...base,
        resource_id: '15',
        change_type: 'changed',
        changed_fields: '["location"]',
        resource_name: 'pc-15',
        branch_office_name: 'Branch A',
      },
    ]);
    expect(JSON.parse(changes(path)[2]?.changed_fields ?? '')).toEqual([
      'ip_address',
      'resource_health_status',
    ]);
    expect(await s.changeCounts(second)).toEqual(result.changes);
  });

  it('calls a system that an earlier publish removed "reappeared" when it comes back', async () => {
    const { store: s, path } = open();
    const first = await pass(s, [system('11'), system('12')], T0);
    await s.publishSnapshot(first, T0 + 1, 1);
    const second = await pass(s, [system('11')], T0 + 2);
    await s.publishSnapshot(second, T0 + 3, 1);
    const third = await pass(s, [system('11'), system('12'), system('13')], T0 + 4);
    const result = await s.publishSnapshot(third, T0 + 5, 1);
    expect(result.changes).toEqual({ added: 1, removed: 0, changed: 0, reappeared: 1 });
    expect(changes(path, 'latest_system_changes').map((row) => [row.resource_id, row.change_type])).toEqual([
      ['12', 'reappeared'],
      ['13', 'added'],
    ]);
  });

  it('compares with the previous PUBLISHED pass: a failed or unfinished pass in between is skipped', async () => {
    const { store: s, path } = open();
    const first = await pass(s, [system('11'), system('12')], T0);
    await s.publishSnapshot(first, T0 + 1, 1);
    const failed = await pass(s, [system('11')], T0 + 2);
    await s.setSnapshotStatus(failed, 'failed', 'inventory shrank', 1);
    const third = await pass(s, [system('11'), system('12')], T0 + 3);
    // While the third pass runs, the views show the first one and its (empty) changes.
    expect(inventoryIds(path)).toEqual([
      { snapshot_id: first, resource_id: '11' },
      { snapshot_id: first, resource_id: '12' },
    ]);
    const result = await s.publishSnapshot(third, T0 + 4, 1);
    expect(result).toEqual({
      previous_snapshot_id: first,
      changes: { added: 0, removed: 0, changed: 0, reappeared: 0 },
    });
    expect(inventoryIds(path).every((row) => row.snapshot_id === third)).toBe(true);
    expect(changes(path)).toEqual([]);
  });

  it('replaces, never doubles, the rows when a snapshot is published again', async () => {
    const { store: s, path } = open();
    const first = await pass(s, [system('11')], T0);
    await s.publishSnapshot(first, T0 + 1, 1);
    const second = await pass(s, [system('12')], T0 + 2);
    await s.publishSnapshot(second, T0 + 3, 1);
    await s.publishSnapshot(second, T0 + 4, 1);
    expect(changes(path).map((row) => [row.resource_id, row.change_type, row.detected_at])).toEqual([
      ['12', 'added', '2026-11-26 10:00:00.004'],
      ['11', 'removed', '2026-11-26 10:00:00.004'],
    ]);
  });

  it('refuses an unknown snapshot and leaves nothing behind', async () => {
    const { store: s, path } = open();
    await expect(s.publishSnapshot(42, T0, 1)).rejects.toThrow(/Snapshot 42 does not exist/);
    expect(changes(path)).toEqual([]);
  });
});
