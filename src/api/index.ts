/** Public surface of the PMP API layer; other folders import only from here. */
export { createApiClient } from './api-client.ts';
export type { ApiClient, ApiClientOptions, RequestPacer } from './api-client.ts';
export { RESPONSE_SAMPLE_CHARS } from './attempt-result.ts';
export type {
  AttemptResult,
  BodyOutcome,
  HttpAttempt,
  TransportAttempt,
  TransportFailure,
} from './attempt-result.ts';
export { detectBodyShape } from './detect-non-json.ts';
export type { BodyShape } from './detect-non-json.ts';
export { parseLossless, stringifyLossless } from './lossless.ts';
export type { JsonObject, JsonValue } from './lossless.ts';
export { normalizeRecord } from './normalize-record.ts';
export type { NormalizeResult, RejectedRecord } from './normalize-record.ts';
export { parseScanDetailsPage } from './parse-page.ts';
export type { PageRequest, ParsedPage } from './parse-page.ts';
export { readBodyCapped } from './read-body.ts';
export type { BodyReadResult, ReadBodyOptions } from './read-body.ts';
export { parseServerProperties } from './server-properties.ts';
export type { ServerProperties } from './server-properties.ts';
