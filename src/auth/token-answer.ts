import { ExtractorError, type ExtractorErrorCode } from '../platform/index.ts';
import {
  isPlausibleToken,
  isRecord,
  oversizedToken,
  parseTtlS,
  type TokenResponse,
} from './token-response.ts';

/** What one token-endpoint answer means (a value, not an exception: D25). */
export type TokenAnswer =
  | { kind: 'token'; token: TokenResponse }
  /** Transient: 5xx, non-JSON (an HTML error page), 429-free server trouble. `detail` is safe to log. */
  | { kind: 'retry'; detail: string }
  | { kind: 'fatal'; error: ExtractorError };

const THROTTLE_HINT =
  'Zoho is throttling token requests ("Access Denied": too many requests; it allows 10 per 10 minutes). ' +
  'Requests stopped to avoid a longer lock-out; the next run will continue (allow 10-30 minutes).';

/**
 * Classifies a token-endpoint answer per decision D3. Zoho reports errors inside HTTP 200 as often as
 * with 4xx, so the `error` key is checked first whatever the status. Messages carry only the status
 * and Zoho's error code, never the body (a success body holds the token).
 */
export function classifyTokenAnswer(status: number, bodyText: string, accountsUrl: string): TokenAnswer {
  if (status >= 300 && status < 400) {
    // Retrying cannot help, and each try would spend the token budget: the URL itself is wrong.
    return fatal(
      'token_unavailable',
      `The token endpoint at PMP_ACCOUNTS_URL (${accountsUrl}) answered with a redirect (HTTP ${status}); ` +
        'set PMP_ACCOUNTS_URL to the accounts server of your data centre, e.g. https://accounts.zoho.com.au.',
    );
  }
  const body = parseJson(bodyText);
  if (body === undefined) return { kind: 'retry', detail: `HTTP ${status} with a non-JSON body` };

  const error = typeof body['error'] === 'string' ? body['error'] : null;
  const description = typeof body['error_description'] === 'string' ? body['error_description'] : '';
  if (error === 'invalid_code') {
    return fatal(
      'credentials_rejected',
      `Zoho rejected the refresh token (invalid_code, HTTP ${status}): it was revoked, mistyped, or ` +
        'belongs to another client or data centre. Generate a new code for the Self Client at ' +
        'api-console.zoho.<tld>, exchange it for a refresh token, and update PMP_REFRESH_TOKEN or the ' +
        'credentials file.',
    );
  }
  if (error === 'invalid_client') {
    return fatal(
      'credentials_rejected',
      `Zoho rejected the client (invalid_client, HTTP ${status}): check PMP_CLIENT_ID and ` +
        `PMP_CLIENT_SECRET, and that PMP_ACCOUNTS_URL (${accountsUrl}) is the accounts server of the ` +
        "client's data centre.",
    );
  }
  if (error === 'Access Denied' || /too many requests/i.test(description) || status === 429) {
    return fatal('token_throttled', `${THROTTLE_HINT} (HTTP ${status})`);
  }
  if (status >= 500)
    return { kind: 'retry', detail: `HTTP ${status}${error === null ? '' : ` (${safeCode(error)})`}` };
  if (error !== null) {
    return fatal(
      'token_unavailable',
      `token endpoint refused the request: ${safeCode(error)} (HTTP ${status})`,
    );
  }
  if (status < 200 || status >= 300) {
    return fatal('token_unavailable', `token endpoint answered HTTP ${status} without a token`);
  }
  const accessToken = body['access_token'];
  const oversized = oversizedToken(accessToken);
  if (oversized !== null) {
    return fatal(
      'token_unavailable',
      `token endpoint answered HTTP ${status} with ${oversized}; refusing to use it. Check that ` +
        `PMP_ACCOUNTS_URL (${accountsUrl}) is the Zoho accounts server and not a proxy or another service.`,
    );
  }
  if (!isPlausibleToken(accessToken)) {
    return fatal('token_unavailable', `token endpoint answered HTTP ${status} without a usable access_token`);
  }
  return { kind: 'token', token: { accessToken, ttlS: parseTtlS(body) } };
}

function fatal(code: ExtractorErrorCode, message: string): TokenAnswer {
  return { kind: 'fatal', error: new ExtractorError(code, message) };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Zoho error codes are short identifiers; anything else is cut down so a body can't leak through. */
function safeCode(code: string): string {
  const cleaned = code.replace(/[^\w .-]/g, '').slice(0, 40);
  return cleaned === '' ? 'unknown error' : cleaned;
}
