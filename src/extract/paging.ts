/**
 * The paging loop of a pass (D5, D6): from last_page + 1 until the batch budget is spent or the
 * pass reaches its end: the last page by `total` (re-read on every page), an empty page past it, or
 * a page that repeats page 1 (wrap-around). Stopping at ceil(total / limit) is stricter than D5's hard
 * cap of total pages + 10, and the batch budget bounds the loop even before any total is known.
 * An empty or short page BEFORE the last page is not taken for the end (that would silently drop the
 * rest of the pass): its records are kept and it is recorded as a gap, so a sweep reads it again.
 * The rules that move the position are in pass-state.ts; this file only sequences them.
 */
import { openGaps } from './gap-sweep.ts';
import { IdPages } from './id-pages.ts';
import { afterPage, atPage, endedPastLast, shortPageReason, withTotals } from './pass-state.ts';
import type { DeferResult, ParsedPage } from './ports.ts';
import { readPage, type PageUse } from './read-page.ts';
import type { RunContext } from './run-context.ts';

export type PagingStop =
  | { kind: 'budget' }
  | { kind: 'pass_complete' }
  | { kind: 'defer'; result: DeferResult }
  /** D52: `total` promises pages the API does not have; the pass ends failed with this message. */
  | { kind: 'beyond_data'; message: string };

/**
 * Consecutive empty pages (before the last page by `total`) that end the pass as a failure (D52).
 * An empty page inside the data is a gap a sweep re-reads; three in a row past the last page with
 * records means the `total` is far beyond the inventory (10,000,000 for 60 systems planned 400,000
 * pages). 3 pages × limit systems would have to vanish between three consecutive requests to be wrong.
 */
const MAX_EMPTY_PAGES_PAST_DATA = 3;

export async function runPaging(ctx: RunContext): Promise<PagingStop> {
  const { deps, options } = ctx;
  let firstPageIds: readonly string[] | null = null;
  // `total` of the previous page read by this loop; a change means inventory drift during the pass.
  // (Changes between runs are the resume drift check's job, so the checkpoint's total is not compared.)
  let previousTotal: number | null = null;
  // Pages with an open gap row (e.g. re-read after a checkpoint reset): reading one resolves its gap.
  const openGapPages = new Set((await openGaps(ctx)).map((gap) => gap.page_num));
  let emptyInARow = 0;
  // id → page it was read on by this run (the store answers for earlier runs); compact (D131).
  const seenOnPage = new IdPages();
  // The last page with records (this run's, or the store's when this run has read none yet).
  let lastWithData: number | null = null;
  // Set by storePage (a closure), so held in an object the compiler does not narrow.
  const stop: { beyondData: string | null } = { beyondData: null };

  const storePage = async (page: number, fetched: ParsedPage, failedAttempts: number): Promise<PageUse> => {
    if (page === 1) firstPageIds = fetched.ids;
    else firstPageIds ??= await deps.store.idsOnPage(ctx.snapshotId, 1);
    const ended = endedPastLast(ctx.position, page, fetched, firstPageIds);
    if (ended !== null) {
      // Past the end: the API answered with nothing new. The previous page was the last one.
      ctx.position = ended;
      return 'past_end';
    }
    ctx.position = withTotals(ctx.position, fetched);
    emptyInARow = fetched.receivedCount === 0 ? emptyInARow + 1 : 0;
    if (fetched.receivedCount > 0) lastWithData = page;
    if (emptyInARow >= MAX_EMPTY_PAGES_PAST_DATA) {
      lastWithData ??= (await deps.store.lastStoredPage(ctx.snapshotId, page)) ?? 0;
      stop.beyondData = beyondDataMessage(ctx, lastWithData, fetched.total);
      ctx.position = { ...afterPage(ctx.position, page), pass_complete: true };
      return 'past_end';
    }
    if (openGapPages.delete(page)) {
      const retry = { page_num: page, resolved: true, attempts: failedAttempts + 1 };
      ctx.committer.addGapRetry(retry, fetched.records);
    } else {
      ctx.committer.addPage(page, fetched.records);
    }
    recordIfShort(ctx, fetched);
    const shiftedThisRun = await reportDuplicates(ctx, page, fetched.ids, seenOnPage);
    // D53: ids this run read on another page mean the inventory shifted forward (additions before this
    // page), even when `total` did not change (an addition and a removal cancel out): re-check as for a
    // change. (Ids stored by earlier runs are the resume drift check's, which has just re-read.)
    const changed = (previousTotal !== null && fetched.total !== previousTotal) || shiftedThisRun;
    previousTotal = fetched.total;
    if (changed && !(await recheckAfterChange(ctx, page))) return 'moved_back';
    ctx.position = afterPage(ctx.position, page);
    return 'stored';
  };

  while (!ctx.position.pass_complete) {
    // SIGINT/SIGTERM stop the run after the current page, whatever the page source does with it.
    options.signal.throwIfAborted();
    if (ctx.tally.budget <= 0) return { kind: 'budget' };
    const page = ctx.position.last_page + 1;
    const step = await readPage(ctx, page, {
      ok: (fetched, failedAttempts) => storePage(page, fetched, failedAttempts),
      gap: (result) => {
        ctx.committer.addGap({
          page_num: page,
          error_type: result.errorType,
          error_message: result.errorMessage,
          response_sample: result.responseSample,
          attempts: result.attempts,
        });
        ctx.position = afterPage(ctx.position, page);
      },
    });
    if (step.kind === 'defer') return step;
    if (step.kind === 'past_end') break;
  }
  const message = stop.beyondData;
  return message === null ? { kind: 'pass_complete' } : { kind: 'beyond_data', message };
}

