/**
 * The events of the living inventory, part of the closed set in events.ts (D8): removals confirmed
 * before a pass is published (D85), what a published pass changed (D112) and the retention after it
 * (D83).
 */
export interface InventoryEventMap {
  /**
   * D85: a complete pass selected the systems of `previous_snapshot_id` it did not return
   * (`resumed` false), or a run continues looking them up (true). `candidates` are looked up by id,
   * `pending` of them still are; `lost_gap` systems were on lost pages and are never looked up (D86).
   */
  removal_candidates: {
    previous_snapshot_id: number;
    candidates: number;
    pending: number;
    lost_gap: number;
    resumed: boolean;
  };
  /**
   * D85: every candidate is settled, just before the pass closes: `present` (stored), `removed`
   * (confirmed gone), `carried_over` (lookup failed or unusable: previous row kept, D87).
   */
  removal_confirmed: {
    previous_snapshot_id: number;
    candidates: number;
    present: number;
    removed: number;
    carried_over: number;
  };
  /**
   * D112: a pass was published; what it changed against the published pass before it (all 0 and
   * previous_snapshot_id null for the first one, which is compared with nothing).
   */
  inventory_changes: {
    previous_snapshot_id: number | null;
    added: number;
    removed: number;
    changed: number;
    reappeared: number;
  };
  /** D83: retention right after a pass was published (D84: what incremental vacuum gave back). */
  snapshots_pruned: {
    keep_snapshots: number;
    snapshots_pruned: number;
    systems_deleted: number;
    raw_parts_deleted: number;
    reclaimed_bytes: number;
    free_bytes: number;
  };
}
