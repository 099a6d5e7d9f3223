/**
 * `pmp-extractor check` under PMP_PAGE_SIZE=auto (D74): one more request, the probe a pass would
 * make (page 1 at pagelimit=1000, one attempt), judged by the same rule, and said in one line.
 */
import type { ApiClient } from '../api/index.ts';
import { judgeBigPage } from '../extract/index.ts';
import type { EventLogger, Clock } from '../platform/index.ts';
import { fetchPageWithRetry, type RetryPolicy } from '../retry/index.ts';

export interface AutoPageSizeReport {
  /** The page size a pass would use: what the server honours, or the fallback. */
  pageSize: number;
  /** What the probe saw, for the report line. */
  detail: string;
}

export async function probePageSize(args: {
  client: Pick<ApiClient, 'fetchScanDetailsPage'>;
  accessToken: string;
  clock: Clock;
  logger: EventLogger;
  policy: RetryPolicy;
  signal: AbortSignal;
  sizes: { probe: number; base: number };
}): Promise<AutoPageSizeReport> {
  const { probe, base } = args.sizes;
  const outcome = await fetchPageWithRetry(1, {
    client: {
      fetchScanDetailsPage: (page, token, signal) =>
        args.client.fetchScanDetailsPage(page, token, signal, probe),
    },
    tokens: {
      getAccessToken: () => Promise.resolve(args.accessToken),
      // The check's one token was just accepted for page 1: a refusal now is the server's answer.
      refreshAfterAuthFailure: () => Promise.reject(new Error(`pagelimit=${probe} was refused`)),
    },
    clock: args.clock,
    logger: args.logger,
    policy: { ...args.policy, maxAttempts: 1 },
    signal: args.signal,
    onAttemptFailed: () => undefined,
  }).catch((error: unknown) => {
    if (args.signal.aborted) throw error;
    return { kind: 'refused' as const, message: error instanceof Error ? error.message : String(error) };
  });
  const fallBack = (why: string): AutoPageSizeReport => ({
    pageSize: base,
    detail: `pagelimit=${probe} failed (${why}); a pass falls back to ${base}`,
  });
  if (outcome.kind === 'refused') return fallBack(outcome.message);
  if (outcome.kind === 'gap') return fallBack(outcome.errorType);
  if (outcome.kind === 'defer') return fallBack(outcome.reason);
  const page = outcome.page;
  const verdict = judgeBigPage(base, {
    page: 1,
    requestSize: probe,
    probe: true,
    echoedPage: page.page,
    echoedLimit: page.limit,
    total: page.total,
    receivedCount: page.receivedCount,
    ids: page.ids,
  });
  if (verdict.kind === 'trouble') return fallBack(verdict.reason);
  const seen = `${page.receivedCount} records, limit ${page.limit} echoed for pagelimit=${probe}`;
  const how =
    verdict.clamp === 'none'
      ? 'honoured'
      : verdict.clamp === 'echoed'
        ? 'the cap the server echoes'
        : 'capped silently';
  return { pageSize: verdict.size, detail: `${verdict.size}, ${how} (${seen})` };
}
