/**
 * How a run ends: its summary, and the early stop when the API or the token budget asks us to come
 * back later (or a signal), after saving what it has buffered. Shared by runExtract and the finish
 * step, where a lookup by id can defer as a page does (D85).
 */
import type { DeferReason } from '../platform/index.ts';
import type { DeferResult } from './ports.ts';
import type { RunContext } from './run-context.ts';
import type { RunOutcome, RunSummary } from './run-outcome.ts';

export interface DeferInfo {
  reason: DeferReason;
  retryAfterS: number | null;
  message: string;
}

export async function deferred(ctx: RunContext, info: DeferInfo): Promise<RunSummary> {
  await commitQuietly(ctx);
  ctx.log.emit('run_deferred', {
    reason: info.reason,
    retry_after_s: info.retryAfterS,
    message: info.message,
  });
  return summarize(ctx, info.reason === 'interrupted' ? 'interrupted' : 'deferred', false);
}

export function fromPage(result: DeferResult): DeferInfo {
  return { reason: result.reason, retryAfterS: result.retryAfterS, message: result.message };
}

/** Saves what the run has buffered; a store that fails here is reported by the caller's error. */
export async function commitQuietly(ctx: RunContext): Promise<void> {
  try {
    await ctx.commit();
  } catch {
    // The original error is the one worth reporting; the data of this commit is re-fetched next run.
  }
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
