/**
 * The run's counters (`batch_complete`, the run summary, `errors_total`, Slack's error pages) and the
 * batch budget. Only its methods change them.
 */
import type { PageResult } from './ports.ts';

export class RunTally {
  private attempted = 0;
  private ok = 0;
  private failed = 0;
  private failedAttemptCount = 0;
  private readonly pagesWithErrors: number[] = [];
  private lookupCount = 0;
  private remaining: number;

  /**
   * `budget`: page requests this batch may make (gap retries and lookups by id count too, D85; the
   * drift probe does not).
   */
  constructor(budget: number) {
    this.remaining = budget;
  }

  get pagesAttempted(): number {
    return this.attempted;
  }

  get pagesOk(): number {
    return this.ok;
  }

  get pagesFailed(): number {
    return this.failed;
  }

  /** Failed attempts across all pages of the run (`errors_total`). */
  get failedAttempts(): number {
    return this.failedAttemptCount;
  }

  /** Pages that had at least one failed attempt, in the order they first failed. */
  get errorPages(): readonly number[] {
    return this.pagesWithErrors;
  }

  /** Page requests this batch may still make. */
  get budget(): number {
    return this.remaining;
  }

  /** Books one page request against the batch budget, and its failed attempts against the run. */
  recordRequest(page: number, result: PageResult): void {
    this.remaining -= 1;
    this.attempted += 1;
    const failed = result.kind === 'gap' ? result.attempts : result.failedAttempts;
    if (failed === 0) return;
    this.failedAttemptCount += failed;
    if (!this.pagesWithErrors.includes(page)) this.pagesWithErrors.push(page);
  }

  /** Lookups by id (D85) this run made. */
  get lookups(): number {
    return this.lookupCount;
  }

  /**
   * Books one lookup by id against the batch budget (D85) and its failed attempts against the run;
   * not a page: pages_attempted and the error pages leave it out.
   */
  recordLookup(result: PageResult): void {
    this.remaining -= 1;
    this.lookupCount += 1;
    this.failedAttemptCount += result.kind === 'gap' ? result.attempts : result.failedAttempts;
  }

  pageOk(): void {
    this.ok += 1;
  }

  /** A page that exhausted its attempts (in the pass or again in a sweep). */
  pageFailed(): void {
    this.failed += 1;
  }
}
