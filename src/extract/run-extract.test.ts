/**
 * The extraction loop in-process: runExtract over the REAL SQLite store (in memory, or a temp file
 * where a test edits rows behind the store's back), a scripted page source that plays a paged
 * inventory, a fake clock, a capturing logger and a recording observer.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { type EventLogger, type EventMap, type EventType, ExtractorError } from '../platform/index.ts';
import type { SystemRecord } from '../store/index.ts';
import { openReadableStore, type ReadableStore } from '../../test/support/store-reads.ts';
import type { ExtractOptions, FetchedPage, PageResult, PageSource, RunObserver } from './ports.ts';
import { runExtract } from './run-extract.ts';
import type { RunSummary } from './run-outcome.ts';

// ---------------------------------------------------------------------------------------------------
// Harness

/** 17-digit ids above 2^53, as the real API has them; `n` keeps them unique and ordered. */
function idOf(n: number): string {
  return (12_345_678_901_000_000n + BigInt(n)).toString();
}

function recordOf(id: string): SystemRecord {
  return {
    resource_id: id,
    columns: { resource_name: `pc-${id.slice(-6)}`, branch_office_name: 'Branch A' },
    raw_json: `{"resource_id":${id}}`,
  };
}

type Scripted = PageResult | ((signal: AbortSignal) => Promise<PageResult>);

/** An offset-paged inventory like PMP's: page N holds ids[(N-1)*limit .. N*limit). */
class FakeApi implements PageSource {
  ids: string[];
  limit: number;
  /** Past the last page: nothing, or page 1 again (the API's wrap-around). */
  pastLastPage: 'empty' | 'wrap' = 'empty';
  /** A `total` that differs from the inventory size (an API that over-reports). */
  totalOverride: number | null = null;
  /** Every page requested, in order, including drift probes and gap sweeps. */
  readonly calls: number[] = [];
  /** Runs just before a page is answered (to look at the store mid-run, or abort). */
  beforeAnswer: ((page: number) => void) | null = null;
  private nextId: number;
  private readonly scripts = new Map<number, Scripted[]>();

  constructor(systems: number, limit: number) {
    this.ids = Array.from({ length: systems }, (_, i) => idOf(i));
    this.nextId = systems;
    this.limit = limit;
  }

  /** Answers the next requests for `page` with these results, in order, then normally. */
  script(page: number, ...results: Scripted[]): void {
    this.scripts.set(page, [...(this.scripts.get(page) ?? []), ...results]);
  }

  /** Removes `count` ids from each listed page (as the pages are now) and appends `add` new ids. */
  mutate(change: { removeFromPages?: { pages: number[]; count: number }; add?: number }): void {
    const remove = new Set<string>();
    for (const page of change.removeFromPages?.pages ?? []) {
      const start = (page - 1) * this.limit;
      for (const id of this.ids.slice(start, start + (change.removeFromPages?.count ?? 0))) remove.add(id);
    }
    this.ids = this.ids.filter((id) => !remove.has(id));
    for (let i = 0; i < (change.add ?? 0); i++) this.ids.push(idOf(this.nextId++));
  }

  /** Inserts new ids at the front (shifts every page forward). */
  prepend(count: number): void {
    const fresh = Array.from({ length: count }, () => idOf(this.nextId++));
    this.ids = [...fresh, ...this.ids];
  }

  fetchPage(page: number, signal: AbortSignal): Promise<PageResult> {
    this.calls.push(page);
    // Like the real retry loop: an aborted run does not start another attempt.
    signal.throwIfAborted();
    this.beforeAnswer?.(page);
    const next = this.scripts.get(page)?.shift();
    if (next !== undefined) return typeof next === 'function' ? next(signal) : Promise.resolve(next);
    return Promise.resolve({ kind: 'ok', page: this.pageOf(page), failedAttempts: 0 });
  }

  pageOf(page: number): FetchedPage {
    const pages = Math.max(1, Math.ceil(this.ids.length / this.limit));
    const source = page > pages && this.pastLastPage === 'wrap' ? ((page - 1) % pages) + 1 : page;
    const slice = this.ids.slice((source - 1) * this.limit, source * this.limit);
    return {
      page,
      limit: this.limit,
      total: this.totalOverride ?? this.ids.length,
      records: slice.map(recordOf),
      receivedCount: slice.length,
    };
  }
}

function gap(errorType: 'json_parse_error' | '5xx_server_error' = '5xx_server_error'): PageResult {
  return {
    kind: 'gap',
    errorType,
    errorMessage: `${errorType} on every attempt`,
    responseSample: '<html>oops</html>',
    attempts: 3,
    httpStatus: errorType === '5xx_server_error' ? 503 : 200,
  };
}

interface Captured {
  type: EventType;
  snapshotId: number | null;
  fields: Record<string, unknown>;
}

function capturingLogger(events: Captured[], snapshotId: number | null = null): EventLogger {
  return {
    emit(type, fields) {
      events.push({ type, snapshotId, fields: { ...fields } });
    },
    withSnapshot: (id) => capturingLogger(events, id),
  };
}

type ObserverCall = {
  [K in keyof RunObserver]: { method: K; info: Parameters<RunObserver[K]>[0] };
}[keyof RunObserver];

function recordingObserver(calls: ObserverCall[]): RunObserver {
  return {
    runStarted: (info) => calls.push({ method: 'runStarted', info }),
    pageDone: (info) =>
      calls.push({ method: 'pageDone', info: { ...info, errorPages: [...info.errorPages] } }),
    pageFailed: (info) => calls.push({ method: 'pageFailed', info }),
    batchComplete: (info) => calls.push({ method: 'batchComplete', info }),
    targetMet: (info) => calls.push({ method: 'targetMet', info }),
  };
}

interface RunResult {
  summary: RunSummary;
  /** Pages this run requested. */
  calls: number[];
  events: Captured[];
  observed: ObserverCall[];
}