function beyondDataMessage(ctx: RunContext, lastWithData: number, total: number): string {
  return (
    `the API reports total ${total} (${ctx.position.total_pages ?? '?'} pages), but ` +
    `${MAX_EMPTY_PAGES_PAST_DATA} consecutive empty pages after page ${lastWithData} hold no systems: ` +
    'the total is far beyond the inventory; snapshot not published'
  );
}

/**
 * Counts and logs the ids this page repeats and those already read on another page of the pass
 * (D53); true when this run read some of them on another page. `seenOnPage` is this run's
 * id → page, updated here.
 */
async function reportDuplicates(
  ctx: RunContext,
  page: number,
  ids: readonly string[],
  seenOnPage: IdPages,
): Promise<boolean> {
  const distinct = new Set(ids);
  const withinPage = ids.length - distinct.size;
  const storedElsewhere = await ctx.deps.store.knownIds(ctx.snapshotId, [...distinct], page);
  let acrossPages = 0;
  let thisRun = false;
  for (const id of distinct) {
    const seen = seenOnPage.get(id);
    const elsewhere = seen === undefined ? storedElsewhere.has(id) : seen !== page;
    if (elsewhere) acrossPages += 1;
    if (elsewhere && seen !== undefined) thisRun = true;
    seenOnPage.set(id, page);
  }
  if (withinPage > 0 || acrossPages > 0) {
    ctx.log.emit('duplicate_records', { page, within_page: withinPage, across_pages: acrossPages });
  }
  return thisRun;
}

/** A page with fewer records than `limit` before the last page has lost systems: make it a gap (D12). */
function recordIfShort(ctx: RunContext, fetched: ParsedPage): void {
  const reason = shortPageReason(ctx.position, fetched);
  if (reason === null) return;
  const gap = {
    kind: 'gap' as const,
    errorType: 'unknown_error' as const,
    errorMessage: reason,
    responseSample: null,
    attempts: 1,
    httpStatus: 200,
  };
  ctx.committer.addGap({
    page_num: fetched.page,
    error_type: gap.errorType,
    error_message: gap.errorMessage,
    response_sample: null,
    attempts: 1,
  });
  ctx.recordFailure(fetched.page, gap);
}

/**
 * `total` changed during the pass: systems were added or removed, possibly on pages we already read,
 * which shifts later systems back onto those pages. Re-check the previous page exactly as a resuming
 * run does (drift.ts), so the shift cannot hide a system. False when the pass was moved back.
 */
async function recheckAfterChange(ctx: RunContext, page: number): Promise<boolean> {
  ctx.position = atPage(ctx.position, page);
  return ctx.recheckBefore(page);
}
