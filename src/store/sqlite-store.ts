import type Database from 'better-sqlite3';
import { commitBatch, emptyCheckpoint, unknownSnapshot, writeCheckpoint } from './commit-batch.ts';
import { guarded } from './db-error.ts';
import { readLastRun, writeLastRun } from './last-run.ts';
import { toCheckpoint, toGapRow, toPublished, toSnapshotInfo } from './rows.ts';
import type { CheckpointRow, GapDbRow, PublishedRow, SnapshotRow } from './rows.ts';
import { createPendingEncoder } from './pending-encoding.ts';
import { pruneInTransaction } from './prune.ts';
import { createPublisher, type Publisher } from './publish.ts';
import type { ChangeCounts, PublishResult } from './publish-types.ts';
import { readRawRecord, registerRawFunctions } from './raw-parts.ts';
import { RemovalCandidateStore } from './removal-candidates.ts';
import { assertIntact } from './open-checks.ts';
import { CHECKPOINT_WRITER } from './schema-extractor.ts';
import { toSqlTime } from './sql-time.ts';
import { prepareStatements, type Statements, TOKEN_LOG_RETENTION_MS } from './statements.ts';
import { createStatusWriter, movePendingRows, type StatusWriter } from './snapshot-status.ts';
import type {
  Checkpoint,
  CommitBatch,
  CommitResult,
  GapRow,
  LastRun,
  PublishedSnapshot,
  SnapshotInfo,
  SnapshotStatus,
  Store,
} from './store.ts';

/** The Store port over better-sqlite3. Built by openStore(), which has already migrated `db`. */
export class SqliteStore extends RemovalCandidateStore implements Store {
  readonly #db: Database.Database;
  readonly #sql: Statements;
  // Write transactions are wrapped once and started with BEGIN IMMEDIATE: a deferred one that reads
  // first cannot wait for the write lock when another connection commits in between (SQLITE_BUSY).
  readonly #createSnapshotTx: Database.Transaction<(nowMs: number) => number>;
  readonly #resetCheckpointTx: Database.Transaction<(id: number, page: number, nowMs: number) => void>;
  readonly #commitTx: Database.Transaction<(batch: CommitBatch) => CommitResult>;
  readonly #recordTokenTx: Database.Transaction<(nowMs: number) => void>;
  readonly #setStatus: StatusWriter;
  readonly #publisher: Publisher;
  /** Systems stored per snapshot as this connection last committed them (D71): COUNT(*) once per
   *  process, never the checkpoint row (an edited one must not close a pass early). */
  readonly #stored = new Map<number, number>();

