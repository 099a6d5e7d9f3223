/**
 * The paging loop of a pass (FR-1, D5): from last_page + 1 until the batch budget is spent or the
 * pass reaches its end: the last page by `total`, an empty or short page, a page that repeats page 1
 * (wrap-around). Stopping at ceil(total / limit), re-read on every page, is stricter than D5's hard cap
 * of total pages + 10, and the batch budget bounds the loop even before any total is known.
 */
import type { RunContext } from './run-context.ts';
import type { PageResult } from './ports.ts';

export type PagingStop =
  { kind: 'budget' } | { kind: 'pass_complete' } | { kind: 'defer'; result: DeferResult };
export type DeferResult = Extract<PageResult, { kind: 'defer' }>;

export async function runPaging(ctx: RunContext): Promise<PagingStop> {
  const { deps, options, log } = ctx;
  let firstPageIds: string[] | null = null;
  while (!ctx.position.pass_complete) {
    // SIGINT/SIGTERM stop the run after the current page, whatever the page source does with it.
    options.signal.throwIfAborted();
    if (ctx.budget <= 0) return { kind: 'budget' };
    const page = ctx.position.last_page + 1;
    const result = await deps.pages.fetchPage(page, options.signal, log);
    ctx.budget -= 1;
    ctx.pagesAttempted += 1;
    ctx.countAttempts(page, result);
    if (result.kind === 'defer') return { kind: 'defer', result };
    if (result.kind === 'gap') {
      ctx.pagesFailed += 1;
      ctx.committer.addGap({
        page_num: page,
        error_type: result.errorType,
        error_message: result.errorMessage,
        response_sample: result.responseSample,
        attempts: result.attempts,
      });
      log.emit('page_skipped', { page, error_type: result.errorType, attempts: result.attempts });
      deps.observer.pageFailed({
        page,
        attempts: result.attempts,
        errorType: result.errorType,
        httpStatus: result.httpStatus,
      });
    } else {
      const fetched = result.page;
      const ids = fetched.records.map((record) => record.resource_id);
      if (page === 1) firstPageIds = ids;
      else firstPageIds ??= deps.store.idsOnPage(ctx.snapshotId, 1);
      if (fetched.receivedCount === 0 || (page > 1 && repeats(ids, firstPageIds))) {
        // Past the end: the API answered with nothing new. The previous page was the last one.
        ctx.position.pass_complete = true;
        break;
      }
      ctx.pagesOk += 1;
      ctx.observeTotals(fetched);
      ctx.committer.addPage(page, fetched.records);
      if (fetched.receivedCount < fetched.limit) ctx.position.pass_complete = true;
    }
    ctx.position.last_page = page;
    const totalPages = ctx.position.total_pages;
    if (totalPages !== null && page >= totalPages) ctx.position.pass_complete = true;
    ctx.reportProgress(page);
    ctx.commitIfDue();
  }
  return { kind: 'pass_complete' };
}

function repeats(ids: readonly string[], firstPageIds: readonly string[]): boolean {
  return ids.length > 0 && ids.length === firstPageIds.length && ids.every((id, i) => id === firstPageIds[i]);
}
