/**
 * What one run shares between the paging loop, the gap sweep and the finish step: its ports and
 * options, the pass position (a value, replaced by the rules in pass-state.ts), the run's tally, and
 * the commit. Everything durable lives in the store.
 */
import type { EventLogger } from '../platform/index.ts';
import { type Checkpoint, type CommitResult, coveragePct } from '../store/index.ts';
import { Committer } from './committer.ts';
import { reconcileDrift, type DriftOutcome } from './drift.ts';
import { etaMinutesOf } from './coverage.ts';
import { afterDrift, clampedToTotal, positionOf, type PassPosition } from './pass-state.ts';
import type { ExtractDeps, ExtractOptions, GapResult } from './ports.ts';
import { RunTally } from './run-tally.ts';

export class RunContext {
  readonly deps: ExtractDeps;
  readonly options: ExtractOptions;
  readonly log: EventLogger;
  readonly snapshotId: number;
  readonly committer: Committer;
  readonly startMs: number;
  readonly tally: RunTally;
  /** Replaced, never edited: the next value comes from a rule in pass-state.ts. */
  position: PassPosition;
  private committed: { systems: number; coveragePct: number };

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
    this.committed = { systems: checkpoint.systems_extracted, coveragePct: checkpoint.coverage_pct };
    this.tally = new RunTally(options.batchPages);
  }

  /** Distinct systems stored in this snapshot, as of the last commit. */
  get systems(): number {
    return this.committed.systems;
  }

  /** Coverage of the snapshot as of the last commit, in percent. */
  get coveragePct(): number {
    return this.committed.coveragePct;
  }

  /**
   * Acts on a drift check: store the re-read pages, and where the pages cannot be realigned (or the
   * probe is unreadable) move the pass back so the affected pages are read again.
   */
  applyDrift(outcome: DriftOutcome): void {
    if (outcome.kind !== 'unreadable') {
      for (const page of outcome.pages) this.committer.addPage(page.page, page.systems);
      this.committer.addStale(outcome.staleIds);
    }
    this.position = afterDrift(this.position, outcome);
  }

  /**
   * Commits, then re-checks the page before `page` exactly as a resuming run does (drift.ts, D14,
   * D53) and acts on the outcome. False when the drift check moved the pass back.
   */
  async recheckBefore(page: number): Promise<boolean> {
    await this.commit();
    const drift = await reconcileDrift({
      store: this.deps.store,
      pages: this.deps.pages,
      logger: this.log,
      snapshotId: this.snapshotId,
      lastPage: page - 1,
      signal: this.options.signal,
    });
    this.applyDrift(drift);
    return drift.kind === 'aligned';
  }

  /** A page that exhausted its attempts (in the pass or again in a sweep): counted, logged, reported. */
  recordFailure(page: number, result: GapResult): void {
    this.tally.pageFailed();
    this.log.emit('page_skipped', { page, error_type: result.errorType, attempts: result.attempts });
    this.deps.observer.pageFailed({
      page,
      attempts: result.attempts,
      errorType: result.errorType,
      httpStatus: result.httpStatus,
    });
  }

  async commit(): Promise<CommitResult> {
    this.position = clampedToTotal(this.position);
    const result = await this.committer.commit(this.position, this.deps.clock.nowMs());
    this.committed = { systems: result.systems_extracted, coveragePct: result.coverage_pct };
    return result;
  }

  async commitIfDue(): Promise<void> {
    if (this.committer.due()) await this.commit();
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
          pagesDone: this.tally.pagesAttempted,
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
      errors_total: this.tally.failedAttempts,
      eta_minutes: etaMinutes,
    });
    this.deps.observer.pageDone({
      page,
      totalPages,
      systems,
      totalSystems,
      coveragePct: progressPct,
      errorsTotal: this.tally.failedAttempts,
      errorPages: this.tally.errorPages,
      etaMinutes,
    });
  }
}
