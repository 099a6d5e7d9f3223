/**
 * The checks a run makes when it opens the database file: a newer schema is refused (D28), a damaged
 * file is refused (D29), a write lock held past the busy timeout defers (D30). Each refusal leaves the
 * file's bytes as they were.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExtractorError } from '../platform/index.ts';
import { damageTable } from '../../test/support/db.ts';
import { databaseError, storeFailure } from './db-error.ts';
import { DamagedDatabaseError, LATEST_SCHEMA_VERSION } from './open-checks.ts';
import { openStore, openStoreReadOnly } from './open-store.ts';
import type { SystemRecord } from './store.ts';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmp-checks-'));
  path = join(dir, 'pmp.db');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function system(id: number): SystemRecord {
  return {
    resource_id: String(id),
    columns: { resource_name: `pc-${id}`, branch_office_name: 'Branch A' },
    raw_json: JSON.stringify({ resource_id: id, padding: 'p'.repeat(400) }),
  };
}

/** A real database written through the store: one snapshot with `count` systems, WAL folded in. */
async function makeDatabase(count: number): Promise<void> {
  const store = openStore({ path });
  const id = await store.createSnapshot(T0);
  const systems = Array.from({ length: count }, (_, i) => system(i + 1));
  await store.commit({
    snapshot_id: id,
    pages: [{ page: 1, systems }],
    gaps: [],
    gapRetries: [],
    checkpoint: {
      last_page: 1,
      total_systems: count,
      total_pages: 1,
      page_limit: count,
      pass_complete: true,
      previous_coverage_pct: null,
      probed_page_size: null,
      page_size_fallback: null,
    },
    nowMs: T0,
  });
  await store.close();
}

function errorOf(fn: () => unknown): ExtractorError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ExtractorError);
    return error as ExtractorError;
  }
  throw new Error('expected an ExtractorError');
}

function countSystems(): number {
  const db = new Database(path, { readonly: true });
  try {
    // The pass's rows, published (systems) or not (pending_systems, D134).
    const count = (table: string): number =>
      (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return count('systems') + count('pending_systems');
  } finally {
    db.close();
  }
}

describe('a newer schema_version (D28)', () => {
  beforeEach(async () => {
    await makeDatabase(3);
    const db = new Database(path);
    db.prepare('INSERT INTO schema_version (version, description) VALUES (?, ?)').run(
      LATEST_SCHEMA_VERSION + 1,
      'from a newer pmp-extractor',
    );
    db.close();
  });

  it.each([
    ['an extraction', () => openStore({ path })],
    ['--status', () => openStoreReadOnly(path)],
  ])('is refused by %s with the path, both versions and the fix; the file is unchanged', (_, open) => {
    const before = sha(path);
    const error = errorOf(open);
    expect(error.code).toBe('database_error');
    expect(error.message).toContain(path);
    expect(error.message).toContain(`schema_version ${LATEST_SCHEMA_VERSION + 1}`);
    expect(error.message).toContain(`supports ${LATEST_SCHEMA_VERSION}`);
    expect(error.message).toContain('upgrade pmp-extractor or use another PMP_DB_PATH');
    expect(sha(path)).toBe(before);
  });

  it('the current version itself is accepted', async () => {
    const db = new Database(path);
    db.prepare('DELETE FROM schema_version WHERE version > ?').run(LATEST_SCHEMA_VERSION);
    db.close();
    await openStore({ path }).close();
    expect(countSystems()).toBe(3);
  });
});

describe('a damaged database file (D29)', () => {
  it.each([
    ['an extraction', () => openStore({ path })],
    ['--status', () => openStoreReadOnly(path)],
  ])('is refused by %s with the path and the fix; the file is unchanged', async (_, open) => {
    await makeDatabase(200);
    const pageSize = 4096;
    const pages = readFileSync(path).length / pageSize;
    expect(pages).toBeGreaterThan(10);
    // Garbage over the middle of a late b-tree page of `systems` (page 1, the schema, stays intact).
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(2048, 0xa5), 0, 2048, (pages - 3) * pageSize + 8);
    closeSync(fd);
    const before = sha(path);
    const error = errorOf(open);
    expect(error.code).toBe('database_error');
    expect(error.message).toContain(path);
    expect(error.message).toContain('quick_check');
    expect(error.message).toContain('restore it from a backup or move the file aside');
    expect(sha(path)).toBe(before);
  });

  it('a healthy file passes and its committed data is untouched', async () => {
    await makeDatabase(200);
    await openStore({ path }).close();
    await openStoreReadOnly(path)?.close();
    expect(countSystems()).toBe(200);
  });
});

