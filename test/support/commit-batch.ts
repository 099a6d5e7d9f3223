/** A store commit of one page of systems, for the store's tests. */
import type { CommitBatch, PassPosition, SystemRecord } from '../../src/store/index.ts';

/**
 * One page of `systems` and nothing else (no gaps, no retries), with a position in the middle of a
 * pass of 25-record pages unless `position` says otherwise.
 */
export function pageCommit(args: {
  snapshotId: number;
  page: number;
  systems: readonly SystemRecord[];
  nowMs: number;
  position?: Partial<PassPosition>;
}): CommitBatch {
  return {
    snapshot_id: args.snapshotId,
    pages: [{ page: args.page, systems: args.systems }],
    gaps: [],
    gapRetries: [],
    checkpoint: {
      last_page: args.page,
      total_systems: null,
      total_pages: null,
      page_limit: 25,
      pass_complete: false,
      previous_coverage_pct: null,
      probed_page_size: null,
      page_size_fallback: null,
      ...args.position,
    },
    nowMs: args.nowMs,
  };
}
