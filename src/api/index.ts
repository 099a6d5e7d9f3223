/** Public surface of the PMP API layer; other folders import only from here. */
export { createApiClient } from './api-client.ts';
export type { ApiClient } from './api-client.ts';
export type { AttemptResult, HttpAttempt, TransportFailure } from './attempt-result.ts';
export { parseLossless } from './lossless.ts';
export type { JsonValue } from './lossless.ts';
export { normalizeRecord } from './normalize-record.ts';
export { parseScanDetailsPage } from './parse-page.ts';
export type { ParsedPage } from './parse-page.ts';
