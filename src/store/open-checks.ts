/**
 * Checks made once when a run opens the database file, before anything is written (no WAL switch,
 * no migration): the schema is not newer than this binary knows (D28), and the file is not damaged
 * (D29). A failing check changes nothing in the file and names the path and the fix.
 */
import type Database from 'better-sqlite3';
import { ExtractorError } from '../platform/index.ts';
import { MIGRATIONS } from './migrate.ts';

/** The newest schema_version this binary writes (its last migration). */
export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((migration) => migration.version));

/** First lines of a failed quick_check quoted in the message; the full list can run to thousands. */
const QUICK_CHECK_LINES = 3;

/**
 * D28: a schema_version row above LATEST_SCHEMA_VERSION means a newer pmp-extractor migrated this file
 * (a rollback, a second host): writing into a schema we do not know could corrupt what it relies on.
 */
export function assertKnownSchemaVersion(db: Database.Database, path: string): void {
  const hasVersion = db
    .prepare("SELECT 1 FROM pragma_table_info('schema_version') WHERE name = 'version'")
    .get();
  if (hasVersion === undefined) return;
  const row = db.prepare('SELECT MAX(CAST(version AS INTEGER)) AS found FROM schema_version').get() as {
    found: number | null;
  };
  if (row.found === null || row.found <= LATEST_SCHEMA_VERSION) return;
  throw new ExtractorError(
    'database_error',
    `The database ${path} has schema_version ${row.found}, written by a newer pmp-extractor; this ` +
      `version supports ${LATEST_SCHEMA_VERSION}. Nothing was changed: upgrade pmp-extractor or use ` +
      'another PMP_DB_PATH / --db.',
  );
}

/**
 * D29: `PRAGMA quick_check` (b-tree structure, record formats; no index-content cross-check, so it is
 * linear in the file size) once per open. A damaged file would otherwise report a stale snapshot as
 * complete. SQLite may also throw SQLITE_CORRUPT while checking: same verdict. A file that is not a
 * database at all (SQLITE_NOTADB) keeps the caller's "check PMP_DB_PATH" message.
 */
export function assertIntact(db: Database.Database, path: string): void {
  let problems: string[];
  try {
    const rows = db.pragma(`quick_check(${QUICK_CHECK_LINES})`) as { quick_check: string }[];
    problems = rows.map((row) => row.quick_check).filter((line) => line !== 'ok');
  } catch (error) {
    if (!isCorruptionError(error)) throw error;
    problems = [error instanceof Error ? error.message : String(error)];
  }
  if (problems.length === 0) return;
  throw new ExtractorError(
    'database_error',
    `The database ${path} is damaged (PRAGMA quick_check: ${problems.join('; ')}). Nothing was ` +
      'changed: restore it from a backup or move the file aside (the next run then starts a new ' +
      'database).',
  );
}

function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_CORRUPT/.test(code);
}

/** SQLITE_BUSY and its extended codes: another connection held a lock past the busy timeout (D30). */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
