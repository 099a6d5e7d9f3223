/**
 * The removal-candidate methods of the Store port over PostgreSQL (D125), each guarded like the rest
 * of PgStore, which delegates to it in one line each. Writes go through PgStore's own guard, so a
 * read-only or closed store refuses them before anything is sent.
 */
import type { RemovalCandidateMethods, RemovalCounts, RemovalPreview, SystemRecord } from '../store/index.ts';
import { pgGuarded } from './errors.ts';
import type { QuotedSchema } from './names.ts';
import * as removal from './removal-candidates.ts';
import type { SqlClient } from './sql-client.ts';

export type PgWriteGuard = <T>(what: string, work: () => Promise<T>) => Promise<T>;

export class PgRemovals implements RemovalCandidateMethods {
  readonly #db: SqlClient;
  readonly #s: QuotedSchema;
  readonly #write: PgWriteGuard;

  constructor(db: SqlClient, s: QuotedSchema, write: PgWriteGuard) {
    this.#db = db;
    this.#s = s;
    this.#write = write;
  }

  previewRemovalCandidates(snapshotId: number): Promise<RemovalPreview | null> {
    return pgGuarded(`Cannot preview the removal candidates of snapshot ${snapshotId}`, () =>
      removal.previewRemovals(this.#db, this.#s, snapshotId),
    );
  }

  /** One statement (INSERT ... SELECT), then the counts: a concurrent run is kept out by the run lock. */
  selectRemovalCandidates(snapshotId: number, nowMs: number): Promise<RemovalCounts | null> {
    return this.#write(`Cannot select the removal candidates of snapshot ${snapshotId}`, async () => {
      await removal.insertRemovalCandidates(this.#db, this.#s, snapshotId, nowMs);
      return removal.countRemovals(this.#db, this.#s, snapshotId);
    });
  }

  removalCounts(snapshotId: number): Promise<RemovalCounts | null> {
    return pgGuarded(`Cannot count the removal candidates of snapshot ${snapshotId}`, () =>
      removal.countRemovals(this.#db, this.#s, snapshotId),
    );
  }

  pendingRemovalCandidates(snapshotId: number, limit: number): Promise<string[]> {
    return pgGuarded(`Cannot read the removal candidates of snapshot ${snapshotId}`, () =>
      removal.selectPendingRemovals(this.#db, this.#s, snapshotId, limit),
    );
  }

  previousRecords(snapshotId: number, ids: readonly string[]): Promise<SystemRecord[]> {
    return pgGuarded(`Cannot read the previous rows of snapshot ${snapshotId}`, () =>
      removal.selectPreviousRecords(this.#db, this.#s, snapshotId, ids),
    );
  }
}
