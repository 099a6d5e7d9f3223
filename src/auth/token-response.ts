/** A freshly minted access token. `ttlS` null means the issuer gave no lifetime (45 s fallback applies). */
export interface TokenResponse {
  accessToken: string;
  ttlS: number | null;
}

/**
 * Above this an `expires_in` must be milliseconds, not seconds: older Zoho responses sent
 * `expires_in: 3600000` beside `expires_in_sec: 3600`. 100 000 s is ~28 h, far beyond Zoho's 1 h.
 */
const MS_SUSPECT_THRESHOLD = 100_000;

/** Seconds from `expires_in_sec` (preferred) or `expires_in`; numbers or numeric strings; else null. */
export function parseTtlS(body: Readonly<Record<string, unknown>>): number | null {
  const seconds = positiveNumber(body['expires_in_sec']);
  if (seconds !== null) return seconds;
  const value = positiveNumber(body['expires_in']);
  if (value === null) return null;
  return value >= MS_SUSPECT_THRESHOLD ? value / 1000 : value;
}

function positiveNumber(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}

/**
 * D31: the longest access token accepted, in characters. Zoho's are ~70; JWT-style tokens from other
 * issuers run to ~2 KB. Longer is not a token (a page, a dump) and would only earn HTTP 431 per page.
 */
const MAX_TOKEN_CHARS = 4096;

/** An access token is one printable word without whitespace (it goes into an HTTP header). */
export function isPlausibleToken(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TOKEN_CHARS && /^[\x21-\x7e]+$/.test(value);
}

/** D31: the operator-facing reason for a token that is too long; null when the length is fine. */
export function oversizedToken(value: unknown): string | null {
  if (typeof value !== 'string' || value.length <= MAX_TOKEN_CHARS) return null;
  return `an access token of ${value.length} characters (at most ${MAX_TOKEN_CHARS} are plausible)`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
