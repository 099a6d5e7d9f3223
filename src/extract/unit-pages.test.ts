/** D74: unit pages out of big requests, the probe, and the fallback, against a scripted page source. */
import { describe, expect, it } from 'vitest';
import { recordingLogger, type RecordingLogger } from '../../test/support/recording-logger.ts';
import type { SystemRecord } from '../store/index.ts';
import { planPages, type StoredPageSize } from './page-size.ts';
import type { PageRequest, PageResult, PageSource, ParsedPage } from './ports.ts';
import { unitPageOf, UnitPages, type PageSizeSettled } from './unit-pages.ts';

const AUTO = { configured: 'auto' as const, probeSize: 1000, baseSize: 25 };
const signal = new AbortController().signal;
const idOf = (n: number): string => String(10_000_000_000_000_000n + BigInt(n));

/** An offset-paged inventory that serves at most `cap` records per page. */
class SizedApi implements PageSource {
  readonly calls: { page: number; request: PageRequest | undefined }[] = [];
  /** `echo`: the limit echoed is the cap; `silent`: it is what was asked. */
  clamp: 'echo' | 'silent' = 'echo';
  failBigPage: number | null = null;
  readonly ids: string[];
  cap: number;
  constructor(ids: string[], cap = 1000) {
    this.ids = ids;
    this.cap = cap;
  }

  lookupSystem(): Promise<PageResult> {
    return Promise.reject(new Error('no lookups here'));
  }

  fetchPage(
    page: number,
    _signal: AbortSignal,
    _logger: unknown,
    request?: PageRequest,
  ): Promise<PageResult> {
    this.calls.push({ page, request });
    const asked = request?.pageSize ?? 25;
    if (request?.singleAttempt === true && page === this.failBigPage) {
      const gap = { kind: 'gap', errorType: 'network_timeout', errorMessage: 'timed out' } as const;
      return Promise.resolve({ ...gap, responseSample: null, attempts: 1, httpStatus: null });
    }
    const served = Math.min(asked, this.cap);
    const slice = this.ids.slice((page - 1) * served, page * served);
    const parsed: ParsedPage = {
      page,
      limit: this.clamp === 'echo' ? served : asked,
      total: this.ids.length,
      records: slice.map((id): SystemRecord => ({ resource_id: id, columns: {}, raw_json: `{"id":${id}}` })),
      ids: slice,
      rejects: [],
      receivedCount: slice.length,
      recordsKey: 'scandetails',
    };
    return Promise.resolve({ kind: 'ok', page: parsed, failedAttempts: 0 });
  }
}

function reader(api: SizedApi, stored: StoredPageSize = { page_limit: null, probed_page_size: null }) {
  const settled: PageSizeSettled[] = [];
  const log = recordingLogger();
  const pages = new UnitPages(api, planPages(AUTO, stored), (change) => {
    settled.push(change);
    return Promise.resolve();
  });
  return { pages, settled, log };
}

/** Reads unit pages 1..last in order, as the paging loop does, and returns every id served. */
async function readAll(pages: UnitPages, log: RecordingLogger, last: number) {
  const ids: string[] = [];
  for (let page = 1; page <= last; page += 1) {
    const result = await pages.fetchPage(page, signal, log);
    if (result.kind !== 'ok') throw new Error(`page ${page}: ${result.kind}`);
    expect(result.page).toMatchObject({ page, limit: 25, total: 3362 });
    ids.push(...result.page.ids);
  }
  return ids;
}

const ofType = (log: RecordingLogger, type: string): Record<string, unknown>[] =>
  log.events.filter((event) => event.type === type).map((event) => event.fields);

const FLEET = Array.from({ length: 3362 }, (_, i) => idOf(i));

