/** The SQLite store: open it, lock it, and the port types the extraction loop codes against. */
export { openStore, openStoreReadOnly } from './open-store.ts';
export { coveragePct } from './rows.ts';
export { acquireRunLock, type RunLock } from './run-lock.ts';
export type {
  Checkpoint,
  CommitResult,
  GapRecord,
  GapRetry,
  GapRow,
  LastRun,
  LookupSettlement,
  PassPosition,
  PublishedSnapshot,
  RemovalCounts,
  SnapshotInfo,
  Store,
  SystemRecord,
} from './store.ts';
export type { PublishResult } from './publish-types.ts';
export {
  SYSTEM_INTEGER_COLUMNS,
  SYSTEM_REQUIRED_COLUMNS,
  SYSTEM_TEXT_COLUMNS,
  SYSTEM_TIME_COLUMNS,
} from './system-columns.ts';
