/**
 * The end of a batch (D6): record coverage against the previous run, then publish the snapshot as
 * `success` (pass complete, every gap swept once, target met: publish-pass.ts, D111), close it as
 * `failed` (pass complete, below target, no sweeps left: exit 2), or leave it `partial` for the next
 * run.
 */
import { openGaps } from './gap-sweep.ts';
import { publishPass } from './publish-pass.ts';
import type { RunContext } from './run-context.ts';
import type { RunOutcome, RunSummary } from './run-outcome.ts';

/** A pass that must close `failed` whatever its coverage (D15's shrink guard, D52's runaway total). */
interface PassFailure {
  errorType: string;
  message: string;
}

export async function finish(ctx: RunContext, failure: PassFailure | null = null): Promise<RunSummary> {
  const { deps, options, log } = ctx;
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
  const failed = failure ?? (await shrinkBeyondLimit(ctx));
  if (failed !== null) {
    await deps.store.setSnapshotStatus(ctx.snapshotId, 'failed', failed.message, passMs);
    log.emit(
      'extraction_failed',
      { error_type: failed.errorType, error_message: failed.message, exit_code: 2 },
      'ERROR',
    );
    return summarize(ctx, 'below_target', false);
  }
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

export function summarize(ctx: RunContext, outcome: RunOutcome, targetMet: boolean): RunSummary {
  return {
    outcome,
    snapshotId: ctx.snapshotId,
    pagesAttempted: ctx.tally.pagesAttempted,
    pagesOk: ctx.tally.pagesOk,
    pagesFailed: ctx.tally.pagesFailed,
    systemsExtracted: ctx.systems,
    totalSystems: ctx.position.total_systems,
    coveragePct: ctx.coveragePct,
    targetMet,
    passComplete: ctx.position.pass_complete,
    changedData: ctx.committer.wroteData,
    durationMs: ctx.deps.clock.nowMs() - ctx.startMs,
  };
}
