/** The bottom layer: ports (clock, fetch, event log), error classes and the shared vocabulary. */
export { systemClock } from './clock.ts';
export type { Clock } from './clock.ts';
export { DEFER_REASONS, errorCodeOf, ExtractorError, isExtractorError } from './errors.ts';
export type { ExtractorErrorCode } from './errors.ts';
export type { EventLogger, EventMap, EventType } from './events.ts';
export type { FetchLike, TextRequestInit } from './http.ts';
export { ERROR_TYPES, FAILURE_ACTIONS, LEVELS, LOG_LEVELS, TOKEN_REFRESH_REASONS } from './vocabulary.ts';
export type {
  DeferReason,
  ErrorType,
  FailureAction,
  Level,
  LogLevel,
  TokenRefreshReason,
} from './vocabulary.ts';
export { createHttpClient } from './http-client.ts';
export type { HttpClient, HttpRequest, HttpResponse } from './http-client.ts';
export { createTextFetch } from './http-fetch.ts';
export { HttpRequestError } from './http-request-error.ts';
export { redactText, SAMPLE_MAX_CHARS, sanitizeSample } from './redact.ts';
export { isLoopbackHost } from './loopback.ts';
export { signalProcessGroup } from './process-group.ts';
export type { HttpBody } from './http-client.ts';
export { formatCount } from './format-count.ts';
