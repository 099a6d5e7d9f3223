/** Assertions on the stored rows themselves, read through a second connection as a dashboard would. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coveragePct } from './rows.ts';
import { openStore } from './open-store.ts';
import { registerRawFunctions } from './raw-parts.ts';
import { decodedPendingRows } from './pending-encoding.ts';
import type { Store, SystemColumnValues, SystemRecord } from './store.ts';
import { pageCommit } from '../../test/support/commit-batch.ts';
import { tempDir, removeTempDir } from '../../test/support/temp-dir.ts';

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0, 123);
let dir: string;
let store: Store;
let reader: Database.Database;

beforeEach(() => {
  dir = tempDir('pmp-store-');
  const path = join(dir, 'pmp.db');
  store = openStore({ path });
  reader = new Database(path, { readonly: true });
  registerRawFunctions(reader);
});
afterEach(async () => {
  reader.close();
  await store.close();
  removeTempDir(dir);
});

async function commitPage(snapshotId: number, page: number, systems: SystemRecord[], nowMs: number) {
  const position = { total_systems: 10, total_pages: 5, page_limit: 2 };
  return await store.commit(pageCommit({ snapshotId, page, systems, nowMs, position }));
}

function system(id: string, columns: SystemColumnValues = {}): SystemRecord {
  return {
    resource_id: id,
    columns: { resource_name: 'pc', branch_office_name: 'Branch', ...columns },
    raw_json: `{"resource_id":${id},"x":"--"}`,
  };
}

/**
 * The row of the pass in progress (D134: pending_systems until the pass is published), its columns
 * decoded (D139).
 */
const row = (id: string) =>
  reader.prepare(`SELECT * FROM (${decodedPendingRows()}) WHERE resource_id = ?`).get(id) as Record<
    string,
    unknown
  >;

describe('stored systems rows', () => {
  it('keeps system_id and created_at on upsert; refreshes data, updated_at and source_page', async () => {
    const snap = await store.createSnapshot(T0);
    await commitPage(snap, 1, [system('7', { os_name: 'Win10' })], T0);
    const first = row('7');
    await commitPage(snap, 2, [system('7', { os_name: 'Win11' })], T0 + 60_000);
    const second = row('7');
    expect(second['pending_id']).toBe(first['pending_id']);
    expect(second['created_at']).toBe('2026-11-26 10:00:00.123');
    expect(second['updated_at']).toBe('2026-11-26 10:01:00.123');
    expect(second['os_name']).toBe('Win11');
    expect(second['source_page']).toBe(2);
    // D70: the record lives in its page's raw part; the column stays, NULL, and the view has it.
    expect(second['raw_json']).toBeNull();
    await store.setSnapshotStatus(snap, 'success', null, 0);
    expect(reader.prepare('SELECT source_page, os_name FROM systems WHERE resource_id = ?').get('7')).toEqual(
      {
        source_page: 2,
        os_name: 'Win11',
      },
    );
    expect(
      reader.prepare('SELECT raw_json FROM system_raw_json WHERE resource_id = ?').pluck().get('7'),
    ).toBe('{"resource_id":7,"x":"--"}');
  });

  it('stores ids as TEXT, integers as INTEGER, and maps impossible health values to NULL', async () => {
    const snap = await store.createSnapshot(T0);
    await commitPage(
      snap,
      1,
      [
        system('12345678901234567', { resource_health_status: 2, last_scan_time: 1764000000000 }),
        system('2', { resource_health_status: '--' }),
        system('3', { resource_health_status: 7, agent_last_contact_time: Number.NaN }),
        system('4', { resource_health_status: '3', ip_address: 10, not_a_column: 'x' }),
      ],
      T0,
    );
    await store.setSnapshotStatus(snap, 'success', null, 0);
    const typed = reader
      .prepare(
        `SELECT resource_id, typeof(resource_id) AS t, resource_health_status AS h,
         typeof(last_scan_time) AS scan, agent_last_contact_time AS contact, ip_address
         FROM systems ORDER BY system_id`,
      )
      .all();
    expect(typed).toEqual([
      { resource_id: '12345678901234567', t: 'text', h: 2, scan: 'integer', contact: null, ip_address: null },
      { resource_id: '2', t: 'text', h: null, scan: 'null', contact: null, ip_address: null },
      { resource_id: '3', t: 'text', h: null, scan: 'null', contact: null, ip_address: null },
      { resource_id: '4', t: 'text', h: 3, scan: 'null', contact: null, ip_address: '10' },
    ]);
  });

  it('writes snapshot and checkpoint times as UTC text that sorts with CURRENT_TIMESTAMP', async () => {
    const snap = await store.createSnapshot(T0);
    const stamp = reader.prepare('SELECT timestamp FROM snapshots WHERE snapshot_id = ?').pluck();
    expect(stamp.get(snap)).toBe('2026-11-26 10:00:00.123');
    const checkpoint = reader
      .prepare('SELECT written_by, created_at, updated_at FROM extraction_checkpoints')
      .get();
    expect(checkpoint).toEqual({
      written_by: 'pmp-extractor',
      created_at: '2026-11-26 10:00:00.123',
      updated_at: '2026-11-26 10:00:00.123',
    });
  });

  it('counts a snapshot from an index alone (no full-table COUNT(DISTINCT))', () => {
    const plan = reader
      .prepare('EXPLAIN QUERY PLAN SELECT COUNT(*) FROM pending_systems WHERE snapshot_id = ?')
      .all(1) as { detail: string }[];
    expect(plan.map((step) => step.detail).join(' ')).toMatch(/COVERING INDEX/);
  });
});

describe('coveragePct', () => {
  it('floors to 0.1 and is exact at whole values', () => {
    expect(coveragePct(19, 20)).toBe(95);
    expect(coveragePct(3333, 3362)).toBe(99.1);
    expect(coveragePct(3361, 3362)).toBe(99.9);
    expect(coveragePct(3362, 3362)).toBe(100);
    expect(coveragePct(3400, 3362)).toBe(100);
    expect(coveragePct(1, 0)).toBe(100);
    expect(coveragePct(0, null)).toBe(0);
  });
});
