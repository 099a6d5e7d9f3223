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

/** The file's highest schema_version, null without that table or row. */
function schemaVersion(db: Database.Database): number | null {
  const hasVersion = db
    .prepare("SELECT 1 FROM pragma_table_info('schema_version') WHERE name = 'version'")
    .get();
  if (hasVersion === undefined) return null;
  const row = db.prepare('SELECT MAX(CAST(version AS INTEGER)) AS found FROM schema_version').get() as {
    found: number | null;
  };
  return row.found;
}

/**
 * D28: a schema_version row above LATEST_SCHEMA_VERSION means a newer pmp-extractor migrated this file
 * (a rollback, a second host): writing into a schema we do not know could corrupt what it relies on.
 */
export function assertKnownSchemaVersion(db: Database.Database, path: string): void {
  const found = schemaVersion(db);
  if (found === null || found <= LATEST_SCHEMA_VERSION) return;
  throw new ExtractorError(
    'database_error',
    `The database ${path} has schema_version ${found}, written by a newer pmp-extractor; this ` +
      `version supports ${LATEST_SCHEMA_VERSION}. Nothing was changed: upgrade pmp-extractor or use ` +
      'another PMP_DB_PATH / --db.',
  );
}

/**
 * D142: the tables that only publishing and retention write, and by far the biggest (every kept
 * snapshot's rows and their 16 indexes: a 1.7 s check at 7 snapshots of 100,000 systems). A run checks
 * them when it uses them (a pass starts, is published or is reported complete), not at every open.
 */
const HISTORY_TABLES: readonly string[] = ['systems', 'system_changes'];

/**
 * What `assertIntact` checks: `file`, the whole file (its free-page list included); `run_state`, every
 * table but HISTORY_TABLES, with their indexes; `history`, HISTORY_TABLES with theirs.
 */
export type IntegrityScope = 'file' | 'run_state' | 'history';

/**
 * D29: `PRAGMA quick_check` (b-tree structure, record formats; no index-content cross-check, so it is
 * linear in what it checks), over `scope` (D142). A damaged file would otherwise report a stale
 * snapshot as complete. SQLite may also throw SQLITE_CORRUPT while checking: same verdict. A file that
 * is not a database at all (SQLITE_NOTADB) keeps the caller's "check PMP_DB_PATH" message.
 */
export function assertIntact(db: Database.Database, path: string, scope: IntegrityScope = 'file'): void {
  let problems: string[];
  try {
    problems = checkTargets(db, scope).flatMap((target) => {
      const rows = db.pragma(`quick_check(${target})`) as { quick_check: string }[];
      // A check of one table answers in one row of newline-separated lines under a header line.
      return rows
        .flatMap((row) => row.quick_check.split('\n'))
        .filter((line) => line !== 'ok' && !line.startsWith('*** in database'));
    });
  } catch (error) {
    if (!isCorruptionError(error)) throw error;
    problems = [error instanceof Error ? error.message : String(error)];
  }
  if (problems.length === 0) return;
  throw damaged(path, `PRAGMA quick_check: ${problems.slice(0, QUICK_CHECK_LINES).join('; ')}`);
}

/** The refusal of a damaged file, `found` saying what showed it (D29). */
export function damaged(path: string, found: string): DamagedDatabaseError {
  return new DamagedDatabaseError(
    `The database ${path} is damaged (${found}). Nothing was changed: restore it from a backup or move ` +
      'the file aside (the next run then starts a new database).',
  );
}

/** The arguments of the quick_check calls for `scope`: a line limit (the whole file) or quoted table names. */
function checkTargets(db: Database.Database, scope: IntegrityScope): string[] {
  if (scope === 'file') return [String(QUICK_CHECK_LINES)];
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
  const history = scope === 'history';
  // A named check leaves out the schema table unless it is named too.
  const names = history ? tables : ['sqlite_schema', ...tables];
  return names
    .filter((name) => HISTORY_TABLES.includes(name) === history)
    .map((name) => `"${name.replaceAll('"', '""')}"`);
}

/**
 * The scope of the check when an extraction opens the file (D142): the run-state tables when the file is
 * at this binary's schema, the whole file before a migration (which may rewrite any table) or when the
 * version cannot be read.
 */
export function openCheckScope(db: Database.Database): IntegrityScope {
  try {
    return schemaVersion(db) === LATEST_SCHEMA_VERSION ? 'run_state' : 'file';
  } catch {
    return 'file';
  }
}

/**
 * A `database_error` for a file that failed its check (D29, D142): nothing more is written to it, not
 * even the run's extraction_last_run row.
 */
export class DamagedDatabaseError extends ExtractorError {
  constructor(message: string) {
    super('database_error', message);
  }
}

export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_CORRUPT/.test(code);
}

/** SQLITE_BUSY and its extended codes: another connection held a lock past the busy timeout (D30). */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
