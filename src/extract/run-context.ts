/**
 * The mutable state of one run, shared by the paging loop, the gap sweep and the finish step.
 * Everything durable lives in the store; this only carries the pass position between commits and
 * the run's counters.
 */
import type { EventLogger } from '../platform/index.ts';
import { type Checkpoint, type CommitResult, coveragePct } from '../store/index.ts';
import { Committer, positionOf } from './committer.ts';
import type { DriftOutcome } from './drift.ts';
import { etaMinutesOf, totalPagesOf } from './coverage.ts';
import type { ExtractDeps, ExtractOptions, FetchedPage, GapResult, PageResult } from './ports.ts';

export class RunContext {
  readonly deps: ExtractDeps;
  readonly options: ExtractOptions;
  readonly log: EventLogger;
  readonly snapshotId: number;
  readonly committer: Committer;
  readonly startMs: number;
  position: ReturnType<typeof positionOf>;
  systems: number;
  coveragePct: number;
  /** Page requests this batch may still make (gap retries count too; the drift probe does not). */
  budget: number;
  pagesAttempted = 0;
  pagesOk = 0;
  pagesFailed = 0;
  failedAttempts = 0;
  readonly errorPages: number[] = [];

  constructor(deps: ExtractDeps, options: ExtractOptions, snapshotId: number, checkpoint: Checkpoint) {
    this.deps = deps;
    this.options = options;
    this.snapshotId = snapshotId;
    this.log = deps.logger.withSnapshot(snapshotId);
    this.committer = new Committer({
      store: deps.store,
      logger: this.log,
      snapshotId,
      everyPages: options.commitEveryPages,
    });
    this.startMs = deps.clock.nowMs();
    this.position = positionOf(checkpoint);
    this.systems = checkpoint.systems_extracted;
    this.coveragePct = checkpoint.coverage_pct;
    this.budget = options.batchPages;
  }

  /** Takes `total` and `limit` from every page (D5: the total may change during a pass). */
  observeTotals(page: FetchedPage): void {
    this.position.total_systems = page.total;
    this.position.page_limit = page.limit;
    this.position.total_pages = totalPagesOf(page.total, page.limit);
  }

  /**
   * Acts on a drift check: store the re-read pages, and where the pages cannot be realigned (or the
   * probe is unreadable) move the pass back so the affected pages are read again.
   */
  applyDrift(outcome: DriftOutcome): void {
    if (outcome.kind !== 'unreadable') {
      for (const page of outcome.pages) this.committer.addPage(page.page, page.systems);
    }
    if (outcome.kind === 'aligned') return;
    this.position.last_page = outcome.kind === 'lost' ? 0 : outcome.page - 1;
    this.position.pass_complete = false;
  }

  /** Books one page request against the batch budget, and its failed attempts against the run. */
  recordRequest(page: number, result: PageResult): void {
    this.budget -= 1;
    this.pagesAttempted += 1;
    this.countFailedAttempts(page, result);
  }

  /** A page that exhausted its attempts (in the pass or again in a sweep): counted, logged, reported. */
  recordFailure(page: number, result: GapResult): void {
    this.pagesFailed += 1;
    this.log.emit('page_skipped', { page, error_type: result.errorType, attempts: result.attempts });
    this.deps.observer.pageFailed({
      page,
      attempts: result.attempts,
      errorType: result.errorType,
      httpStatus: result.httpStatus,
    });
  }

  /** Counts failed attempts and the pages that had them (`errors_total`, Slack's error pages). */
  private countFailedAttempts(page: number, result: PageResult): void {
    const failed = result.kind === 'gap' ? result.attempts : result.failedAttempts;
    if (failed === 0) return;
    this.failedAttempts += failed;
    if (!this.errorPages.includes(page)) this.errorPages.push(page);
  }

  commit(): CommitResult {
    // Deletions can shrink `total` after the pass went past the new last page (a gap sweep, or the
    // last page of the pass, reporting fewer systems). Every page up to the new end has been read,
    // so the pass stands at its end; stored as is, last_page > total_pages would fail validation
    // next run and restart the whole pass as a "corrupt" checkpoint.
    const { last_page: lastPage, total_pages: totalPages } = this.position;
    if (totalPages !== null && lastPage > totalPages) {
      this.position.last_page = totalPages;
      this.position.pass_complete = true;
    }
    const result = this.committer.commit(this.position, this.deps.clock.nowMs());
    this.systems = result.systems_extracted;
    this.coveragePct = result.coverage_pct;
    return result;
  }

  commitIfDue(): void {
    if (this.committer.due()) this.commit();
  }

  /** Emits `extraction_progress` and feeds the progress bar / Slack milestones. */
  reportProgress(page: number): void {
    const systems = this.systems + this.committer.pendingRecords;
    const totalPages = this.position.total_pages;
    const totalSystems = this.position.total_systems;
    // Once paging has reached the end (a gap sweep), nothing of the pass is left to estimate.
    const etaMinutes = this.position.pass_complete
      ? 0
      : etaMinutesOf({
          elapsedMs: this.deps.clock.nowMs() - this.startMs,
          pagesDone: this.pagesAttempted,
          page,
          totalPages,
        });
    const progressPct = coveragePct(systems, totalSystems);
    this.log.emit('extraction_progress', {
      page,
      total_pages: totalPages,
      systems_extracted: systems,
      total_systems: totalSystems,
      progress_pct: progressPct,
      errors_total: this.failedAttempts,
      eta_minutes: etaMinutes,
    });
    this.deps.observer.pageDone({
      page,
      totalPages,
      systems,
      totalSystems,
      coveragePct: progressPct,
      errorsTotal: this.failedAttempts,
      errorPages: this.errorPages,
      etaMinutes,
    });
  }
}