const openStores: ReadableStore[] = [];
const tempDirs: string[] = [];
afterEach(() => {
  for (const store of openStores.splice(0)) store.close();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function harness(args: { systems: number; limit?: number; dbPath?: string }) {
  const store = openReadableStore({ path: args.dbPath ?? ':memory:' });
  openStores.push(store);
  const api = new FakeApi(args.systems, args.limit ?? 25);
  const clock = new FakeClock();
  let startBatch: (signal?: AbortSignal) => Promise<unknown> = () => Promise.resolve('token');
  let tokenStarts = 0;
  const run = async (options: Partial<ExtractOptions> = {}): Promise<RunResult> => {
    const events: Captured[] = [];
    const observed: ObserverCall[] = [];
    const callsBefore = api.calls.length;
    const summary = await runExtract(
      {
        store,
        pages: {
          fetchPage: (page, signal) => {
            clock.advance(1000);
            return api.fetchPage(page, signal);
          },
        },
        tokens: {
          startBatch: (signal) => {
            tokenStarts += 1;
            return startBatch(signal);
          },
        },
        clock,
        logger: capturingLogger(events),
        observer: recordingObserver(observed),
      },
      {
        batchPages: 50,
        targetPct: 95,
        commitEveryPages: 10,
        maxGapSweeps: 3,
        maxShrinkPct: 50,
        reset: false,
        signal: new AbortController().signal,
        ...options,
      },
    );
    return { summary, calls: api.calls.slice(callsBefore), events, observed };
  };
  return {
    store,
    api,
    clock,
    run,
    tokenStarts: () => tokenStarts,
    failTokens(fn: (signal?: AbortSignal) => Promise<unknown>) {
      startBatch = fn;
    },
  };
}

function tempDbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmp-extract-'));
  tempDirs.push(dir);
  return join(dir, 'pmp.db');
}

function fieldsOf<K extends EventType>(result: RunResult, type: K): EventMap[K][] {
  return result.events.filter((event) => event.type === type).map((event) => event.fields as EventMap[K]);
}

function typesOf(result: RunResult): EventType[] {
  return result.events.map((event) => event.type);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function observedOf<K extends keyof RunObserver>(
  result: RunResult,
  method: K,
): Parameters<RunObserver[K]>[0][] {
  return result.observed
    .filter((call) => call.method === method)
    .map((call) => call.info as Parameters<RunObserver[K]>[0]);
}

// ---------------------------------------------------------------------------------------------------
// Batches, resume and checkpoints

describe('batches and checkpoints', () => {
  it('extracts pages 1..N of a new snapshot, then checkpoints where it stopped', async () => {
    const h = harness({ systems: 1000 });
    const result = await h.run({ batchPages: 15 });

    expect(result.calls).toEqual(range(1, 15));
    expect(result.summary).toMatchObject({
      outcome: 'batch_complete',
      snapshotId: 1,
      pagesAttempted: 15,
      pagesOk: 15,
      pagesFailed: 0,
      systemsExtracted: 375,
      totalSystems: 1000,
      coveragePct: 37.5,
      targetMet: false,
      changedData: true,
    });
    expect(h.store.getCheckpoint(1)).toMatchObject({
      last_page: 15,
      systems_extracted: 375,
      coverage_pct: 37.5,
      total_systems: 1000,
      total_pages: 40,
      page_limit: 25,
      pass_complete: false,
      previous_coverage_pct: 37.5,
    });
    expect(h.store.allIds(1)).toEqual(h.api.ids.slice(0, 375));
    expect(h.store.currentSnapshot()?.status).toBe('partial');
    expect(fieldsOf(result, 'batch_start')).toEqual([
      { start_page: 1, batch_pages: 15, target_pct: 95, resumed: false, snapshot_status: 'partial' },
    ]);
    expect(fieldsOf(result, 'extraction_progress').map((event) => event.page)).toEqual(range(1, 15));
    expect(fieldsOf(result, 'extraction_progress')[14]).toMatchObject({
      page: 15,
      total_pages: 40,
      systems_extracted: 375,
      total_systems: 1000,
      progress_pct: 37.5,
      errors_total: 0,
      eta_minutes: 0.42, // 1 s per page (fake clock), 25 pages left
    });
    expect(fieldsOf(result, 'batch_complete')).toEqual([
      {
        pages_attempted: 15,
        pages_ok: 15,
        pages_failed: 0,
        systems_extracted: 375,
        total_systems: 1000,
        coverage_pct: 37.5,
        last_page: 15,
        pass_complete: false,
        duration_ms: 15_000,
      },
    ]);
    expect(result.events.every((event) => event.snapshotId === 1)).toBe(true);
    expect(observedOf(result, 'runStarted')).toEqual([
      { targetSystems: null, targetPct: 95, startPage: 1, totalPages: null },
    ]);
    expect(observedOf(result, 'pageDone')).toHaveLength(15);
    expect(observedOf(result, 'batchComplete')).toEqual([{ systems: 375, coveragePct: 37.5 }]);
    expect(observedOf(result, 'targetMet')).toEqual([]);
    expect(h.tokenStarts()).toBe(1);
  });

  it('resumes at last_page + 1 after re-reading the last committed page', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 15 });
    const second = await h.run({ batchPages: 15 });

    expect(second.calls).toEqual([15, ...range(16, 30)]);
    expect(fieldsOf(second, 'batch_start')[0]).toMatchObject({ start_page: 16, resumed: true });
    expect(observedOf(second, 'runStarted')).toEqual([
      { targetSystems: 1000, targetPct: 95, startPage: 16, totalPages: 40 },
    ]);
    // The same ids on the re-read page: no drift, nothing re-stored, the probe is not a batch page.
    expect(typesOf(second)).not.toContain('page_drift_detected');
    expect(second.summary).toMatchObject({ pagesAttempted: 15, systemsExtracted: 750, coveragePct: 75 });
    expect(h.store.getCheckpoint(1)?.last_page).toBe(30);
    expect(h.store.allIds(1)).toEqual(h.api.ids.slice(0, 750));
  });

  it('commits systems and checkpoint together every 10 pages and at batch end', async () => {
    const h = harness({ systems: 1000 });
    const seen: { page: number; lastPage: number | undefined; stored: number }[] = [];
    h.api.beforeAnswer = (page) => {
      seen.push({ page, lastPage: h.store.getCheckpoint(1)?.last_page, stored: h.store.countSystems(1) });
    };
    const result = await h.run({ batchPages: 35 });

    expect(fieldsOf(result, 'checkpoint_commit')).toEqual([
      { last_page: 10, systems_extracted: 250, coverage_pct: 25, pages_in_commit: 10 },
      { last_page: 20, systems_extracted: 500, coverage_pct: 50, pages_in_commit: 10 },
      { last_page: 30, systems_extracted: 750, coverage_pct: 75, pages_in_commit: 10 },
      { last_page: 35, systems_extracted: 875, coverage_pct: 87.5, pages_in_commit: 5 },
    ]);
    // While page 11 is being fetched, pages 1-10 and their checkpoint are already durable, and
    // nothing of page 11-19 is: the checkpoint never runs ahead of (or behind) the data.
    expect(seen.find((entry) => entry.page === 10)).toEqual({ page: 10, lastPage: 0, stored: 0 });
    expect(seen.find((entry) => entry.page === 11)).toEqual({ page: 11, lastPage: 10, stored: 250 });
    expect(seen.find((entry) => entry.page === 19)).toEqual({ page: 19, lastPage: 10, stored: 250 });
    expect(seen.find((entry) => entry.page === 21)).toEqual({ page: 21, lastPage: 20, stored: 500 });
  });

  it('keeps the same snapshot across runs and never duplicates a system', async () => {
    const h = harness({ systems: 300 });
    await h.run({ batchPages: 5 });
    await h.run({ batchPages: 5 });
    const last = await h.run({ batchPages: 5 });

    expect(last.summary).toMatchObject({ outcome: 'target_met', snapshotId: 1, systemsExtracted: 300 });
    expect(h.store.allIds(1)).toEqual(h.api.ids);
    expect(new Set(h.store.allIds(1)).size).toBe(300);
  });
});

