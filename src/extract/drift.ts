/**
 * Offset-paging drift at resume (D6). Between cron runs hours apart, systems are added and removed,
 * so page N no longer holds what it held. Removals shift later systems onto pages we already read:
 * those systems would be skipped for good. So before resuming at last_page + 1 we re-read
 * last_page; if its ids differ from the stored ones we keep what it holds now and, while a re-read
 * page holds nothing we have seen, step back one more page, until the ids line up again.
 * Additions shift systems forward onto pages still ahead of us, which the pass reads anyway.
 */
import type { EventLogger } from '../observability/events.ts';
import type { Store, SystemRecord } from '../store/store.ts';
import type { PageSource } from './ports.ts';

/** Pages we are willing to step back (×25 systems): a bigger shift is better served by `--reset`. */
export const MAX_DRIFT_STEP_BACK_PAGES = 10;

export interface DriftResult {
  /** Pages re-read during the check, with their current records, to be stored by the caller. */
  pages: { page: number; systems: readonly SystemRecord[] }[];
  requests: number;
}

export async function reconcileDrift(args: {
  store: Store;
  pages: PageSource;
  logger: EventLogger;
  snapshotId: number;
  lastPage: number;
  signal: AbortSignal;
}): Promise<DriftResult> {
  const { store, snapshotId, lastPage } = args;
  const found: DriftResult = { pages: [], requests: 0 };
  let page = lastPage;
  let matched = false;
  while (page >= 1 && lastPage - page < MAX_DRIFT_STEP_BACK_PAGES) {
    const result = await args.pages.fetchPage(page, args.signal, args.logger);
    found.requests += 1;
    // A page we cannot read now is not evidence of drift; the pass goes on and gap sweeps cover it.
    if (result.kind !== 'ok') return found;
    const ids = result.page.records.map((record) => record.resource_id);
    if (page === lastPage && sameIds(ids, store.idsOnPage(snapshotId, page))) return found;
    found.pages.push({ page, systems: result.page.records });
    if (store.knownIds(snapshotId, ids).size > 0) {
      matched = true;
      break;
    }
    page -= 1;
  }
  args.logger.emit('page_drift_detected', {
    page: lastPage,
    shift_pages: found.pages.length - 1,
    resume_page: lastPage + 1,
    matched,
  });
  return found;
}

function sameIds(current: readonly string[], stored: readonly string[]): boolean {
  if (current.length !== stored.length) return false;
  const storedSet = new Set(stored);
  return current.every((id) => storedSet.has(id));
}
