/**
 * The persistence port of the extractor. The SQLite implementation lives in sqlite-store.ts; the
 * extraction loop only sees this interface. Every method returns a promise, so that a networked store
 * (PostgreSQL) fits the same port; SQLite keeps its synchronous driver underneath (D90). Each mutating
 * method is one transaction: a crash leaves either all of it or none of it.
 */
import type { ErrorType } from '../platform/index.ts';
import type { ChangeCounts, PruneResult, PublishResult } from './publish-types.ts';
import type { LookupSettlement, RemovalCounts, RemovalPreview } from './removal-types.ts';

export type { LookupSettlement, RemovalCandidateMethods, RemovalCounts } from './removal-types.ts';

export type SnapshotStatus = 'success' | 'partial' | 'failed';

/** Column name → value (TEXT columns as string, INTEGER columns as number, null when absent). */
export type SystemColumnValues = Readonly<Record<string, string | number | null>>;

/** One system row as mapped from an API record (columns of the downstream `systems` table). */
export interface SystemRecord {
  /** Lossless 17-digit id as text. */
  resource_id: string;
  /** Column name → value for every mapped column (TEXT columns as string, INTEGER columns as number). */
  columns: SystemColumnValues;
  /** The record exactly as received (lossless JSON text); stored in system_raw_parts (D70). */
  raw_json: string;
}

export interface SnapshotInfo {
  snapshot_id: number;
  status: SnapshotStatus;
  /** Epoch ms of the snapshot's creation. */
  created_at_ms: number;
  error_message: string | null;
}

/** Pass state stored with the checkpoint row (extraction_checkpoints, one row per snapshot). */
export interface Checkpoint {
  snapshot_id: number;
  /** Every page ≤ last_page is either stored or recorded as a gap. 0 = nothing yet. */
  last_page: number;
  /** Distinct resource_id stored in this snapshot. */
  systems_extracted: number;
  /** 0..100, systems_extracted ÷ total_systems, clamped at 100. */
  coverage_pct: number;
  /** Latest `total` the API reported during this pass; null before the first page. */
  total_systems: number | null;
  /** ceil(total_systems / page_limit); null before the first page. */
  total_pages: number | null;
  /** `limit` the API echoed. */
  page_limit: number | null;
  /** True once paging reached the last page (or an empty/short/wrapped page). */
  pass_complete: boolean;
  /** coverage_pct at the end of the previous run, for `coverage_decreased`. */
  previous_coverage_pct: number | null;
  /**
   * PMP_PAGE_SIZE=auto (D74): the `pagelimit` this pass settled on (the probe's finding, or the
   * page_limit after a fallback); null until probed, and under a fixed PMP_PAGE_SIZE.
   */
  probed_page_size: number | null;
  /** D74: why this pass fell back to its page_limit (no server text); null when it did not. */
  page_size_fallback: string | null;
  updated_at_ms: number;
}

export interface GapRecord {
  page_num: number;
  error_type: ErrorType;
  error_message: string;
  /** Already truncated and redacted by the caller. */
  response_sample: string | null;
  attempts: number;
}

export interface GapRow extends GapRecord {
  snapshot_id: number;
  /** How many gap sweeps have retried this page (0..3). */
  retry_sweeps: number;
  resolved: boolean;
  resolved_at_ms: number | null;
}

/** One gap page retried in a sweep (see CommitBatch.gapRetries). */
export interface GapRetry {
  page_num: number;
  resolved: boolean;
  /** Attempts spent on this page in this sweep. */
  attempts: number;
  error_type?: ErrorType;
  error_message?: string;
}

/** Where the pass stands: the checkpoint fields a commit writes (the store derives the rest). */
export type PassPosition = Omit<
  Checkpoint,
  'snapshot_id' | 'systems_extracted' | 'coverage_pct' | 'updated_at_ms'
>;

/** One committed unit of work: pages' systems, new/resolved gaps and the checkpoint, in one transaction. */
export interface CommitBatch {
  snapshot_id: number;
  pages: readonly { page: number; systems: readonly SystemRecord[] }[];
  /** New gaps; a page already recorded is overwritten and reopened, keeping its retry_sweeps. */
  gaps: readonly GapRecord[];
  /**
   * Gap pages retried in a sweep: resolved ones (resolved = 1, resolved_at = nowMs) and ones that
   * failed again. Either way the gap's retry_sweeps grows by 1 and `attempts` (those spent in this
   * sweep) is added to the gap's total; error_type/error_message replace the stored ones when given.
   * A page with no gap row is ignored.
   */
  gapRetries: readonly GapRetry[];
  /** Ids known to be deleted from the inventory (D53): their rows are removed before `pages` land. */
  staleIds?: readonly string[];
  /** Lookups by id settled since the last commit (D85); the systems they store travel in `pages` (page 0). */
  lookups?: readonly LookupSettlement[];
  checkpoint: PassPosition;
  nowMs: number;
}

export interface CommitResult {
  systems_extracted: number;
  coverage_pct: number;
}

