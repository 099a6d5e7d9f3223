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
  /** Nothing to do, or realigned: store `pages` (re-read with their current records) and go on. */
  | { kind: 'aligned'; pages: { page: number; systems: readonly SystemRecord[] }[] }
  /** The probe page could not be read: re-read from `page` in the pass, so no shift goes unseen. */
  | { kind: 'unreadable'; page: number }
  /** No realignment within the step-back limit: the shift is too large; re-read the pass from page 1. */
  | { kind: 'lost'; pages: { page: number; systems: readonly SystemRecord[] }[] };

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
  const probePage = store.lastStoredPage(snapshotId, lastPage);
  if (probePage === null) return { kind: 'aligned', pages: [] };
  const pages: { page: number; systems: readonly SystemRecord[] }[] = [];
  let page = probePage;
  let matched = false;
  while (page >= 1 && probePage - page < MAX_DRIFT_STEP_BACK_PAGES) {
    const result = await args.pages.fetchPage(page, args.signal, args.logger);
    if (result.kind !== 'ok') return { kind: 'unreadable', page };
    const ids = result.page.ids;
    if (page === probePage && sameIds(ids, store.idsOnPage(snapshotId, page)))
      return { kind: 'aligned', pages };
    pages.push({ page, systems: result.page.records });
    if (store.knownIds(snapshotId, ids).size > 0) {
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
  return covered ? { kind: 'aligned', pages } : { kind: 'lost', pages };
}

function sameIds(current: readonly string[], stored: readonly string[]): boolean {
  if (current.length !== stored.length) return false;
  const storedSet = new Set(stored);
  return current.every((id) => storedSet.has(id));
}
