/**
 * Gap sweeps (D6). Once the pass has reached its last page, every open gap page gets one more full
 * set of attempts per sweep, up to `maxGapSweeps` sweeps per snapshot. Sweeps are tracked per gap
 * (`retry_sweeps`), so a sweep cut short by the batch budget or a crash resumes where it stopped.
 */
import type { RunContext } from './run-context.ts';
import type { GapRow } from '../store/index.ts';
import type { DeferResult } from './ports.ts';

export type SweepStop = { kind: 'done' } | { kind: 'budget' } | { kind: 'defer'; result: DeferResult };

export async function runGapSweep(ctx: RunContext): Promise<SweepStop> {
  const { deps, options, log } = ctx;
  const open = openGaps(ctx)
    .filter((gap) => gap.retry_sweeps < options.maxGapSweeps)
    .sort((a, b) => a.retry_sweeps - b.retry_sweeps || a.page_num - b.page_num);
  for (const gap of open) {
    options.signal.throwIfAborted();
    if (ctx.budget <= 0) return { kind: 'budget' };
    const page = gap.page_num;
    const result = await deps.pages.fetchPage(page, options.signal, log);
    ctx.recordRequest(page, result);
    if (result.kind === 'defer') return { kind: 'defer', result };
    if (result.kind === 'ok') {
      ctx.pagesOk += 1;
      ctx.observeTotals(result.page);
      const retry = { page_num: page, resolved: true, attempts: result.failedAttempts + 1 };
      ctx.committer.addGapRetry(retry, result.page.records);
      log.emit('gap_recovered', { page, sweep: gap.retry_sweeps + 1, systems: result.page.records.length });
    } else {
      const retry = {
        page_num: page,
        resolved: false,
        attempts: result.attempts,
        error_type: result.errorType,
        error_message: result.errorMessage,
      };
      ctx.committer.addGapRetry(retry, null);
      ctx.recordFailure(page, result);
    }
    ctx.reportProgress(page);
    ctx.commitIfDue();
  }
  return { kind: 'done' };
}

/** This snapshot's gap pages not recovered yet. */
export function openGaps(ctx: RunContext): GapRow[] {
  return ctx.deps.store.listGaps(ctx.snapshotId).filter((gap) => !gap.resolved);
}
