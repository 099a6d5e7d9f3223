/**
 * Buffers pages, gaps and gap retries, and writes them together with the checkpoint in one store
 * transaction (D6: the checkpoint never runs ahead of the data). The loop asks `due()` after every
 * page; D6's cadence is every 10 pages, plus a final commit at batch end or on interruption.
 */
import type { EventLogger } from '../platform/index.ts';
import type {
  CommitResult,
  GapRecord,
  GapRetry,
  LookupSettlement,
  Store,
  SystemRecord,
} from '../store/index.ts';
import type { PassPosition } from './pass-state.ts';

/** systems.source_page of a system stored by a lookup by id (D85): pages are numbered from 1. */
const LOOKUP_PAGE = 0;

export class Committer {
  private pages: { page: number; systems: readonly SystemRecord[] }[] = [];
  private gaps: GapRecord[] = [];
  private gapRetries: GapRetry[] = [];
  private staleIds: string[] = [];
  private lookups: LookupSettlement[] = [];
  private pagesSinceCommit = 0;
  /** True once anything was written by this run (drives the post-extraction hook). */
  wroteData = false;
  private readonly store: Store;
  private readonly logger: EventLogger;
  private readonly snapshotId: number;
  private readonly everyPages: number;

  constructor(args: { store: Store; logger: EventLogger; snapshotId: number; everyPages: number }) {
    this.store = args.store;
    this.logger = args.logger;
    this.snapshotId = args.snapshotId;
    this.everyPages = args.everyPages;
  }

  addPage(page: number, systems: readonly SystemRecord[]): void {
    this.pages.push({ page, systems });
    this.pagesSinceCommit += 1;
  }

  /** Systems a drift check proved deleted (D53): removed from the snapshot at the next commit. */
  addStale(ids: readonly string[]): void {
    this.staleIds.push(...ids);
  }

  /**
   * A settled lookup by id (D85); `system` (found, or carried over, D87) is stored on page 0, the page
   * of systems that no page of this pass returned.
   */
  addLookup(settlement: LookupSettlement, system: SystemRecord | null): void {
    this.lookups.push(settlement);
    if (system !== null) this.pages.push({ page: LOOKUP_PAGE, systems: [system] });
    this.pagesSinceCommit += 1;
  }

  addGap(gap: GapRecord): void {
    this.gaps.push(gap);
    this.pagesSinceCommit += 1;
  }

  addGapRetry(retry: GapRetry, systems: readonly SystemRecord[] | null): void {
    this.gapRetries.push(retry);
    if (systems !== null) this.pages.push({ page: retry.page_num, systems });
    this.pagesSinceCommit += 1;
  }

  /** Records buffered but not yet committed (an upper bound on the new distinct systems). */
  get pendingRecords(): number {
    return this.pages.reduce((sum, entry) => sum + entry.systems.length, 0);
  }

  due(): boolean {
    return this.pagesSinceCommit >= this.everyPages;
  }

  /** Writes everything buffered plus the pass position; emits `checkpoint_commit`. */
  async commit(position: PassPosition, nowMs: number): Promise<CommitResult> {
    const pagesInCommit = this.pagesSinceCommit;
    const result = await this.store.commit({
      snapshot_id: this.snapshotId,
      pages: this.pages,
      gaps: this.gaps,
      gapRetries: this.gapRetries,
      staleIds: this.staleIds,
      lookups: this.lookups,
      checkpoint: position,
      nowMs,
    });
    const wrote = this.pages.length + this.gaps.length + this.gapRetries.length + this.lookups.length;
    if (wrote > 0) this.wroteData = true;
    this.pages = [];
    this.gaps = [];
    this.gapRetries = [];
    this.staleIds = [];
    this.lookups = [];
    this.pagesSinceCommit = 0;
    this.logger.emit('checkpoint_commit', {
      last_page: position.last_page,
      systems_extracted: result.systems_extracted,
      coverage_pct: result.coverage_pct,
      pages_in_commit: pagesInCommit,
    });
    return result;
  }
}
