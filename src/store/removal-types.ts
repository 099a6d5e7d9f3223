/** The types of confirmed removals (D85) the Store port speaks: previews, counts, settled lookups. */
import type { Store } from './store.ts';

/** What selecting removal candidates would find (D85, D86), before anything is written. */
export interface RemovalPreview {
  /** The previous published snapshot: this tool's newest `success` before the pass. */
  previous_snapshot_id: number;
  /** Its systems this pass did not return and whose previous page is not a lost gap: to look up. */
  candidates: number;
  /** Its systems this pass did not return whose previous page stayed a lost gap: unknown, not looked up. */
  lost_gap: number;
}

/** removal_candidates of one pass, by state (D85). */
export interface RemovalCounts {
  previous_snapshot_id: number;
  pending: number;
  /** Found by the lookup: stored in this snapshot with source_page 0. */
  present: number;
  /** The lookup answered an empty list: confirmed gone. */
  removed: number;
  /** Never looked up: the previous page is a lost gap of this pass (D86). */
  lost_gap: number;
  /** The lookup failed or its answer was unusable: the previous row is carried over (D87). */
  carried_over: number;
}

/** One settled lookup (D85, D87), written with the commit that stores what it found. */
export interface LookupSettlement {
  resource_id: string;
  state: 'present' | 'removed' | 'unknown';
  /** For `unknown`: why the lookup did not settle the question. */
  reason: 'lookup_failed' | 'answer_unusable' | null;
  /** Attempts this lookup took. */
  attempts: number;
}

/** The removal-candidate part of the port (D85), which each dialect implements in a class of its own. */
export type RemovalCandidateMethods = Pick<
  Store,
  | 'previewRemovalCandidates'
  | 'selectRemovalCandidates'
  | 'removalCounts'
  | 'pendingRemovalCandidates'
  | 'previousRecords'
>;
