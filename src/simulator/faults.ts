/**
 * Fault kinds the simulator can inject into one API response (discriminated on `kind`). They are plain
 * data so profiles and tests can script them: `pageScripts` consumes them in order per page,
 * `lookupScript` in order across `resid` lookups, and `randomFaults` draws from them at `randomFaultRate`.
 */
export type Fault =
  /** Any HTTP status. `body: 'json'` (default) sends `{status:"error", error_code, error_description}`; `'html'` an HTML error page. */
  | { kind: 'status'; status: number; body?: 'json' | 'html'; errorCode?: string; errorDescription?: string }
  /** 429 with Retry-After as delta seconds or as an HTTP-date `retryAfterS` seconds ahead (default 2 s). */
  | { kind: 'rate_limit'; retryAfter: 'seconds' | 'http-date'; retryAfterS?: number }
  /** HTTP 200 with the HTML "Please wait ... your request is being processed" page (observed throttling). */
  | { kind: 'html_throttle' }
  /** HTTP 200 with `<html><body>Internal Server Error</body></html>`: corrupt, not a throttle page (Scenario 4). */
  | { kind: 'html_corrupt' }
  /**
   * The daily API quota is spent: `error_code` `API_LIMIT_EXCEEDED`, HTTP `status` (default 429) and a
   * Retry-After up to the next UTC midnight (omitted when `retryAfter` is false).
   */
  | { kind: 'daily_quota'; status?: number; retryAfter?: boolean }
  /**
   * The envelope cut at 60% of its length. By default the HTTP message itself is complete (a JSON parse
   * error); with `transport: true` the full Content-Length is declared and the socket closes early.
   */
  | { kind: 'truncated_json'; transport?: boolean }
  /** HTTP 200 with a zero-length body. */
  | { kind: 'empty_body' }
  /** Wait `delayMs` (default: the `slowFirstByteMs` setting) before the status line, then answer normally. */
  | { kind: 'slow_first_byte'; delayMs?: number }
  /** Send the status line and about half of the body, stall `stallMs`, then send the rest. */
  | { kind: 'stall_body'; stallMs: number }
  /** Destroy the socket (TCP RST) before any response byte. */
  | { kind: 'reset' }
  /** A valid envelope padded to about `bytes` bytes, streamed in 64 KiB chunks with back-pressure. */
  | { kind: 'huge_body'; bytes: number }
  /** The auth failure (401 or 200 + status:error, per `authFailure`) although the token is valid. */
  | { kind: 'auth_error' }
  /** This response writes `total` as a JSON string ("3362"). */
  | { kind: 'total_as_string' }
  /** This response puts the records under `message_response.computers`. */
  | { kind: 'records_under_computers' }
  /** HTTP 200 with text that starts like the envelope but is not valid JSON. */
  | { kind: 'json_parse' };

export type FaultKind = Fault['kind'];

export const ALL_FAULT_KINDS: readonly FaultKind[] = [
  'status',
  'rate_limit',
  'html_throttle',
  'html_corrupt',
  'daily_quota',
  'truncated_json',
  'empty_body',
  'slow_first_byte',
  'stall_body',
  'reset',
  'huge_body',
  'auth_error',
  'total_as_string',
  'records_under_computers',
  'json_parse',
];
