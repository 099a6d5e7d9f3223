/**
 * Publishing a pass that completed at target (D111, D112): the one place a snapshot becomes what
 * latest_system_inventory shows. The store does it in one transaction (status `success`,
 * completed_at, and the system_changes rows against the previous published pass); this step then
 * logs what changed. Steps that must happen just before or just after publishing belong here too.
 */
import type { PublishResult } from '../store/index.ts';
import type { RunContext } from './run-context.ts';

export async function publishPass(ctx: RunContext, passMs: number): Promise<PublishResult> {
  const published = await ctx.deps.store.publishSnapshot(ctx.snapshotId, ctx.deps.clock.nowMs(), passMs);
  ctx.log.emit('inventory_changes', {
    previous_snapshot_id: published.previous_snapshot_id,
    ...published.changes,
  });
  return published;
}
