/**
 * Fixed values, not settings: no variable sets them (Zoho's, Slack's or our own terms). Kept beside
 * the settings table (settings.ts) so that no module hides a default of its own.
 */
export const LIMITS = {
  /** Zoho allows 10 access-token requests per 10 minutes and blocks the client beyond that. */
  zohoTokenLimit: 10,
  /** The rolling window of that limit, ms. */
  tokenBudgetWindowMs: 600_000,
  /** Token endpoint retries after the first attempt for 5xx / network / non-JSON answers (D3). */
  tokenEndpointRetries: 3,
  /** Per-POST timeout of a Slack notification (D9), ms. */
  slackTimeoutMs: 5000,
  /**
   * Body cap of a token-endpoint or Slack answer, bytes (D65): either is a few hundred bytes, so
   * 1 MB refuses only a hostile or broken peer.
   */
  textBodyMaxBytes: 1024 * 1024,
  /** Minimum spacing between Slack POSTs (D9: one per minute), ms; messages in between merge. */
  slackMinIntervalMs: 60_000,
  /** PMP_PAGE_SIZE=auto (D74): the `pagelimit` of the probe, the most the API documents. */
  autoPageSizeProbe: 1000,
  /** PMP_PAGE_SIZE=auto (D74): the page size of the pass and of the fallback, the API's own default. */
  autoPageSizeBase: 25,
  /** A hook still running after its time limit gets SIGTERM, then SIGKILL this much later, ms. */
  hookKillGraceMs: 5000,
} as const;
