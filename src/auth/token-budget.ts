import { type Clock, type EventLogger, ExtractorError } from '../platform/index.ts';
import type { Store } from '../store/index.ts';

/** The two Store methods the budget needs; unit tests pass an in-memory fake. */
export type TokenBudgetStore = Pick<Store, 'recordTokenRequest' | 'countTokenRequestsSince'>;

export interface TokenBudgetOptions {
  store: TokenBudgetStore;
  clock: Clock;
  logger: EventLogger;
  /** Token requests allowed per window (Config.tokenBudget.maxRequests; Zoho's limit is 10). */
  maxRequests: number;
  /** Rolling window, ms (Config.tokenBudget.windowMs; 600 000 = Zoho's 10 minutes). */
  windowMs: number;
}

export interface TokenBudget {
  /** Spends one request or throws token_budget_exhausted (exit 3). Call right before each request. */
  take(): Promise<void>;
}

/**
 * Zoho blocks token creation for the rest of a 10-minute window after 10 requests, so the budget is
 * persisted in the database and shared by every process on it (cron runs, retries, --until-complete).
 * A request is recorded before it is sent, so one that crashes mid-flight still counts.
 */
export function createTokenBudget(options: TokenBudgetOptions): TokenBudget {
  const { store, clock, logger, maxRequests, windowMs } = options;
  return {
    async take() {
      const nowMs = clock.nowMs();
      const used = await store.countTokenRequestsSince(nowMs - windowMs);
      if (used >= maxRequests) {
        throw new ExtractorError(
          'token_budget_exhausted',
          `token budget spent: ${used} token requests in the last ${describeWindow(windowMs)}; ` +
            'the next run will continue',
        );
      }
      await store.recordTokenRequest(nowMs);
      logger.emit('token_budget', { used: used + 1, limit: maxRequests, window_s: windowMs / 1000 });
    },
  };
}

function describeWindow(windowMs: number): string {
  const minutes = windowMs / 60_000;
  return Number.isInteger(minutes) ? `${minutes} minutes` : `${windowMs / 1000} s`;
}
