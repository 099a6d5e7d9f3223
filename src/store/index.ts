/**
 * The SQLite store: open it, lock it, the port types the extraction loop codes against, and the
 * row rules the PostgreSQL store (src/pg-store) shares with it.
 */
export { emptyCheckpoint, unknownSnapshot, type CheckpointFields } from './commit-batch.ts';
export { openStore, openStoreReadOnly } from './open-store.ts';
export { DamagedDatabaseError } from './open-checks.ts';
export { storeFailure } from './db-error.ts';
export { coveragePct } from './rows.ts';
export { CHECKPOINT_WRITER } from './schema-extractor.ts';
export { SYSTEM_DATA_COLUMNS, systemColumnValues } from './system-upsert.ts';
export { acquireRunLock, type RunLock } from './run-lock.ts';
export type {
  Checkpoint,
  CommitBatch,
  CommitResult,
  GapRecord,
  GapRetry,
  GapRow,
  LastRun,
  LookupSettlement,
  PassPosition,
  PublishedSnapshot,
  RemovalCandidateMethods,
  RemovalCounts,
  SnapshotInfo,
  SnapshotStatus,
  Store,
  SystemRecord,
} from './store.ts';
export type { ChangeCounts, ChangeType, PruneResult, PublishResult } from './publish-types.ts';
export { LOOKUP_TABLES } from './schema-lookups.ts';
export { SYSTEM_INDEXES } from './schema-downstream.ts';
export type { RemovalPreview } from './removal-types.ts';
export {
  SYSTEM_CHANGE_COLUMNS,
  SYSTEM_INTEGER_COLUMNS,
  SYSTEM_REQUIRED_COLUMNS,
  SYSTEM_TEXT_COLUMNS,
  SYSTEM_TIME_COLUMNS,
} from './system-columns.ts';
