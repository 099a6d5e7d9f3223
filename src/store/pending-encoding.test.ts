/**
 * D139 over a real SQLite file: pending rows are stored with copy bits and dictionary ids, and the
 * publishing INSERT ... SELECT gives every column back exactly, through re-reads, a commit that rolled
 * back and the dictionary's cap.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { pageCommit } from '../../test/support/commit-batch.ts';
import { withDb } from '../../test/support/db.ts';
import { tempStores } from '../../test/support/temp-store.ts';
import { CREATE_PENDING_STRINGS, createPendingEncoder } from './pending-encoding.ts';
import type { Store, SystemColumnValues, SystemRecord } from './store.ts';
import { SYSTEM_ROW_COLUMNS } from './system-upsert.ts';

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0, 0);
const stores = tempStores('pmp-encoding-');

function system(id: string, columns: SystemColumnValues): SystemRecord {
  return {
    resource_id: id,
    columns: { resource_name: `pc-${id}`, branch_office_name: 'Branch A', ...columns },
    raw_json: `{"resource_id":${id}}`,
  };
}

/** The API's usual record: the copies repeat the ids, the labels repeat across systems. */
function usual(id: string, extra: SystemColumnValues = {}): SystemRecord {
  return system(id, {
    resource_id_string: id,
    branchmemberresourcerel_resource_id: id,
    patchclientscanerror_resource_id: id,
    patchmgmtosinfo_resource_id: id,
    pmreshealthstatus_resource_id: id,
    branch_office_id: '30000000000000001',
    branchofficedetails_branch_office_id: '30000000000000001',
    customer_id: '40000000000000001',
    os_name: 'Windows 11 Professional Edition (x64)',
    agent_installed_dir: 'C:\\Program Files (x86)\\ManageEngine\\UEMS_Agent',
    status_label: 'dc.common.status.scan_success',
    scan_status: 2,
    ...extra,
  });
}

async function commit(store: Store, snapshotId: number, page: number, systems: SystemRecord[], nowMs = T0) {
  return store.commit(pageCommit({ snapshotId, page, systems, nowMs }));
}

/** The mapped columns of a published row, as `system()` gave them (absent columns are NULL). */
function publishedColumns(path: string, snapshotId: number, id: string, names: readonly string[]) {
  return withDb(path, (db) =>
    db
      .prepare(`SELECT ${names.join(', ')} FROM systems WHERE snapshot_id = ? AND resource_id = ?`)
      .get(snapshotId, id),
  ) as Record<string, unknown>;
}

describe('pending rows stored smaller (D139)', () => {
  it('keeps copies as NULL and shared text as dictionary ids, and publishes every column back', async () => {
    const { store, path } = stores.open();
    const snap = await store.createSnapshot(T0);
    const odd = usual('10000000000000003', {
      // Not copies: a different id, and a branch id that differs from the branch's own.
      resource_id_string: '10000000000000099',
      branchofficedetails_branch_office_id: '30000000000000002',
      // Text that looks like a dictionary id, and NULLs.
      os_name: '1',
      agent_installed_dir: null,
      customer_id: null,
    });
    const systems = [usual('10000000000000001'), usual('10000000000000002'), odd];
    await commit(store, snap, 1, systems);

    const pending = withDb(path, (db) =>
      db
        .prepare(
          'SELECT resource_id, encoded, resource_id_string, os_name FROM pending_systems ORDER BY pending_id',
        )
        .all(),
    ) as { resource_id: string; encoded: number; resource_id_string: string | null; os_name: string }[];
    expect(pending[0]?.encoded).toBeGreaterThan(0);
    expect(pending[0]?.resource_id_string).toBeNull();
    // Two systems, one dictionary id, stored as an integer's text.
    expect(pending[0]?.os_name).toMatch(/^\d+$/);
    expect(pending[1]?.os_name).toBe(pending[0]?.os_name);
    expect(pending[2]?.resource_id_string).toBe('10000000000000099');
    expect(
      withDb(path, (db) => db.prepare('SELECT COUNT(*) FROM pending_strings').pluck().get()),
    ).toBeGreaterThan(0);

    await store.publishSnapshot(snap, T0 + 1000, 1000);
    for (const record of systems) {
      const names = Object.keys(record.columns);
      expect(publishedColumns(path, snap, record.resource_id, names)).toEqual(record.columns);
    }
    // The dictionary went with the pending rows.
    expect(withDb(path, (db) => db.prepare('SELECT COUNT(*) FROM pending_strings').pluck().get())).toBe(0);
  });

  it('publishes the values of the last read when a page is read again with others', async () => {
    const { store, path } = stores.open();
    const snap = await store.createSnapshot(T0);
    await commit(store, snap, 1, [usual('10000000000000001')]);
    const again = usual('10000000000000001', {
      os_name: 'Windows Server 2022',
      branch_office_id: '30000000000000005',
      branchofficedetails_branch_office_id: '30000000000000007',
      resource_id_string: null,
    });
    await commit(store, snap, 1, [again], T0 + 60_000);
    await store.publishSnapshot(snap, T0 + 120_000, 1000);
    const names = Object.keys(again.columns);
    expect(publishedColumns(path, snap, again.resource_id, names)).toEqual(again.columns);
  });

  it('leaves no string of a commit that rolled back, and the next commit encodes as before', async () => {
    const { store, path } = stores.open();
    const snap = await store.createSnapshot(T0);
    const broken: SystemRecord = {
      resource_id: '10000000000000009',
      columns: { resource_name: null, branch_office_name: 'B', os_name: 'only in the failed commit' },
      raw_json: '{}',
    };
    await expect(
      commit(store, snap, 1, [usual('10000000000000001', { os_name: 'Rolled back' }), broken]),
    ).rejects.toThrow(/resource_name/);
    expect(withDb(path, (db) => db.prepare('SELECT COUNT(*) FROM pending_strings').pluck().get())).toBe(0);
    const good = usual('10000000000000001', { os_name: 'Rolled back' });
    await commit(store, snap, 1, [good]);
    await store.publishSnapshot(snap, T0 + 1000, 1000);
    expect(publishedColumns(path, snap, good.resource_id, ['os_name'])).toEqual({ os_name: 'Rolled back' });
  });
});

describe('createPendingEncoder', () => {
  function row(values: Record<string, string | null>): (string | number | bigint | null)[] {
    return SYSTEM_ROW_COLUMNS.map((name) => values[name] ?? null);
  }

  it('stores a value inline once the snapshot holds 10,000 strings, and reuses the ids it has', () => {
    const db = new Database(':memory:');
    try {
      db.exec(CREATE_PENDING_STRINGS);
      const encoder = createPendingEncoder(db);
      const osName = SYSTEM_ROW_COLUMNS.indexOf('os_name');
      encoder.begin(1);
      for (let index = 0; index < 10_000; index += 1) encoder.encode(row({ os_name: `os ${index}` }));
      const beyond = row({ os_name: 'one too many' });
      encoder.encode(beyond);
      expect(beyond[osName]).toBe('one too many');
      // A new transaction reads the dictionary again: a known string keeps its id.
      encoder.begin(1);
      const known = row({ os_name: 'os 5' });
      encoder.encode(known);
      expect(known[osName]).toBe(6n);
      // Another snapshot has a dictionary of its own.
      encoder.begin(2);
      const other = row({ os_name: 'os 5' });
      encoder.encode(other);
      expect(other[osName]).toBe(10_001n);
    } finally {
      db.close();
    }
  });
});
