import type { RefreshTokenCredentials } from '../config/index.ts';
import { type Clock, errorCodeOf, ExtractorError, type FetchLike } from '../platform/index.ts';
import { computeBackoffMs } from '../retry/index.ts';
import type { TokenResponse } from './token-response.ts';
import { classifyTokenAnswer } from './token-answer.ts';

export interface TokenEndpointOptions {
  /** Zoho accounts server, no trailing slash (Config.accountsUrl). */
  accountsUrl: string;
  credentials: RefreshTokenCredentials;
  fetch: FetchLike;
  clock: Clock;
  /** Whole-request timeout per attempt, body included, ms. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Retry n waits computeBackoffMs(n, backoffBaseMs), the page loop's schedule (Config.backoffBaseMs). */
  backoffBaseMs: number;
  /** Retries after the first attempt for 5xx / network / non-JSON answers (LIMITS.tokenEndpointRetries, D3). */
  retries: number;
  /** Runs before every HTTP request (the persisted token budget); throwing stops the refresh. */
  beforeRequest?: () => Promise<void>;
}

/**
 * Zoho refresh-token grant: POST {accountsUrl}/oauth/v2/token. The secrets travel in a form body,
 * never in the URL, so no URL logging anywhere can leak them. Fatal answers (invalid_code,
 * invalid_client, Access Denied) are not retried: retrying would only burn Zoho's 10-per-10-minutes
 * budget. Throws ExtractorError: credentials_rejected | token_throttled | token_unavailable.
 */
export async function requestAccessToken(options: TokenEndpointOptions): Promise<TokenResponse> {
  const { accountsUrl, credentials, clock, signal } = options;
  const baseMs = options.backoffBaseMs;
  const attempts = 1 + options.retries;
  const url = `${accountsUrl}/oauth/v2/token`;
  let lastDetail = '';

  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await clock.sleep(computeBackoffMs(attempt - 1, baseMs), signal);
    await options.beforeRequest?.();
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      refresh_token: credentials.refreshToken,
    });
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const { combined, release } = untilEither(signal, timeout);
    try {
      const response = await options.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        // A redirect would resend the secrets to another host: treat it as an answer, not follow it.
        redirect: 'manual',
        signal: combined,
      });
      const answer = classifyTokenAnswer(response.status, await response.text(), accountsUrl);
      if (answer.kind === 'token') return answer.token;
      if (answer.kind === 'fatal') throw answer.error;
      lastDetail = answer.detail;
    } catch (error) {
      if (error instanceof ExtractorError) throw error;
      if (signal?.aborted === true) throw signal.reason;
      lastDetail = transportErrorDetail(error, options.timeoutMs);
    } finally {
      release();
    }
  }
  throw new ExtractorError(
    'token_unavailable',
    `token endpoint ${url} failed ${attempts} times (last: ${lastDetail}); the run stops, check the ` +
      'network and PMP_ACCOUNTS_URL',
  );
}

/**
 * A signal that aborts with the first of the run's signal and the per-request timeout. Not
 * AbortSignal.any: on Node 20 it kept one object per call alive on the run-long signal (issue 11);
 * here the one listener is removed by `release` when the attempt settles.
 */
function untilEither(
  run: AbortSignal | undefined,
  timeout: AbortSignal,
): { combined: AbortSignal; release: () => void } {
  if (run === undefined) return { combined: timeout, release: () => undefined };
  const controller = new AbortController();
  const forward = (source: AbortSignal) => (): void => {
    controller.abort(source.reason);
  };
  const onRun = forward(run);
  const onTimeout = forward(timeout);
  if (run.aborted) onRun();
  run.addEventListener('abort', onRun, { once: true });
  timeout.addEventListener('abort', onTimeout, { once: true });
  return {
    combined: controller.signal,
    release: () => {
      run.removeEventListener('abort', onRun);
      timeout.removeEventListener('abort', onTimeout);
    },
  };
}

/** Error name and errno code only: enough to diagnose, nothing from the request. */
function transportErrorDetail(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return 'network error';
  if (error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  // The node:http client's own whole-request timer (platform/http-request-error.ts).
  if ((error as { timedOut?: unknown }).timedOut === true) return `timed out after ${timeoutMs} ms`;
  const code = errorCodeOf(error.cause) ?? errorCodeOf(error);
  return code === null ? `network error (${error.name})` : `network error ${code}`;
}
