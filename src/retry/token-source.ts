/**
 * What the retry loop needs from the token manager (implemented in src/auth). Both methods may throw
 * an ExtractorError (credentials_rejected, token_unavailable, token_throttled, token_budget_exhausted);
 * the loop lets it propagate. Neither ever puts the token into an error message.
 */
export interface TokenSource {
  /** A valid access token, refreshed first when older than 80% of its TTL (single flight). */
  getAccessToken(signal?: AbortSignal): Promise<string>;
  /** Force a refresh after a 401 / in-body auth error / 403 and return the new token. */
  refreshAfterAuthFailure(signal?: AbortSignal): Promise<string>;
}
