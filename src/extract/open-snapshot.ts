/**
 * Chooses the snapshot a run works on (D6) and makes its checkpoint trustworthy.
 * - newest snapshot `success`: the target is met, nothing to extract (unless --reset), until the
 *   published snapshot is older than the refresh interval (D110): then a new pass starts at page 1;
 * - newest snapshot `partial`: continue it;
 * - none, `failed`, or --reset: start a new pass at page 1 (history is kept).
 * The complete and the new-pass cases check the published history first (D142).
 */
import type { EventLogger } from '../platform/index.ts';
import type { Checkpoint, SnapshotInfo, Store } from '../store/index.ts';
import { validateCheckpoint } from './validate-checkpoint.ts';

export type SnapshotChoice =
  | { kind: 'complete'; snapshot: SnapshotInfo; checkpoint: Checkpoint | null }
  | { kind: 'work'; snapshotId: number; checkpoint: Checkpoint; resumed: boolean };

export async function openSnapshot(args: {
  store: Store;
  logger: EventLogger;
  reset: boolean;
  /** PMP_REFRESH_HOURS in ms; 0 = never refresh on its own (D110). */
  refreshAfterMs: number;
  nowMs: number;
}): Promise<SnapshotChoice> {
  const { store, nowMs } = args;
  const current = await store.currentSnapshot();
  const refresh = current?.status === 'success' && (await refreshDue(store, args.refreshAfterMs, nowMs));
  if (current !== null && !args.reset && current.status === 'success' && !refresh) {
    // D142: a run that reports the published pass complete has read nothing else to find damage in.
    await store.checkHistory();
    return {
      kind: 'complete',
      snapshot: current,
      checkpoint: await store.getCheckpoint(current.snapshot_id),
    };
  }
  if (current === null || args.reset || refresh || current.status === 'failed') {
    // D142: a new pass is compared with (and published beside) the history: check it once, before
    // anything is written.
    await store.checkHistory();
    // An unfinished pass abandoned by --reset is closed, so no reader mistakes it for a pass in progress.
    if (args.reset && current?.status === 'partial') {
      await store.setSnapshotStatus(current.snapshot_id, 'failed', 'superseded by --reset', null);
    }
    const snapshotId = await store.createSnapshot(nowMs);
    return { kind: 'work', snapshotId, checkpoint: await mustGet(store, snapshotId), resumed: false };
  }
  const snapshotId = current.snapshot_id;
  const checkpoint = await store.getCheckpoint(snapshotId);
  const verdict = validateCheckpoint(checkpoint);
  if (verdict.valid && checkpoint !== null) {
    return { kind: 'work', snapshotId, checkpoint, resumed: checkpoint.last_page > 0 };
  }
  // Rows stored so far stay (upserts make re-reading them harmless); only the position is reset.
  args.logger.withSnapshot(snapshotId).emit('checkpoint_corruption', {
    reason: verdict.valid ? 'checkpoint missing' : verdict.reason,
    last_page: checkpoint?.last_page ?? null,
    coverage_pct: checkpoint?.coverage_pct ?? null,
    action: 'reset_to_page_0',
  });
  await store.resetCheckpoint(snapshotId, 0, nowMs);
  return { kind: 'work', snapshotId, checkpoint: await mustGet(store, snapshotId), resumed: false };
}

/**
 * D110: the published snapshot is older than the interval, measured from its pass's end. The
 * published snapshot stays what every view shows until the new pass is published in its turn.
 */
async function refreshDue(store: Store, refreshAfterMs: number, nowMs: number): Promise<boolean> {
  if (refreshAfterMs <= 0) return false;
  const published = await store.publishedSnapshot();
  return published !== null && nowMs - published.completed_at_ms > refreshAfterMs;
}

async function mustGet(store: Store, snapshotId: number): Promise<Checkpoint> {
  const checkpoint = await store.getCheckpoint(snapshotId);
  if (checkpoint === null) throw new Error(`snapshot ${snapshotId} has no checkpoint after creation`);
  return checkpoint;
}