// ---------------------------------------------------------------------------------------------------
// End of pass

describe('end of the pass', () => {
  it('stops at the last page by total, sets the snapshot success and reports the target met', async () => {
    const h = harness({ systems: 100 });
    const result = await h.run();

    expect(result.calls).toEqual([1, 2, 3, 4]);
    expect(result.summary).toMatchObject({
      outcome: 'target_met',
      targetMet: true,
      systemsExtracted: 100,
      coveragePct: 100,
    });
    expect(h.store.currentSnapshot()?.status).toBe('success');
    expect(h.store.getCheckpoint(1)).toMatchObject({ last_page: 4, pass_complete: true, total_pages: 4 });
    expect(fieldsOf(result, 'target_met')).toEqual([
      { systems_extracted: 100, total_systems: 100, coverage_pct: 100, target_pct: 95, extracted_now: true },
    ]);
    expect(observedOf(result, 'targetMet')).toEqual([{ systems: 100, totalSystems: 100, coveragePct: 100 }]);
    expect(fieldsOf(result, 'batch_complete')[0]).toMatchObject({ pass_complete: true, last_page: 4 });
  });

  it('does nothing on the next run once the target is met', async () => {
    const h = harness({ systems: 100 });
    await h.run();
    const again = await h.run();

    expect(again.calls).toEqual([]);
    expect(again.summary).toMatchObject({
      outcome: 'already_complete',
      targetMet: true,
      snapshotId: 1,
      pagesAttempted: 0,
      systemsExtracted: 100,
      changedData: false,
    });
    expect(typesOf(again)).toEqual(['target_met']);
    expect(fieldsOf(again, 'target_met')[0]).toMatchObject({ extracted_now: false, coverage_pct: 100 });
    expect(again.events[0]?.snapshotId).toBe(1);
    expect(h.tokenStarts()).toBe(1); // no token is taken for a run that extracts nothing
  });

  it('ends at the last page by total even when the API over-reports and that page is empty', async () => {
    const h = harness({ systems: 100 });
    h.api.totalOverride = 101; // 5 pages by total; page 5 is empty
    const result = await h.run();

    expect(result.calls).toEqual([1, 2, 3, 4, 5]);
    expect(h.store.getCheckpoint(1)).toMatchObject({ last_page: 5, pass_complete: true });
    expect(result.summary).toMatchObject({ outcome: 'target_met', pagesOk: 5, coveragePct: 99 });
    expect(h.store.listGaps(1)).toEqual([]);
  });

  it('stops at an empty page past the last page by its own total', async () => {
    const h = harness({ systems: 100 });
    await h.run({ batchPages: 3 }); // 4 pages by total
    h.api.ids = h.api.ids.slice(0, 75); // the last 25 systems are gone: 3 pages now
    const second = await h.run();

    expect(second.calls).toEqual([3, 4]); // drift probe, then the empty page 4 ends the pass
    expect(second.summary).toMatchObject({ outcome: 'target_met', totalSystems: 75, coveragePct: 100 });
    expect(h.store.getCheckpoint(1)).toMatchObject({ last_page: 3, total_pages: 3, pass_complete: true });
  });

  it('keeps reading past a short page that is not the last by total, and records it as a gap', async () => {
    const h = harness({ systems: 90 });
    h.api.totalOverride = 110; // 5 pages by total; page 4 holds 15 of 25, page 5 is empty
    const result = await h.run({ targetPct: 80 });

    expect(result.calls).toEqual([1, 2, 3, 4, 5, 4]); // the sweep reads page 4 again
    expect(h.store.listGaps(1)).toMatchObject([{ page_num: 4, error_type: 'unknown_error', resolved: true }]);
    expect(h.store.listGaps(1)[0]?.error_message).toContain('15 of 25 records before the last page');
    expect(result.summary).toMatchObject({ outcome: 'target_met', systemsExtracted: 90 });
  });

  it('does not take a page with rejected records for a short page', async () => {
    const h = harness({ systems: 100 });
    const full = h.api.pageOf(2);
    h.api.script(2, {
      kind: 'ok',
      failedAttempts: 0,
      page: { ...full, records: full.records.slice(1), receivedCount: 25 },
    });
    const result = await h.run({ targetPct: 90 });

    expect(result.calls).toEqual([1, 2, 3, 4]);
    expect(result.summary).toMatchObject({ outcome: 'target_met', systemsExtracted: 99 });
  });

  it('stops when a page repeats page 1 (wrap-around), also when page 1 was read by an earlier run', async () => {
    const h = harness({ systems: 100 });
    h.api.totalOverride = 1000;
    h.api.pastLastPage = 'wrap';
    const first = await h.run({ batchPages: 2, targetPct: 5 });
    expect(first.calls).toEqual([1, 2]);
    const second = await h.run({ targetPct: 5 });

    expect(second.calls).toEqual([2, 3, 4, 5]); // drift probe, then 3, 4 and 5 (= page 1 again)
    expect(h.store.getCheckpoint(1)).toMatchObject({ last_page: 4, pass_complete: true });
    expect(second.summary).toMatchObject({ outcome: 'target_met', systemsExtracted: 100, pagesOk: 2 });
    expect(h.store.allIds(1)).toEqual(h.api.ids);
  });

  it('detects wrap-around within one run', async () => {
    const h = harness({ systems: 60, limit: 20 });
    h.api.totalOverride = 600;
    h.api.pastLastPage = 'wrap';
    const result = await h.run({ targetPct: 5 });

    expect(result.calls).toEqual([1, 2, 3, 4]);
    expect(h.store.getCheckpoint(1)?.last_page).toBe(3);
  });

  it('closes a pass below target with no gaps to retry as partial, and starts a new snapshot next', async () => {
    const h = harness({ systems: 90 });
    // 8 pages by total: 4 comes back short and 5-7 empty (gaps); their sweep reads them again and
    // keeps what they hold, so the pass closes below target in one run.
    h.api.totalOverride = 200;
    const result = await h.run();

    expect(result.summary).toMatchObject({ outcome: 'below_target', targetMet: false, coveragePct: 45 });
    const snapshot = h.store.currentSnapshot();
    expect(snapshot?.status).toBe('failed');
    expect(snapshot?.error_message).toContain('below the 95% target');
    const next = await h.run({ batchPages: 1 });
    expect(next.summary.snapshotId).toBe(2);
    expect(next.calls).toEqual([1]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Gaps and sweeps

describe('gaps and gap sweeps', () => {
  it('records a failed page as a gap and recovers it in the sweep at the end of the pass', async () => {
    const h = harness({ systems: 100 });
    h.api.script(2, gap('json_parse_error'));
    const result = await h.run();

    expect(result.calls).toEqual([1, 2, 3, 4, 2]);
    expect(fieldsOf(result, 'page_skipped')).toEqual([
      { page: 2, error_type: 'json_parse_error', attempts: 3 },
    ]);
    expect(observedOf(result, 'pageFailed')).toEqual([
      { page: 2, attempts: 3, errorType: 'json_parse_error', httpStatus: 200 },
    ]);
    expect(fieldsOf(result, 'gap_recovered')).toEqual([{ page: 2, sweep: 1, systems: 25 }]);
    expect(h.store.listGaps(1)).toEqual([
      expect.objectContaining({
        page_num: 2,
        error_type: 'json_parse_error',
        attempts: 4,
        retry_sweeps: 1,
        resolved: true,
      }),
    ]);
    expect(result.summary).toMatchObject({
      outcome: 'target_met',
      pagesAttempted: 5,
      pagesOk: 4,
      pagesFailed: 1,
      systemsExtracted: 100,
    });
    expect(fieldsOf(result, 'extraction_progress').at(-1)).toMatchObject({ errors_total: 3 });
    expect(h.store.currentSnapshot()?.status).toBe('success');
  });

  it('sweeps a lost page up to 3 times, one sweep per run, then closes the snapshot as failed', async () => {
    const h = harness({ systems: 100 });
    h.api.script(2, gap(), gap(), gap(), gap(), gap());
    const first = await h.run();
    expect(first.calls).toEqual([1, 2, 3, 4, 2]);
    expect(first.summary).toMatchObject({ outcome: 'batch_complete', coveragePct: 75 });
    expect(h.store.listGaps(1)[0]).toMatchObject({ retry_sweeps: 1, resolved: false, attempts: 6 });
    expect(h.store.currentSnapshot()?.status).toBe('partial');

    const second = await h.run();
    expect(second.calls).toEqual([2]); // the pass is complete: no drift probe, no paging, one sweep
    expect(second.summary.outcome).toBe('batch_complete');
    expect(h.store.listGaps(1)[0]).toMatchObject({ retry_sweeps: 2, resolved: false });

    const third = await h.run();
    expect(third.calls).toEqual([2]);
    expect(third.summary).toMatchObject({ outcome: 'below_target', targetMet: false, coveragePct: 75 });
    expect(h.store.listGaps(1)[0]).toMatchObject({
      retry_sweeps: 3,
      resolved: false,
      attempts: 12,
      error_type: '5xx_server_error',
      error_message: '5xx_server_error on every attempt',
      response_sample: '<html>oops</html>',
    });
    const closed = h.store.currentSnapshot();
    expect(closed).toMatchObject({ snapshot_id: 1, status: 'failed' });
    expect(closed?.error_message).toBe(
      'pass complete at 75% coverage, below the 95% target after 3 gap sweeps',
    );

    // The next run starts a new pass; the failed snapshot and its gap report are kept.
    const fourth = await h.run({ batchPages: 2 });
    expect(fourth.summary.snapshotId).toBe(2);
    expect(fourth.calls).toEqual([1, 2]);
    expect(fieldsOf(fourth, 'batch_start')[0]).toMatchObject({ start_page: 1, resumed: false });
    expect(h.store.listGaps(1)).toHaveLength(1);
    expect(h.store.countSystems(1)).toBe(75);
  });

  it('recovers a gap in a later sweep', async () => {
    const h = harness({ systems: 100 });
    h.api.script(3, gap(), gap());
    await h.run();
    const second = await h.run();

    expect(fieldsOf(second, 'gap_recovered')).toEqual([{ page: 3, sweep: 2, systems: 25 }]);
    expect(second.summary).toMatchObject({ outcome: 'target_met', systemsExtracted: 100 });
    expect(h.store.listGaps(1)[0]).toMatchObject({ retry_sweeps: 2, resolved: true, attempts: 7 });
  });

  it('keeps the snapshot open while a gap has not had its sweep, even when the target is met', async () => {
    const h = harness({ systems: 2000 }); // 80 pages; one lost page is 98.75%
    h.api.script(40, gap());
    const first = await h.run({ batchPages: 80 }); // the budget ends with the pass: no sweep this run

    expect(first.calls).toEqual(range(1, 80));
    expect(first.summary).toMatchObject({ outcome: 'batch_complete', targetMet: false, coveragePct: 98.7 });
    expect(h.store.currentSnapshot()?.status).toBe('partial');
    expect(h.store.getCheckpoint(1)?.pass_complete).toBe(true);

    const second = await h.run({ batchPages: 80 });
    expect(second.calls).toEqual([40]);
    expect(second.summary).toMatchObject({ outcome: 'target_met', systemsExtracted: 2000 });
    expect(h.store.currentSnapshot()?.status).toBe('success');
  });

  it('closes the snapshot as success when the target is met and every gap had a sweep, lost or not', async () => {
    const h = harness({ systems: 2000 });
    h.api.script(40, gap(), gap());
    const result = await h.run({ batchPages: 100 });

    expect(result.calls).toEqual([...range(1, 80), 40]);
    expect(result.summary).toMatchObject({
      outcome: 'target_met',
      systemsExtracted: 1975,
      coveragePct: 98.7,
    });
    expect(h.store.listGaps(1)[0]).toMatchObject({ page_num: 40, resolved: false, retry_sweeps: 1 });
  });

  it('resumes a sweep cut short by the batch budget', async () => {
    const h = harness({ systems: 100 });
    h.api.script(2, gap());
    h.api.script(3, gap());
    const first = await h.run({ batchPages: 5 });
    expect(first.calls).toEqual([1, 2, 3, 4, 2]);
    expect(first.summary.outcome).toBe('batch_complete');
    const second = await h.run({ batchPages: 5 });

    expect(second.calls).toEqual([3]);
    expect(second.summary.outcome).toBe('target_met');
    expect(h.store.listGaps(1).map((row) => [row.page_num, row.resolved, row.retry_sweeps])).toEqual([
      [2, true, 1],
      [3, true, 1],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Deferral, interruption and errors

describe('deferral, interruption and errors', () => {
  it('commits and defers when a page says come back later', async () => {
    const h = harness({ systems: 1000 });
    h.api.script(13, {
      kind: 'defer',
      reason: 'rate_limited',
      retryAfterS: 600,
      message: 'Retry-After 600 s is above the 300 s limit',
      failedAttempts: 1,
    });
    const result = await h.run();

    expect(result.calls).toEqual(range(1, 13));
    expect(result.summary).toMatchObject({
      outcome: 'deferred',
      systemsExtracted: 300,
    });
    expect(fieldsOf(result, 'run_deferred')).toEqual([
      { reason: 'rate_limited', retry_after_s: 600, message: 'Retry-After 600 s is above the 300 s limit' },
    ]);
    expect(fieldsOf(result, 'checkpoint_commit').map((event) => event.last_page)).toEqual([10, 12]);
    expect(h.store.getCheckpoint(1)?.last_page).toBe(12);
    expect(h.store.listGaps(1)).toEqual([]); // a deferred page is not a gap

    const next = await h.run({ batchPages: 2 });
    expect(next.calls).toEqual([12, 13, 14]);
  });

  it('defers from inside a gap sweep and sweeps the page next run', async () => {
    const h = harness({ systems: 100 });
    h.api.script(2, gap(), {
      kind: 'defer',
      reason: 'daily_quota',
      retryAfterS: null,
      message: 'daily quota',
      failedAttempts: 1,
    });
    const result = await h.run();

    expect(result.calls).toEqual([1, 2, 3, 4, 2]);
    expect(result.summary.outcome).toBe('deferred');
    expect(fieldsOf(result, 'run_deferred')[0]).toMatchObject({ reason: 'daily_quota' });
    expect(h.store.getCheckpoint(1)).toMatchObject({ last_page: 4, pass_complete: true });
    expect(h.store.listGaps(1)[0]).toMatchObject({ retry_sweeps: 0, resolved: false });

    const next = await h.run();
    expect(next.calls).toEqual([2]);
    expect(next.summary.outcome).toBe('target_met');
  });

  it('stops on the abort signal, commits the buffered pages and reports interrupted', async () => {
    const h = harness({ systems: 1000 });
    const controller = new AbortController();
    h.api.beforeAnswer = (page) => {
      if (page === 14) controller.abort(new Error('received SIGTERM'));
    };
    h.api.script(14, (signal) => Promise.reject(signal.reason as Error));
    const result = await h.run({ signal: controller.signal });

    expect(result.calls).toEqual(range(1, 14));
    expect(result.summary).toMatchObject({
      outcome: 'interrupted',
      systemsExtracted: 325,
      changedData: true,
    });
    expect(fieldsOf(result, 'run_deferred')).toEqual([
      { reason: 'interrupted', retry_after_s: null, message: 'stopped by signal; state saved' },
    ]);
    expect(h.store.getCheckpoint(1)?.last_page).toBe(13);
    expect(h.store.countSystems(1)).toBe(325);
  });

  it('writes nothing when the run lost its lock to another run', async () => {
    const h = harness({ systems: 500 });
    const controller = new AbortController();
    h.api.beforeAnswer = (page) => {
      if (page === 5) controller.abort(new ExtractorError('lock_held', 'lock taken over'));
    };
    const result = await h.run({ signal: controller.signal });

    expect(result.summary.outcome).toBe('interrupted');
    expect(h.store.getCheckpoint(1)?.last_page).toBe(0);
    expect(h.store.countSystems(1)).toBe(0);
    expect(fieldsOf(result, 'run_deferred')).toEqual([
      { reason: 'lock_held', retry_after_s: null, message: 'lock taken over' },
    ]);
  });

  it('stops after the current page when the signal arrives while a page completes', async () => {
    const h = harness({ systems: 1000 });
    const controller = new AbortController();
    h.api.beforeAnswer = (page) => {
      if (page === 4) controller.abort(new Error('received SIGINT'));
    };
    const result = await h.run({ signal: controller.signal });

    expect(result.summary.outcome).toBe('interrupted');
    expect(result.calls.filter((page) => page > 4)).toEqual([]);
    expect(h.store.getCheckpoint(1)?.last_page).toBe(4);
    expect(h.store.countSystems(1)).toBe(100);
  });

  it('stops a gap sweep after the current page on the abort signal', async () => {
    const h = harness({ systems: 100 });
    const controller = new AbortController();
    h.api.script(2, gap(), () => {
      controller.abort(new Error('received SIGTERM'));
      return Promise.resolve(gap());
    });
    h.api.script(3, gap());
    const result = await h.run({ signal: controller.signal });

    expect(result.calls).toEqual([1, 2, 3, 4, 2]);
    expect(result.summary.outcome).toBe('interrupted');
    // The page swept before the signal counts; the other gap waits for the next run.
    expect(h.store.listGaps(1).map((row) => [row.page_num, row.retry_sweeps])).toEqual([
      [2, 1],
      [3, 0],
    ]);
  });

  it('stops when aborted while taking the batch token, before any page', async () => {
    const h = harness({ systems: 100 });
    const controller = new AbortController();
    h.failTokens(() => {
      controller.abort(new Error('received SIGINT'));
      return Promise.reject(new Error('aborted'));
    });
    const result = await h.run({ signal: controller.signal });

    expect(result.summary).toMatchObject({ outcome: 'interrupted', pagesAttempted: 0, changedData: false });
    expect(result.calls).toEqual([]);
  });

  it.each([
    ['token_budget_exhausted', 'token_budget'],
    ['token_throttled', 'token_throttled'],
  ] as const)('defers on %s from the token lifecycle', async (code, reason) => {
    const h = harness({ systems: 100 });
    h.failTokens(() => Promise.reject(new ExtractorError(code, `token problem: ${code}`)));
    const result = await h.run();

    expect(result.summary.outcome).toBe('deferred');
    expect(result.calls).toEqual([]);
    expect(fieldsOf(result, 'run_deferred')).toEqual([
      { reason, retry_after_s: null, message: `token problem: ${code}` },
    ]);
  });

  it('defers on a token problem in the middle of a batch, keeping the pages already read', async () => {
    const h = harness({ systems: 1000 });
    h.api.script(7, () => Promise.reject(new ExtractorError('token_throttled', 'Access Denied')));
    const result = await h.run();

    expect(result.summary.outcome).toBe('deferred');
    expect(h.store.getCheckpoint(1)?.last_page).toBe(6);
    expect(h.store.countSystems(1)).toBe(150);
  });

  it('commits what it has and rethrows any other error', async () => {
    const h = harness({ systems: 1000 });
    const fatal = new ExtractorError('auth_aborted', 'three consecutive auth failures');
    h.api.script(13, () => Promise.reject(fatal));
    await expect(h.run()).rejects.toBe(fatal);

    expect(h.store.getCheckpoint(1)?.last_page).toBe(12);
    expect(h.store.countSystems(1)).toBe(300);
    const next = await h.run({ batchPages: 1 });
    expect(next.calls).toEqual([12, 13]);
  });

  it('rethrows the original error when the final commit fails too', async () => {
    const h = harness({ systems: 1000 });
    const boom = new Error('disk gone');
    h.api.script(3, () => {
      h.store.close();
      return Promise.reject(boom);
    });
    await expect(h.run()).rejects.toBe(boom);
  });
});

// ---------------------------------------------------------------------------------------------------
// Snapshot choice, corruption, coverage

describe('snapshot choice and checkpoint validation', () => {
  it('--reset starts a new snapshot at page 1 and keeps the old one', async () => {
    const h = harness({ systems: 100 });
    await h.run();
    const reset = await h.run({ reset: true, batchPages: 2 });

    expect(reset.summary).toMatchObject({ snapshotId: 2, outcome: 'batch_complete' });
    expect(reset.calls).toEqual([1, 2]);
    expect(fieldsOf(reset, 'batch_start')[0]).toMatchObject({ start_page: 1, resumed: false });
    expect(h.store.currentSnapshot()).toMatchObject({ snapshot_id: 2, status: 'partial' });
    expect(h.store.countSystems(1)).toBe(100);
    expect(h.store.countSystems(2)).toBe(50);
  });

  it('--reset in the middle of a pass abandons it for a new one', async () => {
    const dbPath = tempDbPath();
    const h = harness({ systems: 1000, dbPath });
    await h.run({ batchPages: 5 });
    const reset = await h.run({ reset: true, batchPages: 3 });

    expect(reset.calls).toEqual([1, 2, 3]);
    expect(reset.summary.snapshotId).toBe(2);
    expect(h.store.getCheckpoint(1)?.last_page).toBe(5);
    // The abandoned pass is closed, not left `partial` forever.
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare('SELECT status, error_message FROM snapshots WHERE snapshot_id = 1').get()).toEqual({
      status: 'failed',
      error_message: 'superseded by --reset',
    });
    db.close();
  });

  it.each([
    ['last_page = 999', 'last_page 999 is beyond the last page 40', { last_page: 999, coverage_pct: 25 }],
    ['coverage_pct = 140', 'coverage_pct 140 is outside 0..100', { last_page: 10, coverage_pct: 140 }],
  ])('detects a corrupt checkpoint (%s), resets it and still ends correct', async (sql, reason, logged) => {
    const dbPath = tempDbPath();
    const h = harness({ systems: 1000, dbPath });
    await h.run({ batchPages: 10 });
    const db = new Database(dbPath);
    db.prepare(`UPDATE extraction_checkpoints SET ${sql} WHERE snapshot_id = 1`).run();
    db.close();

    const result = await h.run({ batchPages: 100 });
    expect(fieldsOf(result, 'checkpoint_corruption')).toEqual([
      { reason, ...logged, action: 'reset_to_page_0' },
    ]);
    expect(result.events[0]).toMatchObject({ type: 'checkpoint_corruption', snapshotId: 1 });
    // A reset pass starts again at page 1 (no drift probe of a page it cannot trust).
    expect(result.calls).toEqual(range(1, 40));
    expect(fieldsOf(result, 'batch_start')[0]).toMatchObject({ start_page: 1, resumed: false });
    expect(result.summary).toMatchObject({ outcome: 'target_met', snapshotId: 1, systemsExtracted: 1000 });
    expect(h.store.allIds(1)).toEqual(h.api.ids);
  });

  it('warns with coverage_decreased when coverage dropped since the last run', async () => {
    const h = harness({ systems: 100 });
    const first = await h.run({ batchPages: 2 });
    expect(typesOf(first)).not.toContain('coverage_decreased');
    h.api.mutate({ add: 900 }); // total 100 → 1000: 75 of 1000 after the next page

    const second = await h.run({ batchPages: 1 });
    expect(fieldsOf(second, 'coverage_decreased')).toEqual([{ previous_pct: 50, current_pct: 7.5 }]);
    expect(second.summary.outcome).toBe('batch_complete'); // a warning, extraction goes on
    expect(h.store.getCheckpoint(1)?.previous_coverage_pct).toBe(7.5);

    const third = await h.run({ batchPages: 1 });
    expect(typesOf(third)).not.toContain('coverage_decreased');
  });

  it('keeps a completed pass valid when a gap sweep sees the total shrink', async () => {
    const h = harness({ systems: 1000 }); // 40 pages
    for (const page of range(5, 20)) h.api.script(page, gap(), gap(), gap());
    h.api.script(4, gap(), gap()); // lost in the pass and in sweep 1, recovered in sweep 2
    await h.run({ batchPages: 100 });
    expect(h.store.getCheckpoint(1)).toMatchObject({ last_page: 40, pass_complete: true });

    h.api.mutate({ removeFromPages: { pages: [40], count: 25 } }); // 975 systems: 39 pages now
    const second = await h.run({ batchPages: 100 });
    expect(fieldsOf(second, 'gap_recovered').map((event) => event.page)).toEqual([4]);
    expect(second.summary).toMatchObject({ outcome: 'batch_complete', totalSystems: 975 });
    expect(h.store.getCheckpoint(1)).toMatchObject({ last_page: 39, total_pages: 39, pass_complete: true });
    // The stored position must still validate: the next run continues the sweeps, not the pass.
    const third = await h.run({ batchPages: 100 });
    expect(typesOf(third)).not.toContain('checkpoint_corruption');
    expect(third.calls).toEqual(range(5, 20));
  });
});

// ---------------------------------------------------------------------------------------------------
// Drift

describe('page drift at resume', () => {
  it('steps back when systems were removed from earlier pages, and ends with every system', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 20 });
    h.api.mutate({ removeFromPages: { pages: [2, 3, 4], count: 10 }, add: 10 });
    // 30 fewer before page 20: it now holds 25 ids never seen (old 505-529); page 19 holds old
    // 480-504, 20 of them known, so the pass lines up again there.
    const second = await h.run({ batchPages: 100 });

    expect(second.calls.slice(0, 3)).toEqual([20, 19, 21]);
    expect(fieldsOf(second, 'page_drift_detected')).toEqual([
      { page: 20, shift_pages: 1, resume_page: 21, matched: true },
    ]);
    expect(second.summary.outcome).toBe('target_met');
    const stored = new Set(h.store.allIds(1));
    expect(h.api.ids.filter((id) => !stored.has(id))).toEqual([]);
  });

  it('re-reads the pass from page 1 when stepping back 10 pages does not realign', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 20 });
    h.api.mutate({ removeFromPages: { pages: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], count: 25 } });
    const second = await h.run({ batchPages: 1 });

    expect(second.calls).toEqual([...range(11, 20).reverse(), 1]);
    expect(fieldsOf(second, 'page_drift_detected')).toEqual([
      { page: 20, shift_pages: 9, resume_page: 1, matched: false },
    ]);
    const third = await h.run({ batchPages: 100 });
    expect(third.summary.outcome).toBe('target_met');
    expect(h.store.knownIds(1, h.api.ids).size).toBe(h.api.ids.length);
    // What the re-read pages hold now is stored with the batch.
    const reread = h.api.pageOf(11).records.map((record) => record.resource_id);
    expect(h.store.knownIds(1, reread).size).toBe(25);
  });

  it('stores the re-read page when additions shifted ids forward', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 20 });
    h.api.prepend(5);
    const second = await h.run({ batchPages: 1 });

    expect(second.calls).toEqual([20, 21]);
    expect(fieldsOf(second, 'page_drift_detected')).toEqual([
      { page: 20, shift_pages: 0, resume_page: 21, matched: true },
    ]);
  });

  it('steps back when the last committed page is now partly past the end', async () => {
    const h = harness({ systems: 510 }); // 21 pages
    await h.run({ batchPages: 20 });
    h.api.mutate({ removeFromPages: { pages: [1], count: 25 } }); // 485 left: page 20 holds 10
    const second = await h.run({ batchPages: 5 });

    expect(second.calls).toEqual([20, 19, 21]);
    expect(fieldsOf(second, 'page_drift_detected')).toEqual([
      { page: 20, shift_pages: 1, resume_page: 21, matched: true },
    ]);
    expect(second.summary.outcome).toBe('target_met');
    expect(h.store.knownIds(1, h.api.ids).size).toBe(485);
  });

  it('re-reads an unreadable probe page in the pass instead of skipping the drift check', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 20 });
    h.api.script(20, gap());
    const second = await h.run({ batchPages: 2 });

    expect(second.calls).toEqual([20, 20, 21]);
    expect(typesOf(second)).not.toContain('page_drift_detected');
    expect(h.store.listGaps(1)).toEqual([]);
  });

  it('does not step back past page 1', async () => {
    const h = harness({ systems: 1000 });
    await h.run({ batchPages: 3 });
    h.api.mutate({ removeFromPages: { pages: [1, 2, 3], count: 25 } });
    const second = await h.run({ batchPages: 1 });

    expect(second.calls).toEqual([3, 2, 1, 4]);
    // Stepping back to page 1 re-read everything before the probe, so nothing can be missing.
    expect(fieldsOf(second, 'page_drift_detected')).toEqual([
      { page: 3, shift_pages: 2, resume_page: 4, matched: true },
    ]);
  });
});

