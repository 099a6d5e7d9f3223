/**
 * Store.setSnapshotStatus over one connection: one IMMEDIATE transaction. A snapshot set to `success`
 * this way (publishSnapshot is the usual path) moves its rows from pending_systems into `systems` in the
 * same transaction, so a `success` snapshot has its rows in `systems` however it got there (D134).
 */
import type Database from 'better-sqlite3';
import { moveChunkRows } from './schema-pending.ts';
import type { Statements } from './statements.ts';
import type { SnapshotStatus } from './store.ts';

/** Sets the status; returns the changed row count (0: no such snapshot). */
export type StatusWriter = (
  snapshotId: number,
  status: SnapshotStatus,
  message: string | null,
  durationMs: number | null,
) => number;

/**
 * The rows of `snapshotId` from pending_systems into systems, inside the caller's transaction, in the
 * order they were first stored, one chunk of pending_ids at a time (D135).
 */
export function movePendingRows(sql: Statements, snapshotId: number, chunkOverride?: number): void {
  const moves = sql.pendingMove;
  if (moves === null) return;
  const { first, last } = moves.range.get({ snapshot: snapshotId }) as PendingRange;
  if (first !== null && last !== null) {
    const chunkRows = chunkOverride ?? moveChunkRows(last - first + 1);
    for (let from = first; from <= last; from += chunkRows) {
      const chunk = { snapshot: snapshotId, from, to: from + chunkRows };
      moves.move.run(chunk);
      moves.clear.run(chunk);
    }
  }
  // D139: the dictionary goes with the rows it decoded (also when none were left).
  moves.clearStrings?.run({ snapshot: snapshotId });
}

interface PendingRange {
  first: number | null;
  last: number | null;
}

export function createStatusWriter(db: Database.Database, sql: Statements): StatusWriter {
  const write = db.transaction(
    (id: number, status: SnapshotStatus, message: string | null, durationMs: number | null) => {
      const { changes } = sql.setSnapshotStatus.run(status, message, durationMs, id);
      if (status === 'success' && changes > 0) movePendingRows(sql, id);
      return changes;
    },
  );
  return (id, status, message, durationMs) => write.immediate(id, status, message, durationMs);
}
