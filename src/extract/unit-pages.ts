/**
 * The loop's page source under D74: it hands out pages of the pass's unit, whatever size the requests
 * use. A big request (auto's probe, then the size it settled) is made once, with one attempt, and
 * judged (page-size.ts); its unit pages are then served from it one by one, without a request, a
 * pacing slot or a token. On any sign of trouble the pass falls back to its unit for good: the page
 * asked for is requested again at that size with every attempt, and nothing of the big page is kept.
 * The run stores what was settled in the checkpoint (`onSettled`), so the next run of the pass does
 * not probe again.
 */
import type { EventLogger } from '../platform/index.ts';
import {
  bigPageOf,
  judgeBigPage,
  spanCovers,
  unitSlice,
  type BigPageFacts,
  type BigPageSpan,
  type PagePlan,
} from './page-size.ts';
import type { PageResult, PageSource, ParsedPage } from './ports.ts';

/** What the checkpoint keeps of a settled page size (D74). */
export interface PageSizeSettled {
  probed_page_size: number;
  /** Why the pass fell back to its unit; null when the probe found a size. */
  page_size_fallback: string | null;
}

interface CachedBigPage {
  span: BigPageSpan;
  page: ParsedPage;
}

/** Unit page `page` out of a big page that covers it (spanCovers). */
export function unitPageOf(big: ParsedPage, span: BigPageSpan, unit: number, page: number): ParsedPage {
  const { from, to } = unitSlice(span, unit, page);
  const end = Math.min(to, big.receivedCount);
  // records hold the accepted records in page order; rejects name their positions in the array.
  const rejectsBefore = (position: number): number =>
    big.rejects.filter((reject) => reject.index < position).length;
  const first = from - rejectsBefore(from);
  const last = Math.max(first, end - rejectsBefore(end));
  return {
    page,
    limit: unit,
    total: big.total,
    records: big.records.slice(first, last),
    ids: big.ids.slice(first, last),
    rejects: big.rejects
      .filter((reject) => reject.index >= from && reject.index < end)
      .map((reject) => ({ ...reject, index: reject.index - from })),
    receivedCount: Math.max(0, end - from),
    recordsKey: big.recordsKey,
  };
}

function factsOf(page: ParsedPage, big: number, size: number, probe: boolean): BigPageFacts {
  return {
    page: big,
    requestSize: size,
    probe,
    echoedPage: page.page,
    echoedLimit: page.limit,
    total: page.total,
    receivedCount: page.receivedCount,
    ids: page.ids,
  };
}

function troubleOf(result: Exclude<PageResult, { kind: 'ok' }>): string {
  if (result.kind === 'defer') return `${result.reason} (the API asked to come back later)`;
  return result.httpStatus === null ? result.errorType : `${result.errorType} (HTTP ${result.httpStatus})`;
}

export class UnitPages implements PageSource {
  #plan: PagePlan;
  #cached: CachedBigPage | null = null;
  readonly #inner: PageSource;
  readonly #onSettled: (settled: PageSizeSettled) => Promise<void>;

  constructor(inner: PageSource, plan: PagePlan, onSettled: (settled: PageSizeSettled) => Promise<void>) {
    this.#inner = inner;
    this.#plan = plan;
    this.#onSettled = onSettled;
  }

  get plan(): PagePlan {
    return this.#plan;
  }

  /** A lookup by id (D85) has no page size: passed through. */
  lookupSystem(resourceId: string, signal: AbortSignal, logger: EventLogger): Promise<PageResult> {
    return this.#inner.lookupSystem(resourceId, signal, logger);
  }

  async fetchPage(page: number, signal: AbortSignal, logger: EventLogger): Promise<PageResult> {
    const { unit } = this.#plan;
    // At most three turns: a probe that settles a size not covering `page` asks once more at that
    // size, and that answer is either usable (it covers `page` by construction) or a fallback.
    for (;;) {
      const cached = this.#cached;
      if (cached !== null && spanCovers(cached.span, unit, page)) {
        return { kind: 'ok', failedAttempts: 0, page: unitPageOf(cached.page, cached.span, unit, page) };
      }
      const size = this.#plan.requestSize;
      if (size <= unit) {
        return this.#inner.fetchPage(page, signal, logger, {
          pageSize: unit,
          singleAttempt: false,
          reportPage: page,
        });
      }
      const big = bigPageOf(page, unit, size);
      // Let go of the previous big page before the next one arrives: two at once would double the
      // memory a big page costs (a parsed page of 1000 is several MB).
      this.#cached = null;
      const result = await this.#inner.fetchPage(big, signal, logger, {
        pageSize: size,
        singleAttempt: true,
        reportPage: Math.floor(((big - 1) * size) / unit) + 1,
      });
      const verdict =
        result.kind === 'ok'
          ? judgeBigPage(unit, factsOf(result.page, big, size, this.#plan.probe))
          : { kind: 'trouble' as const, reason: `pagelimit=${size} on page ${big}: ${troubleOf(result)}` };
      if (verdict.kind === 'trouble' || result.kind !== 'ok') {
        const reason = verdict.kind === 'trouble' ? verdict.reason : 'unusable page';
        await this.#fallBack(page, size, reason, logger);
        continue;
      }
      this.#cached = { span: verdict, page: result.page };
      if (this.#plan.probe) {
        this.#plan = { unit, requestSize: verdict.size, probe: false };
        logger.emit('page_size_probed', {
          page_size_requested: size,
          limit_echoed: result.page.limit,
          records: result.page.receivedCount,
          page_size: verdict.size,
          clamp: verdict.clamp,
        });
        await this.#onSettled({ probed_page_size: verdict.size, page_size_fallback: null });
      }
    }
  }

  /** Trouble on a big page: the pass uses its unit from here on, and the checkpoint says why. */
  async #fallBack(page: number, size: number, reason: string, logger: EventLogger): Promise<void> {
    const { unit } = this.#plan;
    this.#cached = null;
    this.#plan = { unit, requestSize: unit, probe: false };
    logger.emit('page_size_fallback', { page, page_size: size, fallback_page_size: unit, reason });
    await this.#onSettled({ probed_page_size: unit, page_size_fallback: reason });
  }
}
