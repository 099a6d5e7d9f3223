/** Every statement the store runs, prepared once per connection (better-sqlite3 caches the plan). */
import type Database from 'better-sqlite3';
import { pendingMoves, pendingTableOf } from './schema-pending.ts';
import { upsertSystemSql } from './system-upsert.ts';

/** Token requests older than this are pruned: the Zoho window is 10 minutes, a day is plenty. */
export const TOKEN_LOG_RETENTION_MS = 24 * 60 * 60 * 1000;

const CHECKPOINT_COLUMNS = [
  'last_page',
  'systems_extracted',
  'coverage_pct',
  'total_systems',
  'total_pages',
  'page_limit',
  'pass_complete',
  'previous_coverage_pct',
  'probed_page_size',
  'page_size_fallback',
  'written_by',
  'updated_at',
];

export function prepareStatements(db: Database.Database) {
  const sql = (text: string) => db.prepare(text);
  // A read-only connection to a file from before migration 12 has no completed_at (D111).
  const completedAt = hasColumn(db, 'snapshots', 'completed_at') ? 's.completed_at' : 'NULL';
  // The pass in progress (D134); a read-only file from before migration 13 kept it in systems.
  const pending = pendingTableOf(db);
  // D139: pending rows carry a mask, except on a read-only file from before migration 14.
  const encoded = pending === 'pending_systems' && hasColumn(db, 'pending_systems', 'encoded');
  const moves = pendingMoves(pending, encoded);
  const order = pending === 'systems' ? 'system_id' : 'pending_id';
  return {
    currentSnapshot: sql(
      `SELECT s.snapshot_id, s.status, s.timestamp, s.error_message
       FROM snapshots s JOIN extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
       WHERE c.written_by = ? ORDER BY s.snapshot_id DESC LIMIT 1`,
    ),
    publishedSnapshot: sql(
      `SELECT s.snapshot_id, s.timestamp, s.extraction_duration_ms, ${completedAt} AS completed_at,
         c.systems_extracted, c.coverage_pct, c.updated_at
       FROM snapshots s JOIN extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
       WHERE c.written_by = ? AND s.status = 'success' ORDER BY s.snapshot_id DESC LIMIT 1`,
    ),
    insertSnapshot: sql(
      `INSERT INTO snapshots (timestamp, api_version, status) VALUES (?, '1.4', 'partial')`,
    ),
    snapshotExists: sql('SELECT 1 FROM snapshots WHERE snapshot_id = ?').pluck(),
    setSnapshotStatus: sql(
      `UPDATE snapshots SET status = ?, error_message = ?,
       extraction_duration_ms = COALESCE(?, extraction_duration_ms) WHERE snapshot_id = ?`,
    ),
    getCheckpoint: sql('SELECT * FROM extraction_checkpoints WHERE snapshot_id = ?'),
    upsertCheckpoint: sql(
      `INSERT INTO extraction_checkpoints (snapshot_id, created_at, ${CHECKPOINT_COLUMNS.join(', ')})
       VALUES (@snapshot_id, @updated_at, ${CHECKPOINT_COLUMNS.map((c) => `@${c}`).join(', ')})
       ON CONFLICT(snapshot_id) DO UPDATE SET
       ${CHECKPOINT_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    ),
    setPreviousCoverage: sql(
      'UPDATE extraction_checkpoints SET previous_coverage_pct = ? WHERE snapshot_id = ?',
    ),
    upsertSystem: sql(upsertSystemSql(pending, encoded)),
    pendingEncoded: encoded,
    pendingMove:
      moves === null
        ? null
        : {
            range: sql(moves.range),
            move: sql(moves.move),
            clear: sql(moves.clear),
            clearStrings: moves.clearStrings === null ? null : sql(moves.clearStrings),
          },
    deleteSystem: sql(`DELETE FROM ${pending} WHERE snapshot_id = ? AND resource_id = ?`),
    rawPartsOfPage: sql(
      'SELECT part, raw_size, data FROM system_raw_parts WHERE snapshot_id = ? AND page_num = ?',
    ),
    rawRefsOnPage: sql(
      `SELECT resource_id, raw_part, raw_offset, raw_length FROM ${pending}
       WHERE snapshot_id = ? AND source_page = ? AND raw_json IS NULL AND raw_part IS NOT NULL`,
    ),
    deleteRawParts: sql('DELETE FROM system_raw_parts WHERE snapshot_id = ? AND page_num = ?'),
    insertRawPart: sql(
      'INSERT INTO system_raw_parts (snapshot_id, page_num, part, raw_size, data) VALUES (?, ?, ?, ?, ?)',
    ),
    setRawRef: sql(
      `UPDATE ${pending} SET raw_part = ?, raw_offset = ?, raw_length = ? WHERE snapshot_id = ? AND resource_id = ?`,
    ),

    // The pass in progress is in pending_systems (D134). Answered from its (snapshot_id, resource_id)
    // unique index alone: no table rows are read.
    countSystems: sql(`SELECT COUNT(*) FROM ${pending} WHERE snapshot_id = ?`).pluck(),
    idsOnPage: sql(
      `SELECT resource_id FROM ${pending} WHERE snapshot_id = ? AND source_page = ? ORDER BY ${order}`,
    ).pluck(),
    // A published snapshot's rows are in systems (D134).
    publishedIdsOnPage: sql(
      'SELECT resource_id FROM systems WHERE snapshot_id = ? AND source_page = ? ORDER BY system_id',
    ).pluck(),
    // Systems of the newest `success` pass of ours before this snapshot (the published inventory).
    lastSuccessfulSize: sql(
      `SELECT COUNT(*) FROM systems WHERE snapshot_id = (
         SELECT MAX(s.snapshot_id) FROM snapshots s
         JOIN extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
         WHERE s.status = 'success' AND s.snapshot_id < ?)`,
    ).pluck(),
    hasSuccessBefore: sql(
      `SELECT 1 FROM snapshots s JOIN extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
       WHERE s.status = 'success' AND s.snapshot_id < ? LIMIT 1`,
    ).pluck(),
    lastStoredPage: sql(
      `SELECT MAX(source_page) FROM ${pending} WHERE snapshot_id = ? AND source_page <= ?`,
    ).pluck(),
    // One statement for any number of ids: the list travels as a JSON array.
    knownIds: sql(
      `SELECT resource_id FROM ${pending}
       WHERE snapshot_id = ? AND resource_id IN (SELECT value FROM json_each(?))`,
    ).pluck(),
    // Through the (snapshot_id, resource_id) key, so O(ids), not O(snapshot): called for every page.
    knownIdsElsewhere: sql(
      `SELECT resource_id FROM ${pending}
       WHERE snapshot_id = ? AND resource_id IN (SELECT value FROM json_each(?)) AND source_page <> ?`,
    ).pluck(),
    upsertGap: sql(
      `INSERT INTO extraction_gaps (snapshot_id, page_num, error_type, error_message,
         response_sample, attempts, created_at, updated_at)
       VALUES (@snapshot_id, @page_num, @error_type, @error_message, @response_sample, @attempts,
         @now, @now)
       ON CONFLICT(snapshot_id, page_num) DO UPDATE SET error_type = excluded.error_type,
         error_message = excluded.error_message, response_sample = excluded.response_sample,
         attempts = excluded.attempts, updated_at = excluded.updated_at,
         resolved = 0, resolved_at = NULL`,
    ),
    retryGap: sql(
      `UPDATE extraction_gaps SET retry_sweeps = retry_sweeps + 1, attempts = attempts + @attempts,
         resolved = @resolved, resolved_at = CASE WHEN @resolved = 1 THEN @now END,
         error_type = COALESCE(@error_type, error_type),
         error_message = COALESCE(@error_message, error_message), updated_at = @now
       WHERE snapshot_id = @snapshot_id AND page_num = @page_num`,
    ),
    listGaps: sql(
      `SELECT snapshot_id, page_num, error_type, error_message, response_sample, attempts,
         retry_sweeps, resolved, resolved_at
       FROM extraction_gaps WHERE snapshot_id = ? ORDER BY page_num`,
    ),
    pruneTokenRequests: sql('DELETE FROM token_requests WHERE requested_at_ms < ?'),
    insertTokenRequest: sql('INSERT INTO token_requests (requested_at_ms) VALUES (?)'),
    countTokenRequests: sql('SELECT COUNT(*) FROM token_requests WHERE requested_at_ms >= ?').pluck(),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return db.prepare(`SELECT 1 FROM pragma_table_info('${table}') WHERE name = ?`).get(column) !== undefined;
}
