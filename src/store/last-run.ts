/**
 * The published snapshot and the last-run row: what monitors read (`--status --json`, `--status
 * --check`). The last-run table arrived with schema version 6; a read-only connection to an older
 * file cannot migrate it, so its statements are prepared only when the table exists.
 */
import type Database from 'better-sqlite3';
import { hasSchemaObject } from './schema-tools.ts';
import { guarded } from './db-error.ts';
import { parseSqlTime, toSqlTime } from './sql-time.ts';
import type { LastRun } from './store.ts';

interface LastRunRow {
  exit_code: number;
  outcome: string;
  reason: string | null;
  snapshot_id: number | null;
  finished_at: string;
}

function hasLastRunTable(db: Database.Database): boolean {
  return hasSchemaObject(db, 'table', 'extraction_last_run');
}

export function writeLastRun(db: Database.Database, run: LastRun): void {
  guarded('Cannot record how the run ended', () =>
    db
      .prepare(
        `INSERT INTO extraction_last_run (id, exit_code, outcome, reason, snapshot_id, finished_at)
         VALUES (1, @exit_code, @outcome, @reason, @snapshot_id, @finished_at)
         ON CONFLICT(id) DO UPDATE SET exit_code = excluded.exit_code, outcome = excluded.outcome,
           reason = excluded.reason, snapshot_id = excluded.snapshot_id,
           finished_at = excluded.finished_at`,
      )
      .run({ ...withoutTime(run), finished_at: toSqlTime(run.finished_at_ms) }),
  );
}

export function readLastRun(db: Database.Database): LastRun | null {
  if (!hasLastRunTable(db)) return null;
  const row = db.prepare('SELECT * FROM extraction_last_run WHERE id = 1').get() as LastRunRow | undefined;
  if (row === undefined) return null;
  return {
    exit_code: row.exit_code,
    outcome: row.outcome,
    reason: row.reason,
    snapshot_id: row.snapshot_id,
    finished_at_ms: parseSqlTime(row.finished_at) ?? 0,
  };
}

function withoutTime(run: LastRun): Omit<LastRun, 'finished_at_ms'> {
  return { exit_code: run.exit_code, outcome: run.outcome, reason: run.reason, snapshot_id: run.snapshot_id };
}
