/** D70 and D71: raw records in per-page parts, read back byte for byte; the incremental count. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.ts';
import { packRawRecords, registerRawFunctions, unpackRawPart } from './raw-parts.ts';
import { CREATE_SNAPSHOTS, CREATE_SYSTEMS } from './schema-downstream.ts';
import type { CommitBatch, Store, SystemRecord } from './store.ts';
import { tempDir, removeTempDir } from '../../test/support/temp-dir.ts';

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
let dir: string;
let path: string;
let store: Store | undefined;

beforeEach(() => {
  dir = tempDir('pmp-raw-');
  path = join(dir, 'pmp.db');
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  removeTempDir(dir);
});

/** Whitespace, escapes, a 19-digit number, non-ASCII text: nothing of it may change. */
const rawOf = (id: string) =>
  `{ "resource_id" : ${id},"n":12345678901234567890123, "s":"caf\u00e9 \\u00e9 \u{1F600}","id":${id} }`;

function sys(id: string, raw = rawOf(id)): SystemRecord {
  return { resource_id: id, columns: { resource_name: `pc-${id}`, branch_office_name: 'B' }, raw_json: raw };
}

async function commit(s: Store, snapshotId: number, pages: CommitBatch['pages']) {
  return await s.commit({
    snapshot_id: snapshotId,
    pages,
    gaps: [],
    gapRetries: [],
    checkpoint: {
      last_page: 1,
      total_systems: 100,
      total_pages: 4,
      page_limit: 25,
      pass_complete: false,
      previous_coverage_pct: null,
      probed_page_size: null,
      page_size_fallback: null,
    },
    nowMs: T0,
  });
}

function shellView(): Map<string, string> {
  const db = new Database(path, { readonly: true });
  registerRawFunctions(db);
  const rows = db.prepare('SELECT resource_id, raw_json FROM system_raw_json').all() as {
    resource_id: string;
    raw_json: string;
  }[];
  db.close();
  return new Map(rows.map((row) => [row.resource_id, row.raw_json]));
}

const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));

describe('raw parts (D70)', () => {
  it('packs parts of 25 records, zlib-deflated, and unpacks them byte for byte', () => {
    const records = ids(1, 60).map((id) => Buffer.from(rawOf(id)));
    const { parts, refs } = packRawRecords(records);
    expect(parts.map((p) => p.part)).toEqual([0, 1, 2]);
    expect(parts[0]?.data.length).toBeLessThan((parts[0]?.rawSize ?? 0) / 2);
    for (const [index, ref] of refs.entries()) {
      const part = parts[ref.part];
      if (part === undefined) throw new Error('missing part');
      const bytes = unpackRawPart(part.data, part.rawSize).subarray(ref.offset, ref.offset + ref.length);
      expect(bytes.equals(records[index] ?? Buffer.alloc(0))).toBe(true);
    }
  });

  it('keeps a part that deflate cannot shrink as is, as sqlar does (raw_size = length)', () => {
    const { parts } = packRawRecords([Buffer.from('{}')]);
    expect(parts[0]?.data.toString()).toBe('{}');
    expect(parts[0]?.rawSize).toBe(2);
  });

  it('stores NULL in systems.raw_json and gives every record back exactly through the view and rawRecord', async () => {
    store = openStore({ path });
    const snap = await store.createSnapshot(T0);
    await commit(store, snap, [{ page: 1, systems: ids(1, 30).map((id) => sys(id)) }]);
    // rawRecord reads the pass in progress; the view, the published rows (D134).
    expect(await store.rawRecord('7')).toBe(rawOf('7'));
    await store.setSnapshotStatus(snap, 'success', null, 0);
    const view = shellView();
    expect(view.size).toBe(30);
    for (const id of ids(1, 30)) expect(view.get(id)).toBe(rawOf(id));
    expect(await store.rawRecord('7')).toBe(rawOf('7'));
    expect(await store.rawRecord('999')).toBeNull();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM systems WHERE raw_json IS NOT NULL').pluck().get()).toBe(0);
    db.close();
  });

  it('a page read again keeps the records of rows it no longer returns (drift), and moves the others', async () => {
    store = openStore({ path });
    const snap = await store.createSnapshot(T0);
    await commit(store, snap, [{ page: 2, systems: ids(1, 25).map((id) => sys(id)) }]);
    // Page 2 re-read: 1..5 moved away (still stored on page 2), 6..25 changed, 26..30 are new.
    const reread = [
      ...ids(6, 20).map((id) => sys(id, `{"resource_id":${id},"v":2}`)),
      ...ids(26, 5).map((id) => sys(id)),
    ];
    const result = await commit(store, snap, [
      { page: 2, systems: reread },
      { page: 3, systems: [sys('3', '{"moved":3}')] },
    ]);
    expect(result.systems_extracted).toBe(30);
    await store.setSnapshotStatus(snap, 'success', null, 0);
    const view = shellView();
    for (const id of ['1', '2', '4', '5']) expect(view.get(id)).toBe(rawOf(id));
    expect(view.get('3')).toBe('{"moved":3}');
    for (const id of ids(6, 20)) expect(view.get(id)).toBe(`{"resource_id":${id},"v":2}`);
    for (const id of ids(26, 5)) expect(view.get(id)).toBe(rawOf(id));
  });
});

