/** Public surface of the retry layer: classification (D4), decisions, the page retry loop, pacing. */
export { computeBackoffMs } from './backoff.ts';
export type { AttemptFailure } from './classify.ts';
export { createPacer } from './pacer.ts';
export { fetchPageWithRetry, lookupWithRetry } from './page-attempts.ts';
export type { PageOutcome } from './page-attempts.ts';
export type { RetryPolicy } from './policy.ts';
export type { TokenSource } from './token-source.ts';
