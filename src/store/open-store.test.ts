import Database from 'better-sqlite3';
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isExtractorError } from '../platform/index.ts';
import { NEW_FILE_PAGE_BYTES, openStore, openStoreReadOnly } from './open-store.ts';
import { tempDir, removeTempDir } from '../../test/support/temp-dir.ts';
import { withDb } from '../../test/support/db.ts';

let dir: string;
beforeEach(() => {
  dir = tempDir('pmp-open-');
});
afterEach(() => {
  removeTempDir(dir);
});

const mode = (path: string) => statSync(path).mode & 0o777;

async function openError(path: string): Promise<Error & { code?: string }> {
  try {
    await openStore({ path }).close();
  } catch (error) {
    expect(isExtractorError(error)).toBe(true);
    return error as Error;
  }
  throw new Error(`opening ${path} should have failed`);
}

describe('openStore', () => {
  it('creates missing folders 0700 and the database, -wal and -shm 0600', async () => {
    const path = join(dir, 'a', 'b', 'pmp.db');
    const store = openStore({ path });
    await store.createSnapshot(Date.UTC(2026, 0, 1));
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(existsSync(`${path}-shm`)).toBe(true);
    expect([mode(path), mode(`${path}-wal`), mode(`${path}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    expect([mode(join(dir, 'a')), mode(join(dir, 'a', 'b'))]).toEqual([0o700, 0o700]);
    await store.close();
  });

  it('tightens an existing group/world-readable database and sidecar to 0600', async () => {
    const path = join(dir, 'pmp.db');
    writeFileSync(path, '');
    writeFileSync(`${path}-wal`, '');
    chmodSync(path, 0o644);
    chmodSync(`${path}-wal`, 0o666);
    await openStore({ path }).close();
    expect(mode(path)).toBe(0o600);
    // A clean close removes the WAL; if it survived, it must be private too.
    if (existsSync(`${path}-wal`)) expect(mode(`${path}-wal`)).toBe(0o600);
  });

  it('gives a new file 2 KiB pages and leaves an existing file its page size (D140)', async () => {
    const fresh = join(dir, 'fresh.db');
    await openStore({ path: fresh }).close();
    const older = join(dir, 'older.db');
    const legacy = new Database(older);
    legacy.exec('CREATE TABLE other_tool (x)');
    legacy.close();
    await openStore({ path: older }).close();
    const pageBytes = (path: string): unknown =>
      withDb(path, (db) => db.pragma('page_size', { simple: true }));
    expect(NEW_FILE_PAGE_BYTES).toBe(2048);
    expect(pageBytes(fresh)).toBe(NEW_FILE_PAGE_BYTES);
    expect(pageBytes(older)).toBe(4096);
    // The README's recipe for an older file (no extractor running): WAL mode keeps the page size, so
    // the file leaves it for the VACUUM and the next open switches back.
    const convert = new Database(older);
    convert.exec(
      'PRAGMA journal_mode = DELETE; PRAGMA page_size = 2048; PRAGMA auto_vacuum = INCREMENTAL; VACUUM;',
    );
    convert.close();
    const store = openStore({ path: older });
    await store.createSnapshot(Date.UTC(2026, 0, 1));
    await store.close();
    expect(pageBytes(older)).toBe(2048);
  });

  it('turns on WAL and the busy timeout', async () => {
    const path = join(dir, 'pmp.db');
    const store = openStore({ path, busyTimeoutMs: 200 });
    const other = new Database(path);
    expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    // Another writer holds the lock: the store waits about busyTimeoutMs, then reports it.
    other.exec('BEGIN IMMEDIATE');
    const startedMs = Date.now();
    await expect(store.createSnapshot(0)).rejects.toThrow(/Cannot create a snapshot: database is locked/);
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(150);
    other.exec('ROLLBACK');
    other.close();
    await store.close();
  });

  it('works in memory', async () => {
    const store = openStore({ path: ':memory:' });
    expect(await store.currentSnapshot()).toBeNull();
    await store.close();
  });

  it('reports unusable paths and files as database_error with guidance', async () => {
    const notADb = join(dir, 'garbage.db');
    writeFileSync(notADb, 'this is not a database, just some text that is long enough '.repeat(4));
    const error = await openError(notADb);
    expect(error.code).toBe('database_error');
    expect(error.message).toMatch(/garbage\.db.*not a database.*PMP_DB_PATH/s);

    const underAFile = join(notADb, 'child.db');
    expect((await openError(underAFile)).code).toBe('database_error');
    expect((await openError(dir)).code).toBe('database_error');
  });

  it('reopens an existing database without changing it', async () => {
    const path = join(dir, 'pmp.db');
    const first = openStore({ path });
    const id = await first.createSnapshot(Date.UTC(2026, 0, 1));
    await first.close();
    const second = openStore({ path });
    expect((await second.currentSnapshot())?.snapshot_id).toBe(id);
    await second.close();
  });
});

describe('openStoreReadOnly (--status)', () => {
  it('reads our database without changing it, and says null for a file without our tables', async () => {
    const ours = join(dir, 'ours.db');
    const written = openStore({ path: ours });
    await written.createSnapshot(0);
    await written.close();
    const reader = openStoreReadOnly(ours);
    expect((await reader?.currentSnapshot())?.snapshot_id).toBe(1);
    await reader?.close();

    const foreign = join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE snapshots (snapshot_id INTEGER PRIMARY KEY)');
    db.close();
    chmodSync(foreign, 0o644);
    expect(openStoreReadOnly(foreign)).toBeNull();
    expect(mode(foreign)).toBe(0o644);
    const after = new Database(foreign, { readonly: true });
    expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
    after.close();
  });

  it('reports an unreadable file as database_error', () => {
    const bad = join(dir, 'bad.db');
    writeFileSync(bad, 'not a database at all, just text that is long enough to have a header');
    let caught: unknown;
    try {
      openStoreReadOnly(bad);
    } catch (error) {
      caught = error;
    }
    expect(isExtractorError(caught) && caught.code === 'database_error').toBe(true);
  });
});