describe('incremental coverage count (D71)', () => {
  it('equals COUNT(*) across inserts, re-reads, duplicates in one batch and gap retries', async () => {
    store = openStore({ path });
    const snap = await store.createSnapshot(T0);
    const count = () => {
      const db = new Database(path, { readonly: true });
      const n = db
        .prepare('SELECT COUNT(*) FROM pending_systems WHERE snapshot_id = ?')
        .pluck()
        .get(snap) as number;
      db.close();
      return n;
    };
    const steps: CommitBatch['pages'][] = [
      [{ page: 1, systems: ids(1, 25).map((id) => sys(id)) }],
      // Drift re-read of page 1 plus page 2 overlapping it, and an id twice on one page.
      [
        { page: 1, systems: ids(3, 25).map((id) => sys(id)) },
        { page: 2, systems: [...ids(20, 25).map((id) => sys(id)), sys('44')] },
      ],
      // A gap retry that rewrites rows already stored, and a commit with no pages.
      [{ page: 2, systems: ids(20, 30).map((id) => sys(id)) }],
      [],
    ];
    for (const pages of steps) {
      const result = await commit(store, snap, pages);
      expect(result.systems_extracted).toBe(count());
      expect((await store.getCheckpoint(snap))?.systems_extracted).toBe(count());
    }
    expect(count()).toBe(49);
  });
});

describe('migration 6 (D70)', () => {
  it('moves inline raw_json of an existing file into raw parts, losslessly, and only once', async () => {
    const db = new Database(path);
    db.exec(CREATE_SNAPSHOTS + CREATE_SYSTEMS);
    db.exec("INSERT INTO snapshots (snapshot_id, status) VALUES (1, 'success')");
    const insert = db.prepare(
      `INSERT INTO systems (snapshot_id, resource_id, resource_name, branch_office_name, raw_json, source_page)
       VALUES (1, ?, 'pc', 'B', ?, ?)`,
    );
    for (const id of ids(1, 40)) insert.run(id, rawOf(id), Number(id) <= 30 ? 1 : 2);
    insert.run('other', '{"legacy":true}', null);
    db.close();

    store = openStore({ path });
    await store.close();
    store = openStore({ path });
    const view = shellView();
    for (const id of ids(1, 40)) expect(view.get(id)).toBe(rawOf(id));
    expect(view.get('other')).toBe('{"legacy":true}');
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) FROM systems WHERE raw_json IS NOT NULL').pluck().get()).toBe(1);
    expect(check.prepare('SELECT COUNT(*) FROM system_raw_parts').pluck().get()).toBe(3);
    check.close();
  });
});
