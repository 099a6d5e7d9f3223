/**
 * Retry-After (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. An HTTP-date is measured against the
 * response's own `Date` header when it has a valid one, so a skewed local clock neither shortens nor
 * stretches the wait; otherwise against `nowMs`. Results round up (never shortened). Zero, negative,
 * past or unparseable values give null, and the caller falls back to backoff.
 */
const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;

export function parseRetryAfterMs(
  headerValue: string | null,
  nowMs: number,
  dateHeader?: string | null,
): number | null {
  const value = headerValue?.trim() ?? '';
  if (value === '') return null;
  if (DELTA_SECONDS.test(value)) {
    const delayMs = Math.ceil(Number(value) * 1000);
    return delayMs > 0 && Number.isFinite(delayMs) ? delayMs : null;
  }
  // Only accept something that looks like a date: Date.parse is lenient with digits-only input.
  if (!/[a-z]/i.test(value)) return null;
  const targetMs = Date.parse(value);
  if (Number.isNaN(targetMs)) return null;
  const serverNowMs = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  const referenceMs = Number.isNaN(serverNowMs) ? nowMs : serverNowMs;
  const delayMs = Math.ceil(targetMs - referenceMs);
  return delayMs > 0 ? delayMs : null;
}