describe('UnitPages', () => {
  it('serves 135 pages of 25 from 4 requests when the server honours 1000', async () => {
    const api = new SizedApi(FLEET);
    const { pages, settled, log } = reader(api);
    expect(await readAll(pages, log, 135)).toEqual(FLEET);
    expect(api.calls.map((call) => [call.page, call.request?.pageSize, call.request?.singleAttempt])).toEqual(
      [
        [1, 1000, true],
        [2, 1000, true],
        [3, 1000, true],
        [4, 1000, true],
      ],
    );
    expect(api.calls.map((call) => call.request?.reportPage)).toEqual([1, 41, 81, 121]);
    expect(settled).toEqual([{ probed_page_size: 1000, page_size_fallback: null }]);
    expect(ofType(log, 'page_size_probed')).toEqual([
      { page_size_requested: 1000, limit_echoed: 1000, records: 1000, page_size: 1000, clamp: 'none' },
    ]);
  });

  it.each(['echo', 'silent'] as const)(
    'settles 25 for a server capped at 25 (%s), page 1 from the probe',
    async (clamp) => {
      const api = new SizedApi(FLEET, 25);
      api.clamp = clamp;
      const { pages, settled, log } = reader(api);
      expect(await readAll(pages, log, 135)).toEqual(FLEET);
      expect(api.calls).toHaveLength(135);
      expect(api.calls[0]?.request?.pageSize).toBe(1000);
      expect(
        api.calls.slice(1).every((call) => call.request?.pageSize === 25 && !call.request.singleAttempt),
      ).toBe(true);
      expect(settled).toEqual([{ probed_page_size: 25, page_size_fallback: null }]);
      expect(ofType(log, 'page_size_probed')[0]).toMatchObject({
        page_size: 25,
        clamp: clamp === 'echo' ? 'echoed' : 'silent',
      });
    },
  );

  it('uses a cap of 500 the server echoes', async () => {
    const api = new SizedApi(FLEET, 500);
    const { pages, settled, log } = reader(api);
    expect(await readAll(pages, log, 135)).toEqual(FLEET);
    expect(api.calls.map((call) => call.request?.pageSize)).toEqual([1000, 500, 500, 500, 500, 500, 500]);
    expect(settled).toEqual([{ probed_page_size: 500, page_size_fallback: null }]);
  });

  it('falls back to 25 at the page that failed, losing and repeating nothing', async () => {
    const api = new SizedApi(FLEET);
    api.failBigPage = 3;
    const { pages, settled, log } = reader(api);
    expect(await readAll(pages, log, 135)).toEqual(FLEET);
    const sizes = api.calls.map((call) => `${call.page}@${call.request?.pageSize}`);
    // Pages 81-135 of 25 are asked for one by one after big page 3 (systems 2,000-2,999) failed.
    expect(sizes.slice(0, 4)).toEqual(['1@1000', '2@1000', '3@1000', '81@25']);
    expect(sizes).toHaveLength(3 + 55);
    expect(settled.at(-1)).toEqual({
      probed_page_size: 25,
      page_size_fallback: 'pagelimit=1000 on page 3: network_timeout',
    });
    expect(ofType(log, 'page_size_fallback')).toEqual([
      {
        page: 81,
        page_size: 1000,
        fallback_page_size: 25,
        reason: 'pagelimit=1000 on page 3: network_timeout',
      },
    ]);
  });

  it('falls back when a big page after the probe comes back short', async () => {
    const api = new SizedApi(FLEET);
    const { pages, settled, log } = reader(api, { page_limit: 25, probed_page_size: 1000 });
    // Resumed at page 41: big page 2 answers with only 25 records, although the limit and total promise 1000.
    api.cap = 25;
    api.clamp = 'silent';
    const result = await pages.fetchPage(41, signal, log);
    expect(result).toMatchObject({ kind: 'ok', page: { page: 41, ids: FLEET.slice(1000, 1025) } });
    expect(api.calls.map((call) => `${call.page}@${call.request?.pageSize}`)).toEqual(['2@1000', '41@25']);
    expect(settled).toEqual([
      {
        probed_page_size: 25,
        page_size_fallback:
          'pagelimit=1000 on page 2: 25 records where limit 1000 and total 3362 promise 1000',
      },
    ]);
  });

  it('asks once more when the probe settles a size that does not hold the page', async () => {
    const api = new SizedApi(FLEET, 500);
    const { pages } = reader(api, { page_limit: 25, probed_page_size: null });
    const log = recordingLogger();
    // Page 81 (systems 2,000-2,024) is in big page 3 of 1000, but the server echoes 500: page 3 of 500 is 1,000-1,499.
    const result = await pages.fetchPage(81, signal, log);
    expect(result).toMatchObject({ kind: 'ok', page: { ids: FLEET.slice(2000, 2025) } });
    expect(api.calls.map((call) => `${call.page}@${call.request?.pageSize}`)).toEqual(['3@1000', '5@500']);
  });

  it('passes a fixed size through, every attempt, one request per page', async () => {
    const api = new SizedApi(FLEET);
    const pages = new UnitPages(
      api,
      planPages({ ...AUTO, configured: 100 }, { page_limit: null, probed_page_size: null }),
      () => Promise.resolve(),
    );
    await pages.fetchPage(7, signal, recordingLogger());
    expect(api.calls).toEqual([{ page: 7, request: { pageSize: 100, singleAttempt: false, reportPage: 7 } }]);
  });
});

describe('unitPageOf', () => {
  it('slices records, ids and rejects by their position in the big page', () => {
    const raw = ['a', 'b', 'x', 'c', 'd', 'y', 'e'];
    const kept = raw.filter((id) => id !== 'x' && id !== 'y');
    const big: ParsedPage = {
      page: 1,
      limit: 1000,
      total: 7,
      records: kept.map((id) => ({ resource_id: id, columns: {}, raw_json: id })),
      ids: kept,
      rejects: [
        { index: 2, reason: 'no id', raw_json: 'x' },
        { index: 5, reason: 'no id', raw_json: 'y' },
      ],
      receivedCount: 7,
      recordsKey: 'computers',
    };
    const span = { size: 1000, firstOffset: 0 };
    // Pages of 3: [a b x] [c d y] [e]
    expect(unitPageOf(big, span, 3, 1)).toMatchObject({
      ids: ['a', 'b'],
      receivedCount: 3,
      rejects: [{ index: 2 }],
    });
    expect(unitPageOf(big, span, 3, 2)).toMatchObject({
      ids: ['c', 'd'],
      receivedCount: 3,
      rejects: [{ index: 2 }],
    });
    expect(unitPageOf(big, span, 3, 3)).toMatchObject({
      page: 3,
      limit: 3,
      ids: ['e'],
      receivedCount: 1,
      rejects: [],
    });
    expect(unitPageOf(big, span, 3, 4)).toMatchObject({
      ids: [],
      records: [],
      receivedCount: 0,
      recordsKey: 'computers',
    });
  });
});
