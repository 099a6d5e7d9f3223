/**
 * Space after retention (D84): a new file is created with auto_vacuum = INCREMENTAL and gets the
 * pages of pruned rows back at once; an older file keeps its mode, reports what VACUUM would return,
 * and the README's compaction recipe converts it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeTempDir, tempDir } from '../../test/support/temp-dir.ts';
import { openStore } from './open-store.ts';
import type { Store } from './store.ts';

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0, 0);
const SYSTEMS = 200;

let dir: string;
let dbPath: string;

beforeEach(() => {
  dir = tempDir('pmp-vacuum-');
  dbPath = join(dir, 'pmp.db');
});

afterEach(() => {
  removeTempDir(dir);
});

/** A published pass of SYSTEMS systems with incompressible 1 KB descriptions (many pages to free). */
async function publishedPass(store: Store): Promise<void> {
  const id = await store.createSnapshot(T0);
  const systems = Array.from({ length: SYSTEMS }, (_, n) => {
    const resourceId = String(100000 + n);
    return {
      resource_id: resourceId,
      columns: {
        resource_name: `pc-${n}`,
        branch_office_name: 'B',
        description: randomBytes(512).toString('hex'),
      },
      raw_json: `{"resource_id":${resourceId},"pad":"${randomBytes(256).toString('hex')}"}`,
    };
  });
  await store.commit({
    snapshot_id: id,
    pages: [{ page: 1, systems }],
    gaps: [],
    gapRetries: [],
    checkpoint: {
      last_page: 1,
      total_systems: SYSTEMS,
      total_pages: 1,
      page_limit: SYSTEMS,
      pass_complete: true,
      previous_coverage_pct: null,
    },
    nowMs: T0,
  });
  await store.setSnapshotStatus(id, 'success', null, 1000);
}

function pragma(name: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.pragma(name, { simple: true }) as number;
  } finally {
    db.close();
  }
}

describe('auto_vacuum and retention', () => {
  it('a new file is INCREMENTAL and shrinks by what pruning freed', async () => {
    const store = openStore({ path: dbPath });
    for (let n = 0; n < 4; n++) await publishedPass(store);
    const pagesBefore = pragma('page_count');
    const result = await store.pruneSnapshots(1);
    await store.close();
    expect(pragma('auto_vacuum')).toBe(2);
    expect(result.snapshots_pruned).toBe(3);
    expect(result.systems_deleted).toBe(3 * SYSTEMS);
    // 3 of 4 passes of > 300 KB each: most of the file goes back.
    expect(result.reclaimed_bytes).toBeGreaterThan(3 * SYSTEMS * 1024);
    expect(result.free_bytes).toBe(0);
    const pageBytes = pragma('page_size');
    expect(pragma('page_count')).toBe(pagesBefore - result.reclaimed_bytes / pageBytes);
  });

  it('an older file keeps its mode, reports its free space, and VACUUM converts it', async () => {
    const legacy = new Database(dbPath);
    legacy.exec('CREATE TABLE other_tool (x)');
    legacy.close();
    const store = openStore({ path: dbPath });
    for (let n = 0; n < 3; n++) await publishedPass(store);
    const result = await store.pruneSnapshots(1);
    await store.close();
    expect(pragma('auto_vacuum')).toBe(0);
    expect(result.reclaimed_bytes).toBe(0);
    expect(result.free_bytes).toBeGreaterThan(2 * SYSTEMS * 1024);
    // The README's recipe for an older file (no extractor running).
    const db = new Database(dbPath);
    db.exec('PRAGMA auto_vacuum = INCREMENTAL; VACUUM');
    db.close();
    expect(pragma('auto_vacuum')).toBe(2);
    expect(pragma('freelist_count')).toBe(0);
  });
});