describe('drift during a pass, re-read gap pages, empty inventory', () => {
  it('re-checks the previous page when total drops mid-pass, so removals cannot hide a system', async () => {
    const h = harness({ systems: 500 });
    h.api.beforeAnswer = (page) => {
      // While the pass is at page 10, 30 systems disappear from pages 2-4: everything after shifts back.
      if (page === 10 && h.api.ids.length === 500)
        h.api.mutate({ removeFromPages: { pages: [2, 3, 4], count: 10 } });
    };
    const result = await h.run({ batchPages: 100 });

    // Page 10 reports the smaller total, so page 9 is re-read (drift) and then page 8 (all unseen).
    expect(result.calls.slice(9, 13)).toEqual([10, 9, 8, 11]);
    expect(fieldsOf(result, 'page_drift_detected')[0]).toMatchObject({ page: 9, matched: true });
    const stored = new Set(h.store.allIds(1));
    expect(h.api.ids.filter((id) => !stored.has(id))).toEqual([]);
    expect(result.summary.outcome).toBe('target_met');
  });

  it('does not re-check on a total drop seen only between runs (the resume drift check covers it)', async () => {
    const h = harness({ systems: 500 });
    await h.run({ batchPages: 5 });
    h.api.mutate({ removeFromPages: { pages: [1], count: 1 } });
    const second = await h.run({ batchPages: 3 });
    expect(second.calls).toEqual([5, 6, 7, 8]);
  });

  it('resolves an open gap when the paging pass reads its page again after a checkpoint reset', async () => {
    const path = tempDbPath();
    const h = harness({ systems: 100, dbPath: path });
    h.api.script(2, gap());
    await h.run({ batchPages: 2 });
    expect(h.store.listGaps(1)[0]).toMatchObject({ page_num: 2, resolved: false });
    const db = new Database(path);
    db.prepare('UPDATE extraction_checkpoints SET last_page = 999').run();
    db.close();
    const second = await h.run({ batchPages: 10 });

    expect(typesOf(second)).toContain('checkpoint_corruption');
    expect(h.store.listGaps(1)[0]).toMatchObject({ page_num: 2, resolved: true });
    expect(second.summary.outcome).toBe('target_met');
  });

  it('catches systems shifted back when removals and additions happen together mid-pass', async () => {
    const h = harness({ systems: 500 });
    h.api.beforeAnswer = (page) => {
      // 4 systems leave pages 1-2 and 5 arrive at the end: the total rises, yet everything shifts back.
      if (page === 8 && h.api.ids.length === 500)
        h.api.mutate({ removeFromPages: { pages: [1, 2], count: 2 }, add: 5 });
    };
    const result = await h.run({ batchPages: 100 });

    expect(fieldsOf(result, 'page_drift_detected')).toHaveLength(1);
    const stored = new Set(h.store.allIds(1));
    expect(h.api.ids.filter((id) => !stored.has(id))).toEqual([]);
  });

  it('keeps a checkpoint valid when page 1 is a gap and no total is known yet', async () => {
    const h = harness({ systems: 100 });
    h.api.script(1, gap());
    await h.run({ batchPages: 1 });
    const second = await h.run({ batchPages: 1 });
    expect(typesOf(second)).not.toContain('checkpoint_corruption');
    expect(second.calls).toEqual([2]);
  });

  it('treats an empty inventory as complete instead of failing every run', async () => {
    const h = harness({ systems: 0 });
    const result = await h.run();
    expect(result.summary).toMatchObject({ outcome: 'target_met', coveragePct: 100, totalSystems: 0 });
    expect((await h.run()).summary.outcome).toBe('already_complete');
  });
});

describe('publishing guard', () => {
  it('does not publish a pass whose inventory shrank by more than the limit, unless allowed', async () => {
    const h = harness({ systems: 100 });
    expect((await h.run()).summary.outcome).toBe('target_met');
    h.api.ids = h.api.ids.slice(0, 40);
    const shrunk = await h.run({ reset: true });

    expect(shrunk.summary.outcome).toBe('below_target');
    expect(h.store.currentSnapshot()).toMatchObject({ snapshot_id: 2, status: 'failed' });
    expect(h.store.currentSnapshot()?.error_message).toContain('shrank from 100 to 40 systems');
    expect(fieldsOf(shrunk, 'extraction_failed')[0]).toMatchObject({
      error_type: 'inventory_shrank',
      exit_code: 2,
    });

    const allowed = await h.run({ maxShrinkPct: 100 });
    expect(allowed.summary).toMatchObject({ outcome: 'target_met', snapshotId: 3, systemsExtracted: 40 });
  });

  it('does not publish an empty inventory over a real one', async () => {
    const h = harness({ systems: 100 });
    await h.run();
    h.api.ids = [];
    expect((await h.run({ reset: true })).summary.outcome).toBe('below_target');
  });
});
