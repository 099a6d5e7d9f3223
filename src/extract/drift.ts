/**
 * Offset-paging drift (D6). Between cron runs hours apart, or during a pass, systems are added and
 * removed, so page N no longer holds what it held. Removals shift later systems onto pages we already
 * read: those systems would be skipped for good. So before going on past page P (at resume, and when
 * `total` changes mid-pass) we re-read the last page that has stored systems; if its ids differ from
 * the stored ones we keep what it holds now and, while a re-read page holds nothing we have seen, step
 * back one more page, until the ids line up again. Additions shift systems forward onto pages still
 * ahead of us, which the pass reads anyway.
 */
import type { EventLogger } from '../platform/index.ts';
import type { Store, SystemRecord } from '../store/index.ts';
import type { PageSource } from './ports.ts';

/** Pages we step back (×25 systems) before giving up on realignment and re-reading the pass. */
const MAX_DRIFT_STEP_BACK_PAGES = 10;

export type DriftOutcome =
  /**
   * Nothing to do, or realigned: store `pages` (re-read with their current records), drop `staleIds`
   * (proved deleted, see staleOnPage) and go on.
   */
  | { kind: 'aligned'; pages: RereadPage[]; staleIds: string[] }
  /** The probe page could not be read: re-read from `page` in the pass, so no shift goes unseen. */
  | { kind: 'unreadable'; page: number }
  /** No realignment within the step-back limit: the shift is too large; re-read the pass from page 1. */
  | { kind: 'lost'; pages: RereadPage[]; staleIds: string[] };

type RereadPage = { page: number; systems: readonly SystemRecord[] };

export async function reconcileDrift(args: {
  store: Store;
  pages: PageSource;
  logger: EventLogger;
  snapshotId: number;
  /** The pass continues after this page. */
  lastPage: number;
  signal: AbortSignal;
}): Promise<DriftOutcome> {
  const { store, snapshotId, lastPage } = args;
  // Gap pages have no stored ids to compare with; probe the last page that has some.
  const probePage = await store.lastStoredPage(snapshotId, lastPage);
  if (probePage === null) return { kind: 'aligned', pages: [], staleIds: [] };
  const pages: RereadPage[] = [];
  const staleIds: string[] = [];
  let page = probePage;
  let matched = false;
  while (page >= 1 && probePage - page < MAX_DRIFT_STEP_BACK_PAGES) {
    const result = await args.pages.fetchPage(page, args.signal, args.logger);
    if (result.kind !== 'ok') return { kind: 'unreadable', page };
    const ids = result.page.ids;
    const storedIds = await store.idsOnPage(snapshotId, page);
    if (page === probePage && sameIds(ids, storedIds)) return { kind: 'aligned', pages, staleIds };
    pages.push({ page, systems: result.page.records });
    staleIds.push(...staleOnPage(storedIds, ids));
    if ((await store.knownIds(snapshotId, ids)).size > 0) {
      matched = true;
      break;
    }
    page -= 1;
  }
  // Stepping back to page 1 without a match still covers everything before the probe.
  const covered = matched || page < 1;
  args.logger.emit('page_drift_detected', {
    page: probePage,
    shift_pages: pages.length - 1,
    resume_page: covered ? lastPage + 1 : 1,
    matched: covered,
  });
  return covered ? { kind: 'aligned', pages, staleIds } : { kind: 'lost', pages, staleIds };
}

/**
 * Ids the store holds for a page that are provably deleted (D53). Offset paging keeps the order, and a
 * page is a contiguous window of it: an id stored between two ids that are both still on the page
 * cannot have moved off the page, so if it is gone it was deleted. Ids that left at either edge may
 * have shifted onto a neighbour and are kept. `stored` is in the order the page was first read; when
 * the surviving ids are not in the same order in both lists (the API reordered), nothing is claimed.
 */
export function staleOnPage(stored: readonly string[], current: readonly string[]): string[] {
  const now = new Set(current);
  const survivors = stored.filter((id) => now.has(id));
  const position = new Map(current.map((id, index) => [id, index]));
  const ordered = survivors.every(
    (id, i) => i === 0 || (position.get(id) ?? 0) > (position.get(survivors[i - 1] ?? '') ?? 0),
  );
  if (!ordered || survivors.length < 2) return [];
  const first = stored.indexOf(survivors[0] ?? '');
  const last = stored.indexOf(survivors[survivors.length - 1] ?? '');
  return stored.slice(first + 1, last).filter((id) => !now.has(id));
}

function sameIds(current: readonly string[], stored: readonly string[]): boolean {
  if (current.length !== stored.length) return false;
  const storedSet = new Set(stored);
  return current.every((id) => storedSet.has(id));
}
