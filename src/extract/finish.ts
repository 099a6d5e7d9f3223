/**
 * The end of a batch (D6): record coverage against the previous run, then publish the snapshot as
 * `success` (pass complete, every gap swept once, target met: publish-pass.ts, D111), close it as
 * `failed` (pass complete, below target, no sweeps left: exit 2), or leave it `partial` for the next
 * run. A pass about to close first confirms its removals by id (D85): until every candidate is
 * settled it stays `partial`.
 */
import { confirming, confirmRemovals, type Confirmation, type PassFailure } from './confirm-removals.ts';
import { openGaps } from './gap-sweep.ts';
import { publishPass } from './publish-pass.ts';
import type { RunContext } from './run-context.ts';
import type { RunSummary } from './run-outcome.ts';
import { deferred, fromPage, summarize } from './run-end.ts';

/**
 * `failure`: a pass that must close `failed` whatever its coverage (D52's runaway total); D15's shrink
 * guard is checked here.
 */
export async function finish(ctx: RunContext, failure: PassFailure | null = null): Promise<RunSummary> {
  const { deps, options, log } = ctx;
  // D142: closing a pass reads the published history (removal candidates, the shrink guard) and then
  // writes it: check it first, so damage is reported as such and nothing is published into it.
  if (ctx.position.pass_complete) await deps.store.checkHistory();
  const confirmation = failure === null ? await confirmBeforeClosing(ctx) : CLEAR;
  // A deferred lookup stops the run as a deferred page does: no batch_complete, run_deferred.
  if (confirmation.kind === 'defer') return await deferred(ctx, fromPage(confirmation.result));
  const previous = ctx.position.previous_coverage_pct;
  if (previous !== null && ctx.coveragePct < previous) {
    log.emit('coverage_decreased', { previous_pct: previous, current_pct: ctx.coveragePct });
  }
  await deps.store.setPreviousCoverage(ctx.snapshotId, ctx.coveragePct);
  const targetMet = ctx.coveragePct >= options.targetPct;
  const durationMs = deps.clock.nowMs() - ctx.startMs;
  // snapshots.extraction_duration_ms is the whole pass (first batch to close), not this run's share.
  const passMs = deps.clock.nowMs() - ((await deps.store.currentSnapshot())?.created_at_ms ?? ctx.startMs);
  log.emit('batch_complete', {
    pages_attempted: ctx.tally.pagesAttempted,
    pages_ok: ctx.tally.pagesOk,
    pages_failed: ctx.tally.pagesFailed,
    systems_extracted: ctx.systems,
    total_systems: ctx.position.total_systems,
    coverage_pct: ctx.coveragePct,
    last_page: ctx.position.last_page,
    pass_complete: ctx.position.pass_complete,
    duration_ms: durationMs,
  });
  deps.observer.batchComplete({ systems: ctx.systems, coveragePct: ctx.coveragePct });
  if (!ctx.position.pass_complete) return summarize(ctx, 'batch_complete', false);
  const failed =
    failure ??
    (await shrinkBeyondLimit(ctx)) ??
    (confirmation.kind === 'too_many' ? confirmation.failure : null);
  if (failed !== null) {
    await deps.store.setSnapshotStatus(ctx.snapshotId, 'failed', failed.message, passMs);
    log.emit(
      'extraction_failed',
      { error_type: failed.errorType, error_message: failed.message, exit_code: 2 },
      'ERROR',
    );
    return summarize(ctx, 'below_target', false);
  }
  // D88: lookups left for the next run; the pass stays `partial` and the published snapshot stays.
  if (confirmation.kind === 'unsettled') return summarize(ctx, 'batch_complete', false);
  const open = await openGaps(ctx);
  // D6: every gap gets at least one sweep before a snapshot is closed, even when the target is met.
  if (targetMet && !open.some((gap) => gap.retry_sweeps === 0)) {
    const published = await publishPass(ctx, passMs);
    const total = ctx.position.total_systems ?? ctx.systems;
    log.emit('target_met', {
      systems_extracted: ctx.systems,
      total_systems: total,
      coverage_pct: ctx.coveragePct,
      target_pct: options.targetPct,
      extracted_now: true,
    });
    deps.observer.targetMet({
      systems: ctx.systems,
      totalSystems: total,
      coveragePct: ctx.coveragePct,
      changes: published,
    });
    // D83: last, so that anything comparing with the previous published snapshot has read it.
    const pruned = await deps.store.pruneSnapshots(options.keepSnapshots);
    log.emit('snapshots_pruned', { keep_snapshots: options.keepSnapshots, ...pruned });
    return summarize(ctx, 'target_met', true);
  }
  if (open.some((gap) => gap.retry_sweeps < options.maxGapSweeps))
    return summarize(ctx, 'batch_complete', false);
  // Worded by what happened: with no open gap there was nothing to sweep, only too few systems.
  const why =
    open.length === 0 ? ', with no failed page left to retry' : ` after ${options.maxGapSweeps} gap sweeps`;
  const message = `pass complete at ${ctx.coveragePct}% coverage, below the ${options.targetPct}% target${why}`;
  await deps.store.setSnapshotStatus(ctx.snapshotId, 'failed', message, passMs);
  return summarize(ctx, 'below_target', false);
}

const CLEAR: Confirmation = { kind: 'clear' };

/**
 * D85: the removal lookups run when the pass would close now (target met with every gap swept once,
 * or no sweep left), or continue once they have started; never for a pass the shrink guard fails.
 */
async function confirmBeforeClosing(ctx: RunContext): Promise<Confirmation> {
  if (!ctx.position.pass_complete || (await shrinkBeyondLimit(ctx)) !== null) return CLEAR;
  const open = await openGaps(ctx);
  const targetMet = ctx.coveragePct >= ctx.options.targetPct;
  const closing =
    (targetMet && !open.some((gap) => gap.retry_sweeps === 0)) ||
    !open.some((gap) => gap.retry_sweeps < ctx.options.maxGapSweeps);
  return closing || (await confirming(ctx)) ? confirmRemovals(ctx) : CLEAR;
}

/** Why this complete pass must not replace the published one (D15), or null when it may. */
async function shrinkBeyondLimit(ctx: RunContext): Promise<PassFailure | null> {
  const published = await ctx.deps.store.lastSuccessfulSize(ctx.snapshotId);
  const total = ctx.position.total_systems ?? 0;
  const limitPct = ctx.options.maxShrinkPct;
  if (published === null || published === 0 || total >= published * (1 - limitPct / 100)) return null;
  const message =
    `inventory shrank from ${published} to ${total} systems (more than ${limitPct}%) since the last ` +
    'successful snapshot; not published. If the change is real, run once with PMP_MAX_SHRINK_PCT=100.';
  return { errorType: 'inventory_shrank', message };
}
