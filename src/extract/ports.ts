/**
 * What the extraction loop needs from the outside world, as narrow ports. main.ts wires the real
 * implementations (api client + retry loop, token manager, SQLite store, Slack, progress bar);
 * unit tests pass scripted fakes.
 */
import type { Clock, DeferReason, ErrorType, EventLogger } from '../platform/index.ts';
import type { PageOutcome } from '../retry/index.ts';
import type { ParsedPage } from '../api/index.ts';
import type { PublishResult, Store } from '../store/index.ts';
import type { PageSizing } from './page-size.ts';

/**
 * One page as the API client parsed and normalised it (api/parse-page.ts): the same value reaches the
 * loop untouched, with its ids and received count computed once, there.
 */
export type { ParsedPage } from '../api/index.ts';

/** A page that exhausted its attempts: the retry layer's gap (its sample redacted by the page source). */
export type GapResult = Extract<PageOutcome, { kind: 'gap' }>;

/** Result of fetching one page with all its attempts (D4). Auth aborts are thrown, not returned. */
export type PageResult =
  | { kind: 'ok'; page: ParsedPage; failedAttempts: number }
  | GapResult
  | {
      kind: 'defer';
      reason: DeferReason;
      retryAfterS: number | null;
      message: string;
      failedAttempts: number;
    };

export type DeferResult = Extract<PageResult, { kind: 'defer' }>;

/** How one request asks for its page (D74); without it, the API client's own page size, all attempts. */
export interface PageRequest {
  /** `pagelimit` of this request; `page` counts pages of this size. */
  pageSize: number;
  /** One attempt and no retry: a big page that fails makes the pass fall back instead. */
  singleAttempt: boolean;
  /** The page (of the pass's unit) that log lines about this page's records name. */
  reportPage: number;
}

export interface PageSource {
  /** `logger` is bound to the run's snapshot, so attempt events carry `snapshot_id`. */
  fetchPage(
    page: number,
    signal: AbortSignal,
    logger: EventLogger,
    request?: PageRequest,
  ): Promise<PageResult>;
  /**
   * `scandetails?resid=` (D85), paced, retried and classified exactly as a page: `ok` carries the
   * answer as a page (one record when the system exists, none when it is gone), `gap` a lookup that
   * failed on every attempt, `defer` as for a page. Auth aborts are thrown, as for pages.
   */
  lookupSystem(resourceId: string, signal: AbortSignal, logger: EventLogger): Promise<PageResult>;
}

interface TokenLifecycle {
  /** A fresh token at batch start (D3), inside the persisted budget. */
  startBatch(signal?: AbortSignal): Promise<unknown>;
}

/** Human/stakeholder outputs; none of them may fail or slow the run. */
export interface RunObserver {
  runStarted(info: {
    targetSystems: number | null;
    targetPct: number;
    startPage: number;
    totalPages: number | null;
  }): void;
  pageDone(info: {
    page: number;
    totalPages: number | null;
    systems: number;
    totalSystems: number | null;
    coveragePct: number;
    errorsTotal: number;
    errorPages: readonly number[];
    etaMinutes: number | null;
  }): void;
  pageFailed(info: { page: number; attempts: number; errorType: ErrorType; httpStatus: number | null }): void;
  batchComplete(info: { systems: number; coveragePct: number }): void;
  /** A pass was published; `changes` is what it changed against the one before (D112). */
  targetMet(info: {
    systems: number;
    totalSystems: number;
    coveragePct: number;
    changes: PublishResult;
  }): void;
}

export interface ExtractDeps {
  store: Store;
  pages: PageSource;
  tokens: TokenLifecycle;
  clock: Clock;
  logger: EventLogger;
  observer: RunObserver;
}

export interface ExtractOptions {
  batchPages: number;
  targetPct: number;
  /** Checkpoint cadence in pages (D6: every 10 pages). */
  commitEveryPages: number;
  /** Gap sweeps per snapshot before a below-target pass is closed (D6: 3). */
  maxGapSweeps: number;
  /**
   * A complete pass whose `total` is more than this many percent below the last published (`success`)
   * pass is closed `failed` instead of replacing it (a scope change or API fault must not publish an
   * empty inventory to the dashboards). 100 disables the guard.
   */
  maxShrinkPct: number;
  /** PMP_PAGE_SIZE and auto's sizes (D74): how the run asks for pages. */
  pageSizing: PageSizing;
  /**
   * PMP_REFRESH_HOURS in ms (D110): once the published snapshot completed longer ago than this, the
   * next run starts a new pass at page 1. 0 = never on its own.
   */
  refreshAfterMs: number;
  /** Systems rows are kept for this many newest published snapshots, at least 1 (D83). */
  keepSnapshots: number;
  /** Start a new snapshot at page 1 even if one is in progress (`--reset`). */
  reset: boolean;
  signal: AbortSignal;
}
