/**
 * The extraction loop in-process: runExtract over the REAL SQLite store (in memory, or a temp file
 * where a test edits rows behind the store's back), a scripted page source that plays a paged
 * inventory, a fake clock, a recording logger and a recording observer.
 */
import { afterEach } from 'vitest';
import type { EventMap, EventType } from '../../src/platform/index.ts';
import type { SystemRecord } from '../../src/store/index.ts';
import { openReadableStore, type ReadableStore } from './store-reads.ts';
import type {
  ExtractOptions,
  PageRequest,
  ParsedPage,
  PageResult,
  PageSource,
  RunObserver,
} from '../../src/extract/ports.ts';
import { runExtract } from '../../src/extract/run-extract.ts';
import type { RunSummary } from '../../src/extract/run-outcome.ts';
import { FakeClock } from './fake-clock.ts';
import { recordingLogger, type RecordedEvent } from './recording-logger.ts';
import { removeTempDir, tempDir } from './temp-dir.ts';
import { join } from 'node:path';
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
  /** Every request with its `pagelimit` (D74: big pages name theirs; others are `limit`). */
  readonly requests: { page: number; pageSize: number }[] = [];
  /** D74: most records a page serves (page N starts at (N-1) x min(asked, cap)), and how it echoes. */
  cap: { max: number; echo: 'cap' | 'asked' } = { max: 1000, echo: 'cap' };
  /** D74: big page numbers (pagelimit above `limit`) whose one attempt times out. */
  readonly failBigPages = new Set<number>();
  /** Every id looked up by `scandetails?resid=` (D85), in order. */
  readonly lookups: string[] = [];
  /** Answers of lookups, consumed in order (whatever the id), then the inventory's answer. */
  readonly lookupScript: Scripted[] = [];
  /** Runs just before a page is answered (to look at the store mid-run, or abort). */
  beforeAnswer: ((page: number) => void | Promise<void>) | null = null;
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

  async fetchPage(
    page: number,
    signal: AbortSignal,
    _logger?: unknown,
    request?: PageRequest,
  ): Promise<PageResult> {
    const asked = request?.pageSize ?? this.limit;
    this.calls.push(page);
    this.requests.push({ page, pageSize: asked });
    // Like the real retry loop: an aborted run does not start another attempt.
    signal.throwIfAborted();
    await this.beforeAnswer?.(page);
    if (asked > this.limit && this.failBigPages.has(page)) return timedOut();
    const next = asked > this.limit ? undefined : this.scripts.get(page)?.shift();
    if (next !== undefined) return typeof next === 'function' ? next(signal) : next;
    return { kind: 'ok', page: this.pageOf(page, asked), failedAttempts: 0 };
  }

  lookupSystem(resourceId: string, signal: AbortSignal): Promise<PageResult> {
    this.lookups.push(resourceId);
    signal.throwIfAborted();
    const next = this.lookupScript.shift();
    if (next !== undefined) return typeof next === 'function' ? next(signal) : Promise.resolve(next);
    const ids = this.ids.filter((id) => id === resourceId);
    return Promise.resolve({ kind: 'ok', page: this.answer(1, ids, ids.length), failedAttempts: 0 });
  }

  pageOf(page: number, asked = this.limit): ParsedPage {
    const size = Math.min(asked, this.cap.max);
    const pages = Math.max(1, Math.ceil(this.ids.length / size));
    const source = page > pages && this.pastLastPage === 'wrap' ? ((page - 1) % pages) + 1 : page;
    const slice = this.ids.slice((source - 1) * size, source * size);
    return this.answer(page, slice, undefined, this.cap.echo === 'cap' ? size : asked);
  }

  /** An envelope carrying `slice`; a lookup's total is what it found (the filter's total). */
  answer(
    page: number,
    slice: string[],
    total = this.totalOverride ?? this.ids.length,
    limit = this.limit,
  ): ParsedPage {
    return {
      page,
      limit,
      total,
      records: slice.map(recordOf),
      ids: slice,
      rejects: [],
      receivedCount: slice.length,
      recordsKey: 'scandetails',
    };
  }
}

function timedOut(): PageResult {
  const message = 'request timed out';
  return {
    kind: 'gap',
    errorType: 'network_timeout',
    errorMessage: message,
    responseSample: null,
    attempts: 1,
    httpStatus: null,
  };
}

export function gap(errorType: 'json_parse_error' | '5xx_server_error' = '5xx_server_error'): PageResult {
  return {
    kind: 'gap',
    errorType,
    errorMessage: `${errorType} on every attempt`,
    responseSample: '<html>oops</html>',
    attempts: 3,
    httpStatus: errorType === '5xx_server_error' ? 503 : 200,
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

export interface RunResult {
  summary: RunSummary;
  /** Pages this run requested. */
  calls: number[];
  events: RecordedEvent[];
  observed: ObserverCall[];
}

const openStores: ReadableStore[] = [];
const tempDirs: string[] = [];
afterEach(async () => {
  for (const store of openStores.splice(0)) await store.close();
  for (const dir of tempDirs.splice(0)) removeTempDir(dir);
});

export function harness(args: { systems: number; limit?: number; dbPath?: string }) {
  const store = openReadableStore({ path: args.dbPath ?? ':memory:' });
  openStores.push(store);
  const api = new FakeApi(args.systems, args.limit ?? 25);
  const clock = new FakeClock();
  let startBatch: (signal?: AbortSignal) => Promise<unknown> = () => Promise.resolve('token');
  let tokenStarts = 0;
  const run = async (options: Partial<ExtractOptions> = {}): Promise<RunResult> => {
    const events: RecordedEvent[] = [];
    const observed: ObserverCall[] = [];
    const callsBefore = api.calls.length;
    const summary = await runExtract(
      {
        store,
        pages: {
          fetchPage: (page, signal, _logger, request) => {
            clock.advance(1000);
            return api.fetchPage(page, signal, _logger, request);
          },
          lookupSystem: (resourceId, signal) => {
            clock.advance(1000);
            return api.lookupSystem(resourceId, signal);
          },
        },
        tokens: {
          startBatch: (signal) => {
            tokenStarts += 1;
            return startBatch(signal);
          },
        },
        clock,
        logger: recordingLogger(events),
        observer: recordingObserver(observed),
      },
      {
        batchPages: 50,
        targetPct: 95,
        commitEveryPages: 10,
        maxGapSweeps: 3,
        maxShrinkPct: 50,
        pageSizing: { configured: api.limit, probeSize: 1000, baseSize: 25 },
        refreshAfterMs: 0,
        keepSnapshots: 7,
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

export function tempDbPath(): string {
  const dir = tempDir('pmp-extract-');
  tempDirs.push(dir);
  return join(dir, 'pmp.db');
}

export function fieldsOf<K extends EventType>(result: RunResult, type: K): EventMap[K][] {
  return result.events.filter((event) => event.type === type).map((event) => event.fields as EventMap[K]);
}

export function typesOf(result: RunResult): EventType[] {
  return result.events.map((event) => event.type);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function observedOf<K extends keyof RunObserver>(
  result: RunResult,
  method: K,
): Parameters<RunObserver[K]>[0][] {
  return result.observed
    .filter((call) => call.method === method)
    .map((call) => call.info as Parameters<RunObserver[K]>[0]);
}

// ---------------------------------------------------------------------------------------------------
// Batches, resume and checkpoints
