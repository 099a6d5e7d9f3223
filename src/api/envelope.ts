/**
 * The api/1.x envelope: `{status, message_type, message_version, message_response: {...}}` on success;
 * on failure `status: "error"` with `error_code` / `error_description` (sometimes `error`), or the
 * on-prem PascalCase `ErrorCode` / `ErrorMsg`, or Zoho's `{code, message}`. HTTP status varies, so the
 * body alone decides (D23).
 */
import { isJsonObject, numberText, stringValue } from './lossless.ts';
import type { JsonObject, JsonValue } from './lossless.ts';

export type Envelope =
  | { kind: 'ok'; messageType: string | null; response: JsonObject }
  | { kind: 'error'; errorCode: string | null; errorMessage: string }
  | { kind: 'invalid'; reason: string };

function firstText(object: JsonObject, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = object[key];
    const text = stringValue(value) ?? numberText(value);
    if (text !== null && text !== '') return text;
  }
  return null;
}

const CODE_KEYS = ['error_code', 'ErrorCode', 'code', 'error'] as const;
const MESSAGE_KEYS = [
  'error_description',
  'ErrorMsg',
  'message',
  'error',
  'error_code',
  'ErrorCode',
] as const;

export function readEnvelope(json: JsonValue): Envelope {
  if (!isJsonObject(json)) return { kind: 'invalid', reason: 'JSON body is not an object' };
  const status = stringValue(json['status'])?.toLowerCase() ?? null;
  const response = json['message_response'];
  const looksLikeError =
    status === 'error' ||
    status === 'failure' ||
    (!isJsonObject(response) && firstText(json, ['error_code', 'ErrorCode', 'error', 'code']) !== null);
  if (looksLikeError) {
    return {
      kind: 'error',
      errorCode: firstText(json, CODE_KEYS),
      errorMessage: firstText(json, MESSAGE_KEYS) ?? 'API error without description',
    };
  }
  if (!isJsonObject(response)) return { kind: 'invalid', reason: 'JSON without message_response object' };
  return { kind: 'ok', messageType: stringValue(json['message_type']), response };
}

/** A non-negative integer given as a JSON number or a numeric string (`total` is documented as both). */
export function readCount(value: JsonValue | undefined): number | null {
  const text = numberText(value) ?? stringValue(value)?.trim() ?? null;
  if (text === null || !/^\d+$/.test(text)) return null;
  const count = Number(text);
  return Number.isSafeInteger(count) ? count : null;
}
