/**
 * Chooses the snapshot a run works on (D6) and makes its checkpoint trustworthy.
 * - newest snapshot `success`: the target is met, nothing to extract (unless --reset);
 * - newest snapshot `partial`: continue it;
 * - none, `failed`, or --reset: start a new pass at page 1 (history is kept).
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
  nowMs: number;
}): Promise<SnapshotChoice> {
  const { store, nowMs } = args;
  const current = await store.currentSnapshot();
  if (current !== null && !args.reset && current.status === 'success') {
    return {
      kind: 'complete',
      snapshot: current,
      checkpoint: await store.getCheckpoint(current.snapshot_id),
    };
  }
  if (current === null || args.reset || current.status === 'failed') {
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

async function mustGet(store: Store, snapshotId: number): Promise<Checkpoint> {
  const checkpoint = await store.getCheckpoint(snapshotId);
  if (checkpoint === null) throw new Error(`snapshot ${snapshotId} has no checkpoint after creation`);
  return checkpoint;
}