/** The published inventory: this tool's newest `success` snapshot (D42's metrics read it). */
export interface PublishedSnapshot {
  snapshot_id: number;
  /** Epoch ms the pass completed: snapshots.completed_at (D111). */
  completed_at_ms: number;
  systems_extracted: number;
  coverage_pct: number;
}

/** How the newest extraction run ended (table extraction_last_run). */
export interface LastRun {
  exit_code: number;
  /** run_complete's outcome: target_met, batch_complete, partial, deferred, failed, ... */
  outcome: string;
  /** Why a run did not succeed (an error code or defer reason); null otherwise. */
  reason: string | null;
  snapshot_id: number | null;
  finished_at_ms: number;
}

export interface Store {
  /** This tool's newest `success` snapshot, or null. */
  publishedSnapshot(): Promise<PublishedSnapshot | null>;
  /** The newest snapshot this tool created (one that has a checkpoint row), or null. */
  currentSnapshot(): Promise<SnapshotInfo | null>;
  /** Creates a `partial` snapshot and its zeroed checkpoint; returns the new id. */
  createSnapshot(nowMs: number): Promise<number>;
  setSnapshotStatus(
    snapshotId: number,
    status: SnapshotStatus,
    errorMessage: string | null,
    durationMs: number | null,
  ): Promise<void>;
  /**
   * D142: the published history (systems, system_changes) is intact, else a `database_error` naming the
   * file and the fix. SQLite only: a PostgreSQL server keeps its own pages.
   */
  checkHistory(): Promise<void>;
  /**
   * One transaction (D111): `success`, completed_at = nowMs, the duration, and the system_changes
   * rows against the previous published pass (D112). The extraction checks the history first (D142).
   */
  publishSnapshot(snapshotId: number, nowMs: number, durationMs: number): Promise<PublishResult>;
  /** system_changes rows of a snapshot by type; null when the file has no such table (read-only). */
  changeCounts(snapshotId: number): Promise<ChangeCounts | null>;
  getCheckpoint(snapshotId: number): Promise<Checkpoint | null>;
  /** Overwrites the checkpoint (used to reset a corrupt one). */
  resetCheckpoint(snapshotId: number, lastPage: number, nowMs: number): Promise<void>;
  /** Records previous_coverage_pct at the end of a run. */
  setPreviousCoverage(snapshotId: number, coveragePct: number): Promise<void>;
  commit(batch: CommitBatch): Promise<CommitResult>;
  /** resource_ids stored for `page` in this snapshot (systems.source_page). */
  idsOnPage(snapshotId: number, page: number): Promise<string[]>;
  /** Systems in this tool's newest `success` snapshot before `beforeSnapshotId`; null if none. */
  lastSuccessfulSize(beforeSnapshotId: number): Promise<number | null>;
  /** The highest page ≤ maxPage that has systems stored in this snapshot (gap pages have none). */
  lastStoredPage(snapshotId: number, maxPage: number): Promise<number | null>;
  /** Which of `ids` are already stored in this snapshot (on a page other than `exceptPage`, if given). */
  knownIds(snapshotId: number, ids: readonly string[], exceptPage?: number): Promise<Set<string>>;
  listGaps(snapshotId: number): Promise<GapRow[]>;
  /** The newest stored record of `resourceId`, exactly as received (view system_raw_json, D70). */
  rawRecord(resourceId: string): Promise<string | null>;
  /** What selecting this pass's removal candidates would find; null with no published snapshot before it. */
  previewRemovalCandidates(snapshotId: number): Promise<RemovalPreview | null>;
  /**
   * Writes this pass's removal candidates once (rows already selected are kept, D85) and returns the
   * counts; null when there is nothing to confirm (no published snapshot before, or nothing missing).
   */
  selectRemovalCandidates(snapshotId: number, nowMs: number): Promise<RemovalCounts | null>;
  /** The pass's removal_candidates by state; null before any was selected. */
  removalCounts(snapshotId: number): Promise<RemovalCounts | null>;
  /** Up to `limit` ids still to look up, by previous page, then id. */
  pendingRemovalCandidates(snapshotId: number, limit: number): Promise<string[]>;
  /** The previous published rows of these candidates, columns and raw record as stored (D87). */
  previousRecords(snapshotId: number, ids: readonly string[]): Promise<SystemRecord[]>;
  /** Token-endpoint calls, persisted so the Zoho budget (10 per 10 min) holds across processes. */
  recordTokenRequest(nowMs: number): Promise<void>;
  countTokenRequestsSince(sinceMs: number): Promise<number>;
  /**
   * Retention, in one transaction (D83): deletes the systems rows and raw parts of this tool's
   * snapshots older than the newest published one, except the newest `keep` (at least 1) published.
   */
  pruneSnapshots(keep: number): Promise<PruneResult>;
  /** Overwrites the one last-run row (at the end of every extraction run). */
  recordLastRun(run: LastRun): Promise<void>;
  /** The last-run row, or null (no run recorded yet, or a database from before that table). */
  lastRun(): Promise<LastRun | null>;
  close(): Promise<void>;
}
