/**
 * The Store port over PostgreSQL (D95-D101), one account schema per store. Every mutating method is
 * one statement or one transaction; every failure is a pgError naming the operation. Built by
 * openPostgresStore(), which has already migrated the schema, or by openPostgresStoreReadOnly().
 */
import { errorCodeOf, ExtractorError } from '../platform/index.ts';
import type {
  Checkpoint,
  CommitBatch,
  CommitResult,
  GapRow,
  LastRun,
  ChangeCounts,
  PruneResult,
  PublishedSnapshot,
  PublishResult,
  SnapshotInfo,
  SnapshotStatus,
  Store,
} from '../store/index.ts';
import { commitBatch } from './commit.ts';
import { pgGuarded } from './errors.ts';
import * as lookup from './lookups.ts';
import * as living from './living.ts';
import type { QuotedSchema } from './names.ts';
import * as read from './reads.ts';
import { PgRemovals } from './removal-store.ts';
import type { SqlClient } from './sql-client.ts';
import { TokenLog } from './token-log.ts';
import * as write from './writes.ts';

export interface PgStoreOptions {
  client: SqlClient;
  schema: string;
  quoted: QuotedSchema;
  /** Zoho client id whose token budget this store shares (D99); null → this schema's own. */
  clientId: string | null;
  /** `--status`: every write is refused before it reaches the server (D18). */
  readOnly: boolean;
}

export class PgStore implements Store {
  readonly #db: SqlClient;
  readonly #s: QuotedSchema;
  readonly #schema: string;
  readonly #readOnly: boolean;
  readonly #tokens: TokenLog;
  /** Systems stored per snapshot as this process last committed them; counted once (D71). */
  readonly #stored = new Map<number, number>();
  #closed = false;
  readonly #rm: PgRemovals;

  constructor(options: PgStoreOptions) {
    this.#db = options.client;
    this.#s = options.quoted;
    this.#schema = options.schema;
    this.#readOnly = options.readOnly;
    this.#tokens = new TokenLog(options.client, options.schema, options.clientId);
    this.#rm = new PgRemovals(options.client, options.quoted, (what, work) => this.#write(what, work));
  }

