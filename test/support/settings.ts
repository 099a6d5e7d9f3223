/**
 * The settings table's defaults for tests that build a module directly: production passes these
 * from Config (cli/compose-run.ts), and no module has a fallback of its own.
 */
import { basePageSize, loadConfig, type Config } from '../../src/config/index.ts';
import type { RetryPolicy } from '../../src/retry/index.ts';

/** Every setting at its default, as an empty environment yields it (home: /home/test). */
export const DEFAULT_CONFIG: Readonly<Config> = loadConfig({}, {}, '/home/test');

/** createApiClient's sizes and limits at their defaults. */
export const API_CLIENT_DEFAULTS = {
  timeoutMs: DEFAULT_CONFIG.requestTimeoutMs,
  maxBodyBytes: DEFAULT_CONFIG.maxBodyBytes,
  pageSize: basePageSize(DEFAULT_CONFIG.pageSize),
} as const;

/** The retry policy at its defaults: 3 attempts, 1000 ms base, 300 s Retry-After cap, 60 s throttle wait. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: DEFAULT_CONFIG.maxAttempts,
  backoffBaseMs: DEFAULT_CONFIG.backoffBaseMs,
  maxRetryAfterS: DEFAULT_CONFIG.maxRetryAfterS,
  throttleWaitMs: DEFAULT_CONFIG.throttleWaitMs,
};
