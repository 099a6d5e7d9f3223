import Database from 'better-sqlite3';
import { ExtractorError } from '../platform/index.ts';
import { ensureParentDir, preparePrivateDbFile } from './file-modes.ts';
import { assertCompatibleSystemsTable } from './compatibility.ts';
import { migrate } from './migrate.ts';
import { assertIntact, assertKnownSchemaVersion, isBusyError, openCheckScope } from './open-checks.ts';
import { PASS_SYNCHRONOUS } from './publish.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';
import { hasSchemaObject } from './schema-tools.ts';

export interface OpenStoreOptions {
  /** Database file, or `:memory:` for tests. */
  path: string;
  /** How long a write waits for another connection's lock before failing, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

const IN_MEMORY = ':memory:';

/**
 * D140: the page size of a file this version creates, in bytes (SQLite's default is 4096). Every table
 * and index takes at least one page, and this schema has 33 that stay at one page, so at 3,362 systems
 * 4 KiB pages cost 40 B per system in near-empty pages alone.
 */
export const NEW_FILE_PAGE_BYTES = 2048;

/**
 * Opens (creating if needed) the SQLite database: private file modes, WAL so dashboards can read
 * while we write, a busy timeout, foreign keys on, schema migrated to the current version. Checked first
 * (D28, D29): not damaged, not a newer schema. A lock held past the busy timeout is `database_busy` (D30).
 * Any failure is an ExtractorError('database_error') with a message the operator can act on.
 */
export function openStore(options: OpenStoreOptions): Store {
  const { path, busyTimeoutMs = 5000 } = options;
  let db: Database.Database | undefined;
  try {
    if (path !== IN_MEMORY) {
      ensureParentDir(path);
      preparePrivateDbFile(path);
    }
    db = new Database(path, { timeout: busyTimeoutMs });
    db.pragma('cache_size = -2048'); // 2 MiB (negative: KiB); better-sqlite3's default is 16 MB (D66)
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    // D142: the tables a batch reads and writes; the history is checked where the run uses it.
    assertIntact(db, path, openCheckScope(db));
    assertKnownSchemaVersion(db, path);
    assertCompatibleSystemsTable(db, path);
    // D84, D140: only an empty file can still take these (before its first table); an older file keeps
    // its mode and page size until VACUUM (README).
    if (db.pragma('page_count', { simple: true }) === 0) {
      db.pragma(`page_size = ${NEW_FILE_PAGE_BYTES}`);
      db.pragma('auto_vacuum = INCREMENTAL');
    }
    db.pragma('journal_mode = WAL');
    // D72: checkpoint the WAL every 4000 pages (16 MB), not 1000: a page rewritten by several commits
    // between two checkpoints is copied into the database file once.
    db.pragma('wal_autocheckpoint = 4000');
    // D138: no fsync at each commit of the pass (a power loss may roll back its last commits, rows and
    // checkpoint together, and the next run reads those pages again); publishing syncs (publish.ts).
    db.pragma(`synchronous = ${PASS_SYNCHRONOUS}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
    return new SqliteStore(db);
  } catch (error) {
    db?.close();
    if (error instanceof ExtractorError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    if (isBusyError(error)) {
      throw new ExtractorError(
        'database_busy',
        `The database ${path} is busy: another program held a write lock for more than ` +
          `${busyTimeoutMs} ms (${detail}). Nothing was changed; the next run continues.`,
        { cause: error },
      );
    }
    throw new ExtractorError(
      'database_error',
      `Cannot open the database ${path}: ${detail}. ` +
        (/constraint/i.test(detail)
          ? 'Its existing tables conflict with this extractor (e.g. duplicate systems per snapshot); ' +
            'point PMP_DB_PATH / --db at a separate database file.'
          : "Check PMP_DB_PATH / --db, the file's permissions and free disk space; if another program " +
            'holds a long write lock, retry later.'),
      { cause: error },
    );
  }
}

/**
 * For `--status`: a read-only connection that changes nothing (no chmod, no WAL switch, no
 * migration), so it works for a read-only user and on a database shared with other tools. Null when
 * the file has no pmp-extractor tables yet.
 */
export function openStoreReadOnly(path: string): Store | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    assertIntact(db, path);
    assertKnownSchemaVersion(db, path);
    if (!hasSchemaObject(db, 'table', 'extraction_checkpoints')) {
      db.close();
      return null;
    }
    return new SqliteStore(db);
  } catch (error) {
    db?.close();
    if (error instanceof ExtractorError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new ExtractorError(
      'database_error',
      `Cannot read the database ${path}: ${detail}. If it was written by an older pmp-extractor, one ` +
        'extraction run upgrades it.',
      { cause: error },
    );
  }
}