  /** Runs a write; in read-only mode, or after close(), it is refused before anything is sent. */
  #write<T>(what: string, work: () => Promise<T>): Promise<T> {
    return pgGuarded(what, async () => {
      if (this.#readOnly || this.#closed) {
        const why = this.#closed ? 'the store is closed' : 'the store was opened read-only';
        throw new ExtractorError('database_error', `${what}: ${why} (schema "${this.#schema}")`);
      }
      return work();
    });
  }

  publishedSnapshot(): Promise<PublishedSnapshot | null> {
    return pgGuarded('Cannot read the published snapshot', () =>
      read.readPublishedSnapshot(this.#db, this.#s),
    );
  }

  currentSnapshot(): Promise<SnapshotInfo | null> {
    return pgGuarded('Cannot read the current snapshot', () => read.readCurrentSnapshot(this.#db, this.#s));
  }

  createSnapshot(nowMs: number): Promise<number> {
    return this.#write('Cannot create a snapshot', () => write.insertSnapshot(this.#db, this.#s, nowMs));
  }

  setSnapshotStatus(
    snapshotId: number,
    status: SnapshotStatus,
    errorMessage: string | null,
    durationMs: number | null,
  ): Promise<void> {
    return this.#write(`Cannot set snapshot ${snapshotId} to ${status}`, () =>
      write.updateSnapshotStatus(this.#db, this.#s, snapshotId, status, errorMessage, durationMs),
    );
  }

  /** D142: nothing to check here; the server keeps its own pages (checksums, WAL). */
  checkHistory(): Promise<void> {
    return Promise.resolve();
  }

  publishSnapshot(snapshotId: number, nowMs: number, durationMs: number): Promise<PublishResult> {
    return this.#write(`Cannot publish snapshot ${snapshotId}`, () =>
      living.publishSnapshot(this.#db, this.#s, snapshotId, nowMs, durationMs),
    );
  }

  changeCounts(snapshotId: number): Promise<ChangeCounts | null> {
    return pgGuarded('Cannot count the changes', () => living.changeCounts(this.#db, this.#s, snapshotId));
  }

  pruneSnapshots(keep: number): Promise<PruneResult> {
    return this.#write('Cannot delete the rows of old snapshots', () =>
      living.prune(this.#db, this.#s, keep),
    );
  }

  getCheckpoint(snapshotId: number): Promise<Checkpoint | null> {
    return pgGuarded(`Cannot read the checkpoint of snapshot ${snapshotId}`, () =>
      read.readCheckpoint(this.#db, this.#s, snapshotId),
    );
  }

  resetCheckpoint(snapshotId: number, lastPage: number, nowMs: number): Promise<void> {
    return this.#write(`Cannot reset the checkpoint of snapshot ${snapshotId}`, () =>
      write.overwriteCheckpoint(this.#db, this.#s, snapshotId, lastPage, nowMs),
    );
  }

  setPreviousCoverage(snapshotId: number, coveragePct: number): Promise<void> {
    return this.#write(`Cannot record the coverage of snapshot ${snapshotId}`, () =>
      write.updatePreviousCoverage(this.#db, this.#s, snapshotId, coveragePct),
    );
  }

  commit(batch: CommitBatch): Promise<CommitResult> {
    return this.#write(`Cannot commit to snapshot ${batch.snapshot_id}`, async () => {
      const storedBefore = this.#stored.get(batch.snapshot_id) ?? null;
      const result = await this.#db.transaction((tx) => commitBatch(tx, this.#s, batch, storedBefore));
      // Only once the transaction committed: a rolled-back commit leaves the count as it was.
      this.#stored.set(batch.snapshot_id, result.systems_extracted);
      return result;
    });
  }

  idsOnPage(snapshotId: number, page: number): Promise<string[]> {
    return pgGuarded(`Cannot read page ${page} of snapshot ${snapshotId}`, () =>
      lookup.selectIdsOnPage(this.#db, this.#s, snapshotId, page),
    );
  }

  lastSuccessfulSize(beforeSnapshotId: number): Promise<number | null> {
    return pgGuarded('Cannot read the last successful snapshot', () =>
      lookup.selectLastSuccessfulSize(this.#db, this.#s, beforeSnapshotId),
    );
  }

  lastStoredPage(snapshotId: number, maxPage: number): Promise<number | null> {
    return pgGuarded(`Cannot read the pages of snapshot ${snapshotId}`, () =>
      lookup.selectLastStoredPage(this.#db, this.#s, snapshotId, maxPage),
    );
  }

  knownIds(snapshotId: number, ids: readonly string[], exceptPage?: number): Promise<Set<string>> {
    return pgGuarded(`Cannot look up systems of snapshot ${snapshotId}`, () =>
      lookup.selectKnownIds(this.#db, this.#s, snapshotId, ids, exceptPage),
    );
  }

  listGaps(snapshotId: number): Promise<GapRow[]> {
    return pgGuarded(`Cannot read the gaps of snapshot ${snapshotId}`, () =>
      read.readGaps(this.#db, this.#s, snapshotId),
    );
  }

  rawRecord(resourceId: string): Promise<string | null> {
    return pgGuarded(`Cannot read the record of ${resourceId}`, () =>
      lookup.selectRawRecord(this.#db, this.#s, resourceId),
    );
  }

  readonly previewRemovalCandidates: Store['previewRemovalCandidates'] = (id) =>
    this.#rm.previewRemovalCandidates(id);
  readonly selectRemovalCandidates: Store['selectRemovalCandidates'] = (id, nowMs) =>
    this.#rm.selectRemovalCandidates(id, nowMs);
  readonly removalCounts: Store['removalCounts'] = (id) => this.#rm.removalCounts(id);
  readonly pendingRemovalCandidates: Store['pendingRemovalCandidates'] = (id, limit) =>
    this.#rm.pendingRemovalCandidates(id, limit);
  readonly previousRecords: Store['previousRecords'] = (id, ids) => this.#rm.previousRecords(id, ids);

  recordTokenRequest(nowMs: number): Promise<void> {
    return this.#write('Cannot record a token request', () => this.#tokens.record(nowMs));
  }

  countTokenRequestsSince(sinceMs: number): Promise<number> {
    return pgGuarded('Cannot count token requests', () => this.#tokens.countSince(sinceMs));
  }

  recordLastRun(run: LastRun): Promise<void> {
    return this.#write('Cannot record how the run ended', () => write.writeLastRun(this.#db, this.#s, run));
  }

  lastRun(): Promise<LastRun | null> {
    return pgGuarded('Cannot read the last run', async () => {
      try {
        return await read.readLastRun(this.#db, this.#s);
      } catch (error) {
        // undefined_table: a schema whose migrations stopped before that table (read-only open).
        if (errorCodeOf(error) === '42P01') return null;
        throw error;
      }
    });
  }

  /** Ends the client this store owns; safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.close?.();
  }
}