describe('where the check looks (D142)', () => {
  /** makeDatabase, then the pass published, so `systems` holds its rows. */
  async function makePublished(count: number): Promise<void> {
    await makeDatabase(count);
    const store = openStore({ path });
    await store.publishSnapshot(1, T0 + 1000, 1000);
    await store.close();
  }

  async function rejection(promise: Promise<unknown>): Promise<DamagedDatabaseError> {
    const error: unknown = await promise.then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(DamagedDatabaseError);
    return error as DamagedDatabaseError;
  }

  it('an open checks the run-state tables; checkHistory checks the history', async () => {
    await makePublished(200);
    damageTable(path, 'systems');
    const store = openStore({ path });
    try {
      const error = await rejection(store.checkHistory());
      expect(error.code).toBe('database_error');
      expect(error.message).toContain(path);
      expect(error.message).toContain('quick_check');
      // Three lines at most, whatever the damage.
      expect(error.message.split('; ').length).toBeLessThanOrEqual(3);
    } finally {
      await store.close();
    }
    // --status reads everything, so it checks the whole file.
    expect(errorOf(() => openStoreReadOnly(path)).message).toContain('quick_check');
  });

  it('a damaged run-state table is refused at the open, the file unchanged', async () => {
    await makePublished(200);
    damageTable(path, 'extraction_checkpoints');
    const before = sha(path);
    expect(errorOf(() => openStore({ path }))).toBeInstanceOf(DamagedDatabaseError);
    expect(sha(path)).toBe(before);
  });

  it('a file that is about to migrate gets the whole-file check', async () => {
    await makePublished(200);
    damageTable(path, 'systems');
    const db = new Database(path);
    db.prepare('DELETE FROM schema_version WHERE version = ?').run(LATEST_SCHEMA_VERSION);
    db.close();
    const before = sha(path);
    expect(errorOf(() => openStore({ path })).message).toContain('quick_check');
    expect(sha(path)).toBe(before);
  });

  it('a healthy published file passes every scope', async () => {
    await makePublished(200);
    const store = openStore({ path });
    await expect(store.checkHistory()).resolves.toBeUndefined();
    await store.close();
    expect(countSystems()).toBe(200);
  });
});

describe('a database busy past the busy timeout (D30)', () => {
  it('defers (database_busy) when another connection holds a write lock', async () => {
    await makeDatabase(1);
    const dashboard = new Database(path);
    dashboard.exec('BEGIN IMMEDIATE');
    try {
      const error = errorOf(() => openStore({ path, busyTimeoutMs: 50 }));
      expect(error.code).toBe('database_busy');
      expect(error.message).toContain(path);
      expect(error.message).toContain('the next run continues');
    } finally {
      dashboard.exec('ROLLBACK');
      dashboard.close();
    }
    expect(countSystems()).toBe(1);
  });

  it('a SQLite error that escaped a store read is reported as a database error (D142)', () => {
    const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    const damaged = storeFailure(corrupt, '/data/pmp.db');
    expect(damaged).toBeInstanceOf(DamagedDatabaseError);
    expect((damaged as DamagedDatabaseError).message).toBe(
      'The database /data/pmp.db is damaged (SQLITE_CORRUPT: database disk image is malformed). Nothing ' +
        'was changed: restore it from a backup or move the file aside (the next run then starts a new database).',
    );
    const ioError = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_READ' });
    const failed = storeFailure(ioError, '/data/pmp.db');
    expect(failed).toBeInstanceOf(ExtractorError);
    expect(failed).not.toBeInstanceOf(DamagedDatabaseError);
    expect((failed as ExtractorError).code).toBe('database_error');
    expect((failed as ExtractorError).message).toBe('The database /data/pmp.db failed: disk I/O error');
    // Anything else is left as it is.
    const other = new TypeError('x is undefined');
    expect(storeFailure(other, '/data/pmp.db')).toBe(other);
    const known = new ExtractorError('token_unavailable', 'no token');
    expect(storeFailure(known, '/data/pmp.db')).toBe(known);
  });

  it('a busy error during a write is database_busy too', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(databaseError('Cannot commit', busy).code).toBe('database_busy');
    const other = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    expect(databaseError('Cannot commit', other).code).toBe('database_error');
  });
});
