/**
 * Where the records sit in `message_response` (D5): under the key named by
 * `message_type`, else `scandetails`, else `computers`, else the first array value.
 */
import type { JsonObject, JsonValue } from './lossless.ts';

const FALLBACK_KEYS = ['scandetails', 'computers'] as const;

export function findRecordsArray(response: JsonObject, messageType: string | null): JsonValue[] | null {
  const keys = messageType === null ? FALLBACK_KEYS : [messageType, ...FALLBACK_KEYS];
  for (const key of keys) {
    const value = response[key];
    if (Array.isArray(value)) return value;
  }
  for (const value of Object.values(response)) {
    if (Array.isArray(value)) return value;
  }
  return null;
}
