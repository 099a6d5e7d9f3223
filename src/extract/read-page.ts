/**
 * One page request of a batch, shared by the paging loop and the gap sweep: fetch the page with all
 * its attempts, book the request, hand the page (or its gap) to the caller, then report progress and
 * commit when the cadence says so. What the caller does with the page differs; this sequence does not.
 */
import type { DeferResult, ParsedPage, GapResult } from './ports.ts';
import type { RunContext } from './run-context.ts';

/** What the caller did with an ok page. */
export type PageUse =
  /** Stored: count it ok, report progress, commit when due. */
  | 'stored'
  /** Stored, but the pass moved back (drift): count it ok, no progress for this page. */
  | 'moved_back'
  /** Nothing new (past the end of the pass): not counted, nothing reported. */
  | 'past_end';

export interface PageHandlers {
  ok(page: ParsedPage, failedAttempts: number): PageUse | Promise<PageUse>;
  /** Records the gap; the failure is then counted, logged and reported here. */
  gap(result: GapResult): void;
}

export type PageStep = { kind: 'read' } | { kind: 'past_end' } | { kind: 'defer'; result: DeferResult };

export async function readPage(ctx: RunContext, page: number, handlers: PageHandlers): Promise<PageStep> {
  const result = await ctx.deps.pages.fetchPage(page, ctx.options.signal, ctx.log);
  ctx.tally.recordRequest(page, result);
  if (result.kind === 'defer') return { kind: 'defer', result };
  if (result.kind === 'gap') {
    handlers.gap(result);
    ctx.recordFailure(page, result);
  } else {
    const use = await handlers.ok(result.page, result.failedAttempts);
    if (use === 'past_end') return { kind: 'past_end' };
    ctx.tally.pageOk();
    if (use === 'moved_back') return { kind: 'read' };
  }
  ctx.reportProgress(page);
  await ctx.commitIfDue();
  return { kind: 'read' };
}
