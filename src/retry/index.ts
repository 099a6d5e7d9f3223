/** Public surface of the retry layer: classification (D4), decisions, the page retry loop, pacing. */
export { computeBackoffMs } from './backoff.ts';
export { classifyAttempt } from './classify.ts';
export type { AttemptFailure, Classification, ClassifyContext } from './classify.ts';
export { actionOf, decideNext } from './decide.ts';
export type { AttemptState, RetryDecision } from './decide.ts';
export { createPacer } from './pacer.ts';
export type { Pacer } from './pacer.ts';
export { fetchPageWithRetry } from './page-attempts.ts';
export type { PageOutcome, PageRetryContext } from './page-attempts.ts';
export { DEFAULT_RETRY_POLICY, MAX_CONSECUTIVE_AUTH_FAILURES } from './policy.ts';
export type { RetryPolicy } from './policy.ts';
export { parseRetryAfterMs } from './retry-after.ts';
export type { TokenSource } from './token-source.ts';
