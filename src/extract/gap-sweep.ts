/**
 * Gap sweeps (D6). Once the pass has reached its last page, every open gap page gets one more full
 * set of attempts per sweep, up to `maxGapSweeps` sweeps per snapshot. Sweeps are tracked per gap
 * (`retry_sweeps`), so a sweep cut short by the batch budget or a crash resumes where it stopped.
 */
import type { RunContext } from './run-context.ts';
import type { GapRow } from '../store/index.ts';
import { withTotals } from './pass-state.ts';
import type { DeferResult } from './ports.ts';
import { readPage } from './read-page.ts';

export type SweepStop = { kind: 'done' } | { kind: 'budget' } | { kind: 'defer'; result: DeferResult };

export async function runGapSweep(ctx: RunContext): Promise<SweepStop> {
  const { options, log } = ctx;
  const open = (await openGaps(ctx))
    .filter((gap) => gap.retry_sweeps < options.maxGapSweeps)
    .sort((a, b) => a.retry_sweeps - b.retry_sweeps || a.page_num - b.page_num);
  for (const gap of open) {
    options.signal.throwIfAborted();
    if (ctx.tally.budget <= 0) return { kind: 'budget' };
    const page = gap.page_num;
    const step = await readPage(ctx, page, {
      ok: async (fetched, failedAttempts) => {
        ctx.position = withTotals(ctx.position, fetched);
        const retry = { page_num: page, resolved: true, attempts: failedAttempts + 1 };
        ctx.committer.addGapRetry(retry, fetched.records);
        log.emit('gap_recovered', { page, sweep: gap.retry_sweeps + 1, systems: fetched.records.length });
        return (await neighbourAligned(ctx, page)) ? 'stored' : 'moved_back';
      },
      gap: (result) => {
        const retry = {
          page_num: page,
          resolved: false,
          attempts: result.attempts,
          error_type: result.errorType,
          error_message: result.errorMessage,
        };
        ctx.committer.addGapRetry(retry, null);
      },
    });
    if (step.kind === 'defer') return step;
    // The drift re-check moved the pass back: paging reads those pages again (next run).
    if (!ctx.position.pass_complete) return { kind: 'done' };
  }
  return { kind: 'done' };
}

/**
 * D53: the page was read long after the pass went by it. Removals before it since then shifted its
 * first systems onto the previous page, already read: re-check that page as a resume does (drift.ts).
 * False when the drift check moved the pass back.
 */
async function neighbourAligned(ctx: RunContext, page: number): Promise<boolean> {
  if (page <= 1) return true;
  // Not aligned (lost, or the probe unreadable): afterDrift reopens the pass from the affected page.
  return ctx.recheckBefore(page);
}

/** This snapshot's gap pages not recovered yet. */
export async function openGaps(ctx: RunContext): Promise<GapRow[]> {
  return (await ctx.deps.store.listGaps(ctx.snapshotId)).filter((gap) => !gap.resolved);
}
