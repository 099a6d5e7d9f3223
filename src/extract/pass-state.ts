/**
 * Where the pass stands (the checkpoint's position), as a value, and every rule that moves it. Each
 * rule is a pure function from the current position (and what a page said) to the next one; the
 * paging loop, the gap sweep and the commit replace the position with the result (style guide 13).
 */
import type { Checkpoint, PassPosition as StoredPosition } from '../store/index.ts';
import { totalPagesOf } from './coverage.ts';
import type { DriftOutcome } from './drift.ts';

/** The position stored with a checkpoint: what the next run resumes from. */
export type PassPosition = Readonly<StoredPosition>;

/** What the rules need to know about a page the API answered. */
export interface PageFacts {
  readonly page: number;
  readonly limit: number;
  readonly total: number;
  /** Records the page carried, including rejected ones. */
  readonly receivedCount: number;
  /** resource_id of each stored record, in order. */
  readonly ids: readonly string[];
}

/** The pass position stored with a checkpoint, taken from the checkpoint row. */
export function positionOf(checkpoint: Checkpoint): PassPosition {
  return {
    last_page: checkpoint.last_page,
    total_systems: checkpoint.total_systems,
    total_pages: checkpoint.total_pages,
    page_limit: checkpoint.page_limit,
    pass_complete: checkpoint.pass_complete,
    previous_coverage_pct: checkpoint.previous_coverage_pct,
    probed_page_size: checkpoint.probed_page_size,
    page_size_fallback: checkpoint.page_size_fallback,
  };
}

/** Takes `total` and `limit` from a page (D5: the total may change during a pass). */
export function withTotals(position: PassPosition, page: Pick<PageFacts, 'total' | 'limit'>): PassPosition {
  return {
    ...position,
    total_systems: page.total,
    page_limit: page.limit,
    total_pages: totalPagesOf(page.total, page.limit),
  };
}

/** The pass stands at `page`; nothing is said about its end (used before a drift re-check). */
export function atPage(position: PassPosition, page: number): PassPosition {
  return { ...position, last_page: page };
}

/** `page` was read (or recorded as a gap): the pass ends there when it is the last page by `total`. */
export function afterPage(position: PassPosition, page: number): PassPosition {
  const totalPages = position.total_pages;
  const ended = totalPages !== null && page >= totalPages;
  return { ...position, last_page: page, pass_complete: position.pass_complete || ended };
}

/**
 * The API answered request `page` with nothing new: an empty page past the last page by the answer's
 * own `total`, or a page after page 1 that repeats page 1 (wrap-around). Then the previous page was
 * the last one and the pass ends, taking the answer's totals; otherwise null.
 */
export function endedPastLast(
  position: PassPosition,
  page: number,
  answer: PageFacts,
  firstPageIds: readonly string[],
): PassPosition | null {
  const lastByTotal = totalPagesOf(answer.total, answer.limit) ?? page;
  const empty = answer.receivedCount === 0 && page > lastByTotal;
  const wrapped = page > 1 && repeats(answer.ids, firstPageIds);
  if (!empty && !wrapped) return null;
  return { ...withTotals(position, answer), pass_complete: true };
}

/**
 * A page with fewer records than `limit` before the last page has lost systems: why it must be a gap,
 * or null when it is full or the last page. `position` already carries this page's totals.
 */
export function shortPageReason(position: PassPosition, page: PageFacts): string | null {
  // D53: the store keys systems by id, so a repeated id hides a system the page should have carried.
  const distinct = new Set(page.ids).size;
  if (distinct < page.ids.length) {
    return `page ${page.page} returned ${page.ids.length} records but only ${distinct} distinct ids`;
  }
  const lastByTotal = position.total_pages ?? page.page;
  if (page.receivedCount >= page.limit || page.page >= lastByTotal) return null;
  return `page ${page.page} returned ${page.receivedCount} of ${page.limit} records before the last page (${lastByTotal}, total ${page.total})`;
}

/**
 * A drift check's effect on the position: aligned changes nothing; otherwise the pass moves back so
 * the affected pages are read again (from the unreadable probe page, or from page 1 when lost).
 */
export function afterDrift(position: PassPosition, outcome: DriftOutcome): PassPosition {
  if (outcome.kind === 'aligned') return position;
  return { ...position, last_page: outcome.kind === 'lost' ? 0 : outcome.page - 1, pass_complete: false };
}

/**
 * Deletions can shrink `total` after the pass went past the new last page (a gap sweep, or the last
 * page of the pass, reporting fewer systems). Every page up to the new end has been read, so the pass
 * stands at its end; stored as is, last_page > total_pages would fail validation next run and restart
 * the whole pass as a "corrupt" checkpoint.
 */
export function clampedToTotal(position: PassPosition): PassPosition {
  const totalPages = position.total_pages;
  if (totalPages === null || position.last_page <= totalPages) return position;
  return { ...position, last_page: totalPages, pass_complete: true };
}

function repeats(ids: readonly string[], firstPageIds: readonly string[]): boolean {
  return ids.length > 0 && ids.length === firstPageIds.length && ids.every((id, i) => id === firstPageIds[i]);
}
