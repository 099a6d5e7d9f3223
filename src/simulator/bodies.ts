/**
 * Response bodies for refusals and faults. JSON errors follow the api/1.x envelope (D23):
 * `{status:"error", error_code, error_description}`. HTML pages are what proxies and the throttle
 * front end send instead of JSON.
 */

/** The PMP API answers JSON as text/plain (D23). */
export const JSON_CONTENT_TYPE = 'text/plain;charset=UTF-8';
export const HTML_CONTENT_TYPE = 'text/html;charset=UTF-8';

/** PII an error body may leak; the extractor must redact it before logging (D8). */
export const PII_SENTENCE = 'Contact admin@example.com; request from 10.1.2.3 via fe80::1 (2001:db8::42).';

/** The token error for an expired, invalidated or unknown token (Zoho `INVALID_OAUTHTOKEN`). */
export const AUTH_ERROR_TEXT = JSON.stringify({
  status: 'error',
  error_code: '10002',
  error_description: 'INVALID_OAUTHTOKEN',
});

/** The throttle page seen in production: HTTP 200, HTML, "please wait". */
export const THROTTLE_PAGE =
  '<!DOCTYPE html><html><head><title>Please Wait</title></head><body>' +
  '<h2>Please wait ...</h2><p>Your request is being processed. Please try again after some time.</p>' +
  '</body></html>';

/** Scenario 4's corrupt page: HTML, but not a throttle page. */
export const CORRUPT_PAGE = '<html><body>Internal Server Error</body></html>';

/** Our pick for the (undocumented) daily quota refusal; Zoho APIs name it API_LIMIT_EXCEEDED. */
export const DAILY_QUOTA_CODE = 'API_LIMIT_EXCEEDED';

const DEFAULT_ERRORS: Record<number, [code: string, description: string]> = {
  400: ['INVALID_REQUEST', 'dc.rest.invalid_input'],
  403: ['PERMISSION_DENIED', 'dc.rest.permission_denied'],
  404: ['RESOURCE_NOT_FOUND', 'dc.rest.resource_not_found'],
  429: ['TOO_MANY_REQUESTS', 'Too many requests. Please try again later.'],
  500: ['INTERNAL_ERROR', 'dc.rest.api_internal_error'],
  502: ['BAD_GATEWAY', 'dc.rest.service_unavailable'],
  503: ['SERVICE_UNAVAILABLE', 'dc.rest.service_unavailable'],
  504: ['GATEWAY_TIMEOUT', 'dc.rest.service_unavailable'],
};

function withPii(description: string, pii: boolean): string {
  return pii ? `${description} ${PII_SENTENCE}` : description;
}

export function jsonErrorText(status: number, pii: boolean, code?: string, description?: string): string {
  const [defaultCode, defaultDescription] = DEFAULT_ERRORS[status] ?? [`HTTP_${status}`, 'dc.rest.error'];
  return JSON.stringify({
    status: 'error',
    error_code: code ?? defaultCode,
    error_description: withPii(description ?? defaultDescription, pii),
  });
}

export function htmlErrorPage(status: number, pii: boolean): string {
  const title = `${status} ${status >= 500 ? 'Internal Server Error' : 'Error'}`;
  const detail = pii ? `<p>${PII_SENTENCE}</p>` : '';
  return `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1>${detail}</body></html>`;
}

export function dailyQuotaText(pii: boolean): string {
  return jsonErrorText(
    429,
    pii,
    DAILY_QUOTA_CODE,
    'You have exceeded the daily API request limit for this account. Try again tomorrow.',
  );
}
