/** How a run ended. cli/exit-codes.ts maps each outcome to D10's exit codes. */
export type RunOutcome =
  /** The current snapshot already met the target; nothing was extracted (exit 0). */
  | 'already_complete'
  /** A batch ran; the pass continues next run (exit 0). */
  | 'batch_complete'
  /** The pass finished and the target is met; the snapshot is `success` (exit 0). */
  | 'target_met'
  /** The pass finished below target after every gap sweep; the snapshot closes `failed` (exit 2). */
  | 'below_target'
  /** The API asked us to come back later, or the token budget is spent (exit 3). */
  | 'deferred'
  /** SIGINT / SIGTERM (exit 3). */
  | 'interrupted';

/**
 * The `outcome` field of `run_complete`. The log keeps its published value `partial` for
 * 'below_target' (renamed internally: SnapshotStatus 'partial' means a pass still in progress).
 */
export function loggedOutcome(outcome: RunOutcome): string {
  return outcome === 'below_target' ? 'partial' : outcome;
}

export interface RunSummary {
  outcome: RunOutcome;
  snapshotId: number;
  pagesAttempted: number;
  pagesOk: number;
  pagesFailed: number;
  systemsExtracted: number;
  totalSystems: number | null;
  coveragePct: number;
  targetMet: boolean;
  /** Paging has reached the end of the pass (what is left is gap sweeps). */
  passComplete: boolean;
  /** True when this run wrote systems or gaps (drives POST_EXTRACTION_HOOK, D10). */
  changedData: boolean;
  durationMs: number;
}
