import { type EventLogger, isExtractorError, type TokenRefreshReason } from '../platform/index.ts';
import { createMint, type MintOptions } from './mint-token.ts';
import { createTokenBudget, type TokenBudgetStore } from './token-budget.ts';

export interface TokenManagerOptions extends Omit<MintOptions, 'budget'> {
  logger: EventLogger;
  /** Persisted token-request counter (the Store, or an in-memory fake in tests). */
  store: TokenBudgetStore;
  /** Token requests allowed per rolling window (Config.tokenBudget). */
  tokenBudget: { maxRequests: number; windowMs: number };
  /** Told every new access token, e.g. so the log scrubber can redact it. */
  onNewToken?: (accessToken: string) => void;
}

interface TokenManagerStats {
  /** Successful refreshes by reason. */
  refreshes: Record<TokenRefreshReason, number>;
  /** Failed refresh attempts by reason. */
  failures: Record<TokenRefreshReason, number>;
}

/** Structurally a `TokenSource` for the retry loop, plus batch start and metrics. */
export interface TokenManager {
  /**
   * The token for a batch: a fresh one for the first batch of this process (D3), spent from the
   * budget; later batches of the same process (--until-complete) reuse it while it is below the
   * proactive-refresh age (D40).
   */
  startBatch(signal?: AbortSignal): Promise<string>;
  /** The cached token, refreshed first when older than 80% of its TTL. Call before every request. */
  getAccessToken(signal?: AbortSignal): Promise<string>;
  /** Forced refresh after a 401 / in-body auth error. */
  refreshAfterAuthFailure(signal?: AbortSignal): Promise<string>;
  stats(): TokenManagerStats;
}

/** A token this close to its expiry is not worth keeping after a failed refresh, ms. */
const EXPIRY_MARGIN_MS = 60_000;
/** Wait after a failed proactive refresh before the next one, ms (each try spends token budget). */
const PROACTIVE_RETRY_DELAY_MS = 60_000;
/** Proactive refresh once a token has lived this share of its TTL (D3). */
const REFRESH_AT_TTL_SHARE = 0.8;
/** D3's conservative threshold when the issuer gives no TTL, ms. */
const UNKNOWN_TTL_THRESHOLD_MS = 45_000;

interface CachedToken {
  value: string;
  obtainedAtMs: number;
  ttlS: number | null;
}

/**
 * Token lifecycle of decision D3, modelled on google-auth's OAuth2Client (D25):
 * one cached token, early refresh, and one refresh in flight shared by every caller. Each refresh
 * attempt emits `token_refresh`; the token itself never appears in events or errors.
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { clock, logger } = options;
  const budget = createTokenBudget({
    store: options.store,
    clock,
    logger,
    maxRequests: options.tokenBudget.maxRequests,
    windowMs: options.tokenBudget.windowMs,
  });
  const mint = createMint({ ...options, budget });
  const source = options.credentials.kind;
  const counts: TokenManagerStats = {
    refreshes: { batch_start: 0, proactive: 0, '401': 0 },
    failures: { batch_start: 0, proactive: 0, '401': 0 },
  };
  let cached: CachedToken | null = null;
  let inFlight: Promise<string> | null = null;
  /** After a failed proactive refresh, the next one waits until this time (epoch ms). */
  let proactiveRetryAtMs = 0;

  async function refreshNow(reason: TokenRefreshReason, signal?: AbortSignal): Promise<string> {
    const startedMs = clock.nowMs();
    const tokenAgeS = cached === null ? null : roundS(startedMs - cached.obtainedAtMs);
    try {
      const token = await mint(signal);
      cached = { value: token.accessToken, obtainedAtMs: clock.nowMs(), ttlS: token.ttlS };
      counts.refreshes[reason]++;
      options.onNewToken?.(token.accessToken);
      logger.emit('token_refresh', {
        reason,
        success: true,
        token_age_s: tokenAgeS,
        ttl_s: token.ttlS,
        source,
      });
      return token.accessToken;
    } catch (error) {
      counts.failures[reason]++;
      const fields = { reason, success: false, token_age_s: tokenAgeS, ttl_s: null, source };
      logger.emit('token_refresh', { ...fields, error_message: safeMessage(error) }, 'ERROR');
      throw error;
    }
  }

  /** Joins the refresh in flight, whatever its reason, instead of starting a second one. */
  function refresh(reason: TokenRefreshReason, signal?: AbortSignal): Promise<string> {
    inFlight ??= refreshNow(reason, signal).finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  /**
   * A proactive refresh that fails (accounts server blip, throttling, budget spent) must not end a run
   * while the token in hand is still valid: keep using it, and try again a little later (D21).
   */
  function refreshEarly(current: CachedToken, signal?: AbortSignal): Promise<string> {
    return refresh('proactive', signal).catch((error: unknown) => {
      const validForMs =
        current.ttlS === null ? 0 : current.ttlS * 1000 - (clock.nowMs() - current.obtainedAtMs);
      if (signal?.aborted === true || validForMs <= EXPIRY_MARGIN_MS) throw error;
      proactiveRetryAtMs = clock.nowMs() + PROACTIVE_RETRY_DELAY_MS;
      return current.value;
    });
  }

  function isStale(token: CachedToken): boolean {
    const thresholdMs =
      token.ttlS === null ? UNKNOWN_TTL_THRESHOLD_MS : token.ttlS * 1000 * REFRESH_AT_TTL_SHARE;
    return clock.nowMs() - token.obtainedAtMs > thresholdMs;
  }

  function currentToken(signal?: AbortSignal): Promise<string> {
    if (inFlight !== null) return inFlight;
    // No token yet: the first batch of the process (or a caller that skipped startBatch) takes one.
    if (cached === null) return refresh('batch_start', signal);
    if (isStale(cached) && clock.nowMs() >= proactiveRetryAtMs) return refreshEarly(cached, signal);
    return Promise.resolve(cached.value);
  }

  return {
    startBatch: currentToken,
    getAccessToken: currentToken,
    refreshAfterAuthFailure: (signal) => refresh('401', signal),
    stats: () => ({ refreshes: { ...counts.refreshes }, failures: { ...counts.failures } }),
  };
}

/** Seconds with one decimal: enough for TTL calibration. */
function roundS(ms: number): number {
  return Math.round(ms / 100) / 10;
}

/** Our own errors are written to be safe; anything else is reduced to its name. */
function safeMessage(error: unknown): string {
  if (isExtractorError(error)) return error.message;
  return error instanceof Error ? error.name : 'unknown error';
}
