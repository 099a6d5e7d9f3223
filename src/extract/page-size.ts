/**
 * Page sizes (D74), as pure rules. A pass's page numbers always count pages of its *unit*: the limit
 * the API echoed on the pass's first page (D5), 25 under PMP_PAGE_SIZE=auto. last_page, total_pages,
 * extraction_gaps.page_num and systems.source_page all count unit pages, whatever `pagelimit` a
 * request sends. A big request (a multiple of the unit) brings many unit pages at once and the loop
 * takes them one by one (unit-pages.ts), so a fallback to 25 in the middle of a pass only changes the
 * size of the next request: no page number ever has to be translated, and none can skip or repeat.
 */

/** PMP_PAGE_SIZE: a fixed `pagelimit`, or auto (probe the largest the server honours). */
type PageSizeSetting = number | 'auto';

/** The configured size and auto's two fixed sizes (LIMITS.autoPageSizeProbe / autoPageSizeBase). */
export interface PageSizing {
  configured: PageSizeSetting;
  /** `pagelimit` of auto's probe: 1000. */
  probeSize: number;
  /** Unit of an auto pass and size of its fallback: 25. */
  baseSize: number;
}

/** What the checkpoint says about the pass's page size. */
export interface StoredPageSize {
  /** The pass's unit, once the API has echoed one; null before its first page. */
  page_limit: number | null;
  /** The size auto settled on for this pass (the unit after a fallback); null: not probed yet. */
  probed_page_size: number | null;
}

export interface PagePlan {
  /** Page numbers count pages of this many systems. */
  unit: number;
  /** `pagelimit` of the next request: the unit, or a multiple of it (a big page). */
  requestSize: number;
  /** The next big request is auto's probe: its answer may settle a smaller size. */
  probe: boolean;
}

const multipleOf = (size: number, unit: number): boolean => size > unit && size % unit === 0;

/**
 * How this run asks for pages. A pass keeps its unit for its whole life: a PMP_PAGE_SIZE changed in
 * the middle of a pass applies from the next pass (before D74 the new size silently re-cut the
 * position: 40 pages of 25 resumed as page 41 of 100 skipped 3,000 systems).
 */
export function planPages(sizing: PageSizing, stored: StoredPageSize): PagePlan {
  const auto = sizing.configured === 'auto';
  const unit = stored.page_limit ?? (sizing.configured === 'auto' ? sizing.baseSize : sizing.configured);
  if (!auto) return { unit, requestSize: unit, probe: false };
  const settled = stored.probed_page_size;
  if (settled !== null)
    return { unit, requestSize: multipleOf(settled, unit) ? settled : unit, probe: false };
  const probe = multipleOf(sizing.probeSize, unit);
  return { unit, requestSize: probe ? sizing.probeSize : unit, probe };
}

/** The big page (of `size` systems) that holds unit page `page`. */
export function bigPageOf(page: number, unit: number, size: number): number {
  return Math.floor(((page - 1) * unit) / size) + 1;
}

/** What a big page said, as the judge needs it. */
export interface BigPageFacts {
  /** The page number requested, in pages of `requestSize`. */
  page: number;
  requestSize: number;
  /** Whether this request was the probe. */
  probe: boolean;
  /** Page and limit as the API echoed them (or as requested when it echoed none). */
  echoedPage: number;
  echoedLimit: number;
  total: number;
  /** Records the page carried, rejected ones included. */
  receivedCount: number;
  ids: readonly string[];
}

/** The systems a usable big page holds: offsets [firstOffset, firstOffset + size) of the order. */
export interface BigPageSpan {
  size: number;
  firstOffset: number;
}

export type BigPageVerdict =
  | ({ kind: 'usable'; clamp: 'none' | 'echoed' | 'silent' } & BigPageSpan)
  | { kind: 'trouble'; reason: string };

/**
 * Whether a big page can be used, and at what size (D74). The probe may find the server's own size:
 * the limit it echoes when smaller than asked ('echoed'), or, on page 1, the record count when the
 * echo repeats the request but fewer records come than both the limit and `total` allow ('silent': a
 * short last page is not a clamp). Any other mismatch is trouble, and so is every mismatch after the
 * probe: the server no longer does what it did, and the pass falls back to its unit.
 */
export function judgeBigPage(unit: number, facts: BigPageFacts): BigPageVerdict {
  const { page, requestSize, echoedLimit, receivedCount } = facts;
  const asked = `pagelimit=${requestSize} on page ${page}`;
  const trouble = (why: string): BigPageVerdict => ({ kind: 'trouble', reason: `${asked}: ${why}` });
  if (facts.echoedPage !== page) return trouble(`the API answered page ${facts.echoedPage}`);
  if (echoedLimit > requestSize || (!facts.probe && echoedLimit !== requestSize)) {
    return trouble(`the API echoed limit ${echoedLimit}`);
  }
  if (echoedLimit < unit || echoedLimit % unit !== 0) {
    return trouble(`the API's page size ${echoedLimit} is not a multiple of ${unit}`);
  }
  if (new Set(facts.ids).size < facts.ids.length) return trouble('the page repeats ids');
  const firstOffset = (page - 1) * echoedLimit;
  const expected = Math.min(echoedLimit, Math.max(0, facts.total - firstOffset));
  const clamp = echoedLimit < requestSize ? 'echoed' : 'none';
  if (receivedCount === expected) return { kind: 'usable', clamp, size: echoedLimit, firstOffset };
  const silent = facts.probe && page === 1 && clamp === 'none';
  if (silent && receivedCount < expected && receivedCount >= unit && receivedCount % unit === 0) {
    return { kind: 'usable', clamp: 'silent', size: receivedCount, firstOffset: 0 };
  }
  return trouble(
    `${receivedCount} records where limit ${echoedLimit} and total ${facts.total} promise ${expected}`,
  );
}

/** Whether unit page `page` lies inside the span (its systems are all there, or the data ends there). */
export function spanCovers(span: BigPageSpan, unit: number, page: number): boolean {
  const start = (page - 1) * unit;
  return start >= span.firstOffset && start + unit <= span.firstOffset + span.size;
}

/** Positions [from, to) of unit page `page`'s records in the big page's records array. */
export function unitSlice(span: BigPageSpan, unit: number, page: number): { from: number; to: number } {
  const from = (page - 1) * unit - span.firstOffset;
  return { from, to: from + unit };
}
