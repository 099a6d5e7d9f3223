/**
 * The store side of confirmed removals (D85, D86, D87): which systems of the previous published
 * snapshot this pass did not return, their lookup progress in `removal_candidates`, and the previous
 * rows a failed lookup carries over. Statements are prepared on first use: a read-only open of a file
 * from before migration 11 never touches the table.
 */
import type Database from 'better-sqlite3';
import { toSqlTime } from './sql-time.ts';
import { guarded } from './db-error.ts';
import { pendingTableOf, type PendingTable } from './schema-pending.ts';
import type { LookupSettlement, RemovalCounts, RemovalPreview } from './removal-types.ts';
import type { RemovalCandidateMethods, SystemRecord } from './store.ts';
import { SYSTEM_INTEGER_COLUMNS, SYSTEM_REQUIRED_COLUMNS, SYSTEM_TEXT_COLUMNS } from './system-columns.ts';

const DATA_COLUMNS: readonly string[] = [
  ...SYSTEM_REQUIRED_COLUMNS,
  ...SYSTEM_TEXT_COLUMNS,
  ...SYSTEM_INTEGER_COLUMNS,
];

/**
 * Rows of the previous published snapshot (this tool's newest `success` before @snap) missing from
 * @snap, each with `lost` = 1 when its previous page overlaps a gap of @snap that is still open (D86).
 * Pages are compared as offset ranges, [(page - 1) × limit, page × limit), with each pass's own
 * page_limit, so a changed PMP_PAGE_SIZE compares the right systems; with equal limits that is the
 * same page number. A previous row with no page (NULL: another tool's; 0: itself found by a lookup)
 * is never on a lost page.
 */
function missingSql(pending: PendingTable): string {
  return `
WITH prev AS (
  SELECT MAX(s.snapshot_id) AS id FROM snapshots s
  JOIN extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
  WHERE s.status = 'success' AND s.snapshot_id < @snap),
limits AS (
  SELECT COALESCE(pc.page_limit, cc.page_limit, 1) AS lp, COALESCE(cc.page_limit, pc.page_limit, 1) AS lc
  FROM prev
  LEFT JOIN extraction_checkpoints pc ON pc.snapshot_id = prev.id
  LEFT JOIN extraction_checkpoints cc ON cc.snapshot_id = @snap),
missing AS (
  SELECT p.snapshot_id AS previous_id, p.resource_id, p.source_page,
    EXISTS (SELECT 1 FROM extraction_gaps g, limits
      WHERE g.snapshot_id = @snap AND g.resolved = 0 AND p.source_page >= 1
        AND (p.source_page - 1) * limits.lp < g.page_num * limits.lc
        AND (g.page_num - 1) * limits.lc < p.source_page * limits.lp) AS lost
  FROM systems p JOIN prev ON p.snapshot_id = prev.id
  WHERE NOT EXISTS (SELECT 1 FROM ${pending} c WHERE c.snapshot_id = @snap AND c.resource_id = p.resource_id))`;
}

function prepare(db: Database.Database) {
  const sql = (text: string) => db.prepare(text);
  // Compared with the pass in progress (D134).
  const MISSING = missingSql(pendingTableOf(db));
  return {
    previousId: sql(
      `SELECT MAX(s.snapshot_id) FROM snapshots s
       JOIN extraction_checkpoints c ON c.snapshot_id = s.snapshot_id
       WHERE s.status = 'success' AND s.snapshot_id < ?`,
    ).pluck(),
    preview: sql(
      `${MISSING} SELECT COALESCE(SUM(lost = 0), 0) AS candidates, COALESCE(SUM(lost), 0) AS lost_gap
       FROM missing`,
    ),
    insert: sql(
      `${MISSING} INSERT OR IGNORE INTO removal_candidates (snapshot_id, resource_id, previous_snapshot_id,
         previous_page, state, reason, attempts, created_at, updated_at)
       SELECT @snap, resource_id, previous_id, source_page,
         CASE WHEN lost THEN 'unknown' ELSE 'pending' END, CASE WHEN lost THEN 'lost_gap' END, 0, @now, @now
       FROM missing`,
    ),
    counts: sql(
      `SELECT MAX(previous_snapshot_id) AS previous_snapshot_id,
         COALESCE(SUM(state = 'pending'), 0) AS pending, COALESCE(SUM(state = 'present'), 0) AS present,
         COALESCE(SUM(state = 'removed'), 0) AS removed,
         COALESCE(SUM(reason = 'lost_gap'), 0) AS lost_gap,
         COALESCE(SUM(state = 'unknown' AND reason <> 'lost_gap'), 0) AS carried_over
       FROM removal_candidates WHERE snapshot_id = ?`,
    ),
    pending: sql(
      `SELECT resource_id FROM removal_candidates WHERE snapshot_id = ? AND state = 'pending'
       ORDER BY previous_page, resource_id LIMIT ?`,
    ).pluck(),
    settle: sql(
      `UPDATE removal_candidates SET state = @state, reason = @reason, attempts = attempts + @attempts,
         updated_at = @now
       WHERE snapshot_id = @snap AND resource_id = @id AND state = 'pending'`,
    ),
    previousRows: sql(
      `SELECT s.resource_id, ${DATA_COLUMNS.map((name) => `s.${name}`).join(', ')}, r.raw_json AS raw
       FROM removal_candidates k
       JOIN systems s ON s.snapshot_id = k.previous_snapshot_id AND s.resource_id = k.resource_id
       JOIN system_raw_json r ON r.system_id = s.system_id
       WHERE k.snapshot_id = ? AND k.resource_id IN (SELECT value FROM json_each(?))`,
    ),
  };
}

