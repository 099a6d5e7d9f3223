/**
 * What one API request saw, kept whole all the way to the classifier (D4: the
 * predecessor wrapped every failure in a bare exception and lost status, headers and body).
 * The client never throws for HTTP or transport problems; it returns one of these.
 */

/** How the response body was interpreted. `T` is the endpoint's parsed payload. */
export type BodyOutcome<T> =
  | { kind: 'parsed'; value: T }
  /** A JSON error envelope (`status: "error"`, `error_code`, `ErrorCode`, `error`, ...). */
  | { kind: 'api_error'; errorCode: string | null; errorMessage: string }
  /** Not JSON at all, detected before parsing; `html` when it starts with `<`. */
  | { kind: 'not_json'; html: boolean }
  /** Empty body, unparseable JSON, or JSON without the expected envelope / records array. */
  | { kind: 'invalid'; reason: string }
  /** The body passed the byte cap and was cut off; nothing was parsed. */
  | { kind: 'too_large'; limitBytes: number };

export interface HttpAttempt<T> {
  kind: 'http';
  status: number;
  /** HTTP reason phrase ('' on HTTP/2), for operator messages. */
  statusText: string;
  /** Raw `Retry-After` header (seconds or HTTP-date), parsed by the retry layer. */
  retryAfter: string | null;
  /** Raw `Date` header: the server's clock, used to measure an HTTP-date Retry-After. */
  date: string | null;
  contentType: string | null;
  /**
   * The first 1,024 characters (platform's SAMPLE_MAX_CHARS) of the body, PII redacted before the cut (D27); secrets
   * are scrubbed later by the logger and the gaps writer.
   */
  bodySample: string;
  body: BodyOutcome<T>;
}

export type TransportFailure =
  'timeout' | 'connection_refused' | 'connection_reset' | 'truncated_body' | 'network_error';

export interface TransportAttempt {
  kind: 'transport';
  failure: TransportFailure;
  /** Operator-facing text; built from error codes only, never from the request (no token, no URL). */
  message: string;
  /** Set when headers had arrived before the body failed. */
  httpStatus: number | null;
}

export type AttemptResult<T> = HttpAttempt<T> | TransportAttempt;