  constructor(db: Database.Database) {
    super(db);
    this.#db = db;
    // The view system_raw_json calls it; the sqlite3 shell has it built in (D70).
    registerRawFunctions(db);
    const sql = guarded('Cannot prepare the store statements', () => prepareStatements(db));
    this.#sql = sql;
    const encoder = sql.pendingEncoded ? createPendingEncoder(db) : null;
    this.#createSnapshotTx = db.transaction((nowMs: number) => {
      const id = Number(sql.insertSnapshot.run(toSqlTime(nowMs)).lastInsertRowid);
      writeCheckpoint(sql, id, nowMs, emptyCheckpoint(0, 0));
      return id;
    });
    this.#resetCheckpointTx = db.transaction((id: number, page: number, nowMs: number) => {
      const systems = sql.countSystems.get(id) as number;
      writeCheckpoint(sql, id, nowMs, emptyCheckpoint(page, systems));
    });
    this.#commitTx = db.transaction((batch: CommitBatch) =>
      commitBatch(
        sql,
        batch,
        this.#stored.get(batch.snapshot_id) ?? (sql.countSystems.get(batch.snapshot_id) as number),
        (id, lookups, now) => {
          this.settleLookups(id, lookups, now);
        },
        encoder,
      ),
    );
    this.#publisher = createPublisher(db, movePendingRows.bind(null, sql));
    this.#setStatus = createStatusWriter(db, sql);
    this.#recordTokenTx = db.transaction((nowMs: number) => {
      sql.pruneTokenRequests.run(nowMs - TOKEN_LOG_RETENTION_MS);
      sql.insertTokenRequest.run(nowMs);
    });
  }

  async publishedSnapshot(): Promise<PublishedSnapshot | null> {
    const row = this.#sql.publishedSnapshot.get(CHECKPOINT_WRITER) as PublishedRow | undefined;
    return row === undefined ? null : toPublished(row);
  }

  async currentSnapshot(): Promise<SnapshotInfo | null> {
    const row = this.#sql.currentSnapshot.get(CHECKPOINT_WRITER) as SnapshotRow | undefined;
    return row === undefined ? null : toSnapshotInfo(row);
  }

  async createSnapshot(nowMs: number): Promise<number> {
    return guarded('Cannot create a snapshot', () => this.#createSnapshotTx.immediate(nowMs));
  }

  async setSnapshotStatus(
    snapshotId: number,
    status: SnapshotStatus,
    errorMessage: string | null,
    durationMs: number | null,
  ): Promise<void> {
    // The downstream CHECK wants a non-negative integer; null keeps the stored duration.
    const duration = durationMs === null ? null : Math.max(0, Math.round(durationMs));
    const changes = guarded(`Cannot set snapshot ${snapshotId} to ${status}`, () =>
      this.#setStatus(snapshotId, status, errorMessage, duration),
    );
    if (changes === 0) throw unknownSnapshot(snapshotId);
  }

  async checkHistory(): Promise<void> {
    assertIntact(this.#db, this.#db.name, 'history');
  }

  async publishSnapshot(snapshotId: number, nowMs: number, durationMs: number): Promise<PublishResult> {
    return guarded(`Cannot publish snapshot ${snapshotId}`, () =>
      this.#publisher.publish(snapshotId, nowMs, durationMs),
    );
  }

  async changeCounts(snapshotId: number): Promise<ChangeCounts | null> {
    return this.#publisher.counts(snapshotId);
  }

  async getCheckpoint(snapshotId: number): Promise<Checkpoint | null> {
    const row = this.#sql.getCheckpoint.get(snapshotId) as CheckpointRow | undefined;
    return row === undefined ? null : toCheckpoint(row);
  }

  async resetCheckpoint(snapshotId: number, lastPage: number, nowMs: number): Promise<void> {
    guarded(`Cannot reset the checkpoint of snapshot ${snapshotId}`, () => {
      this.#resetCheckpointTx.immediate(snapshotId, lastPage, nowMs);
    });
  }

  async setPreviousCoverage(snapshotId: number, coveragePct: number): Promise<void> {
    guarded(`Cannot record the coverage of snapshot ${snapshotId}`, () =>
      this.#sql.setPreviousCoverage.run(coveragePct, snapshotId),
    );
  }

  async commit(batch: CommitBatch): Promise<CommitResult> {
    const result = guarded(`Cannot commit to snapshot ${batch.snapshot_id}`, () =>
      this.#commitTx.immediate(batch),
    );
    // Only once the transaction committed: a rolled-back commit leaves the count as it was.
    this.#stored.set(batch.snapshot_id, result.systems_extracted);
    return result;
  }

  async idsOnPage(snapshotId: number, page: number): Promise<string[]> {
    const pending = this.#sql.idsOnPage.all(snapshotId, page) as string[];
    return pending.length > 0 ? pending : (this.#sql.publishedIdsOnPage.all(snapshotId, page) as string[]);
  }

  async lastSuccessfulSize(beforeSnapshotId: number): Promise<number | null> {
    const count = this.#sql.lastSuccessfulSize.get(beforeSnapshotId) as number;
    // COUNT over no snapshot is 0; tell "no earlier success" apart from "an empty one".
    return count === 0 && this.#sql.hasSuccessBefore.get(beforeSnapshotId) === undefined ? null : count;
  }

  async lastStoredPage(snapshotId: number, maxPage: number): Promise<number | null> {
    return (this.#sql.lastStoredPage.get(snapshotId, maxPage) as number | null | undefined) ?? null;
  }

  async knownIds(snapshotId: number, ids: readonly string[], exceptPage?: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows =
      exceptPage === undefined
        ? this.#sql.knownIds.all(snapshotId, JSON.stringify(ids))
        : this.#sql.knownIdsElsewhere.all(snapshotId, JSON.stringify(ids), exceptPage);
    return new Set(rows as string[]);
  }

  async listGaps(snapshotId: number): Promise<GapRow[]> {
    return (this.#sql.listGaps.all(snapshotId) as GapDbRow[]).map(toGapRow);
  }

  async rawRecord(resourceId: string): Promise<string | null> {
    return readRawRecord(this.#db, resourceId);
  }

  async recordTokenRequest(nowMs: number): Promise<void> {
    guarded('Cannot record a token request', () => {
      this.#recordTokenTx.immediate(nowMs);
    });
  }

  async countTokenRequestsSince(sinceMs: number): Promise<number> {
    return this.#sql.countTokenRequests.get(sinceMs) as number;
  }

  async pruneSnapshots(keep: number) {
    return pruneInTransaction(this.#db, keep);
  }

  async recordLastRun(run: LastRun): Promise<void> {
    writeLastRun(this.#db, run);
  }

  async lastRun(): Promise<LastRun | null> {
    return readLastRun(this.#db);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
