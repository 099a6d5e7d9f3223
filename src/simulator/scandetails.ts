import type { Fault } from './faults.ts';
import { filterEntries } from './filters.ts';
import type { PageLimitCap } from './settings.ts';
import type { SimState } from './sim-state.ts';

/** Default `pagelimit` (D23: default 25 documented; the cap is SimSettings.pageLimitCap). */
export const DEFAULT_PAGE_LIMIT = 25;

export interface PageQuery {
  page: number;
  /** The `pagelimit` asked for (25 when absent or not a positive whole number). */
  asked: number;
  /** Records per page as served: the `pagelimit` asked for, capped (SimSettings.pageLimitCap). */
  limit: number;
  /** `limit` as echoed: the served size, or (a silent cap) the size asked for. */
  echoedLimit: number;
  /** The `pagelimit` asked for is above the cap and the cap hangs: no answer at all. */
  hang: boolean;
}

function positiveInt(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  const parsed = Number(value);
  return parsed >= 1 ? parsed : null;
}

/**
 * Lower-case `page` and `pagelimit` only, as api/1.4 expects: a camelCase `pageLimit` is ignored and
 * the default of 25 applies (the D23 parameter-case quirk).
 */
export function parsePageQuery(query: URLSearchParams, cap: PageLimitCap): PageQuery {
  const asked = positiveInt(query.get('pagelimit')) ?? DEFAULT_PAGE_LIMIT;
  const limit = Math.min(asked, cap.max);
  const over = asked > cap.max;
  return {
    page: positiveInt(query.get('page')) ?? 1,
    asked,
    limit,
    echoedLimit: over && cap.over === 'silent' ? asked : limit,
    hang: over && cap.over === 'hang',
  };
}

/** Applies each drift step whose request threshold has been reached, once. */
export function applyDueDrift(state: SimState): void {
  state.settings.drift.forEach((step, index) => {
    if (state.driftApplied.has(index) || state.pageRequests < step.afterRequests) return;
    state.driftApplied.add(index);
    state.inventory.apply(step, state.lastPageSize);
  });
}

/**
 * The scandetails envelope text, built by hand so that ids keep every digit. Past the last page the
 * records are empty, or (`wrap`) the pages repeat from page 1 while `page` echoes the page asked for.
 */
export function scanDetailsText(
  state: SimState,
  query: URLSearchParams,
  pageQuery: PageQuery,
  fault: Fault | null,
): string {
  const { page, limit, echoedLimit } = pageQuery;
  const entries = filterEntries(state.inventory.entries(), query);
  const total = entries.length;
  const lastPage = Math.ceil(total / limit);
  const wrap = state.settings.pastLastPage === 'wrap' && lastPage > 0;
  const servedPage = page <= lastPage ? page : wrap ? ((page - 1) % lastPage) + 1 : null;
  const slice = servedPage === null ? [] : entries.slice((servedPage - 1) * limit, servedPage * limit);
  const totalAsString = state.settings.totalAsString || fault?.kind === 'total_as_string';
  const recordsKey = fault?.kind === 'records_under_computers' ? 'computers' : state.settings.recordsKey;
  const totalText = totalAsString ? `"${total}"` : String(total);
  const records = slice.map((entry) => entry.text).join(',');
  return (
    `{"message_type":"scandetails","message_response":{"total":${totalText},"limit":${echoedLimit},` +
    `"page":${page},"${recordsKey}":[${records}]},"message_version":"1.4","status":"success"}`
  );
}