type Prepared = ReturnType<typeof prepare>;

type CountsRow = Omit<RemovalCounts, 'previous_snapshot_id'> & { previous_snapshot_id: number | null };

/**
 * The removal-candidate methods of the Store port over better-sqlite3; SqliteStore extends it. Each
 * is one statement or one IMMEDIATE transaction, like the rest of the store, and `async` only so that
 * a thrown error becomes a rejection (D90).
 */
export class RemovalCandidateStore implements RemovalCandidateMethods {
  readonly #db: Database.Database;
  #sql: Prepared | null = null;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  get #prepared(): Prepared {
    this.#sql ??= prepare(this.#db);
    return this.#sql;
  }

  async previewRemovalCandidates(snapshotId: number): Promise<RemovalPreview | null> {
    const previous = this.#prepared.previousId.get(snapshotId) as number | null;
    if (previous === null) return null;
    const row = this.#prepared.preview.get({ snap: snapshotId }) as { candidates: number; lost_gap: number };
    return { previous_snapshot_id: previous, candidates: row.candidates, lost_gap: row.lost_gap };
  }

  async selectRemovalCandidates(snapshotId: number, nowMs: number): Promise<RemovalCounts | null> {
    const now = toSqlTime(nowMs);
    guarded(`Cannot select the removal candidates of snapshot ${snapshotId}`, () => {
      this.#db.transaction(() => this.#prepared.insert.run({ snap: snapshotId, now })).immediate();
    });
    return this.removalCounts(snapshotId);
  }

  async removalCounts(snapshotId: number): Promise<RemovalCounts | null> {
    // MAX over no rows is NULL: nothing selected yet.
    const row = this.#prepared.counts.get(snapshotId) as CountsRow;
    return row.previous_snapshot_id === null
      ? null
      : { ...row, previous_snapshot_id: row.previous_snapshot_id };
  }

  async pendingRemovalCandidates(snapshotId: number, limit: number): Promise<string[]> {
    return this.#prepared.pending.all(snapshotId, limit) as string[];
  }

  async previousRecords(snapshotId: number, ids: readonly string[]): Promise<SystemRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.#prepared.previousRows.all(snapshotId, JSON.stringify(ids)) as Record<
      string,
      string | number | null
    >[];
    return rows.map((row) => {
      const columns = Object.fromEntries(DATA_COLUMNS.map((name) => [name, row[name] ?? null]));
      const raw = row['raw'];
      return {
        resource_id: String(row['resource_id']),
        columns,
        raw_json: typeof raw === 'string' ? raw : '',
      };
    });
  }

  /** Inside the caller's commit transaction (D6: settled with the rows it stored, or not at all). */
  protected settleLookups(
    snapshotId: number,
    settlements: readonly LookupSettlement[],
    nowSql: string,
  ): void {
    for (const settled of settlements) {
      this.#prepared.settle.run({
        snap: snapshotId,
        id: settled.resource_id,
        state: settled.state,
        reason: settled.reason,
        attempts: settled.attempts,
        now: nowSql,
      });
    }
  }
}
