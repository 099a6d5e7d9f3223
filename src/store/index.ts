/** The SQLite store: open it, lock it, and the port types the extraction loop codes against. */
export { openStore, openStoreReadOnly, type OpenStoreOptions } from './open-store.ts';
export { coveragePct } from './rows.ts';
export { acquireRunLock, type RunLock, type RunLockOptions } from './run-lock.ts';
export type {
  Checkpoint,
  CommitBatch,
  CommitResult,
  GapRecord,
  GapRetry,
  GapRow,
  PassPosition,
  SnapshotInfo,
  SnapshotStatus,
  Store,
  SystemColumnValues,
  SystemRecord,
} from './store.ts';
export {
  SYSTEM_INTEGER_COLUMNS,
  SYSTEM_REQUIRED_COLUMNS,
  SYSTEM_TEXT_COLUMNS,
  SYSTEM_TIME_COLUMNS,
  type SystemColumn,
} from './system-columns.ts';
