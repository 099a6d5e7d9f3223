/**
 * The resource id rule (D51), shared by both record normalisers so they cannot drift apart. An id is a
 * canonical decimal integer: `0` or `[1-9][0-9]*`, exactly, whether the JSON carried it as a number or
 * as a string. Anything else (`1.5`, `-7`, `5254 9000`, `true`, `{}`, `007`, `5.2549e16`, `abc`, U+FFFD)
 * would become a row that counts toward coverage without being a system, or a second key for one
 * system (`007` and `7`), so the record is rejected instead. `resource_id_string` is preferred (exact by
 * construction); `resource_id` is read only when the string is absent or a "no value" sentinel.
 */
import { isLosslessNumber } from 'lossless-json';
import type { JsonValue } from './lossless.ts';

export type ResourceIdResult = { kind: 'ok'; id: string } | { kind: 'rejected'; reason: string };

const CANONICAL_ID = /^(?:0|[1-9][0-9]*)$/;
/** The API's "no value" strings (normalize-value.ts): such a resource_id_string is treated as absent. */
const ABSENT_TEXT: ReadonlySet<string> = new Set(['--', '', 'NA']);

function isAbsent(value: JsonValue | undefined): boolean {
  return (
    value === undefined || value === null || (typeof value === 'string' && ABSENT_TEXT.has(value.trim()))
  );
}

/** The digits of a canonical id, or null. A JS number is taken only as a safe non-negative integer. */
function canonicalText(value: JsonValue): string | null {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (isLosslessNumber(value)) text = value.value;
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) text = String(value);
  else return null;
  return CANONICAL_ID.test(text) ? text : null;
}

/** Shown in the reject reason; bounded so a huge value cannot flood the log. */
function preview(value: JsonValue): string {
  const text =
    typeof value === 'string'
      ? JSON.stringify(value)
      : isLosslessNumber(value)
        ? value.value
        : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

export function readResourceId(fields: {
  resource_id_string: JsonValue | undefined;
  resource_id: JsonValue | undefined;
}): ResourceIdResult {
  const [key, value] = isAbsent(fields.resource_id_string)
    ? ['resource_id', fields.resource_id]
    : ['resource_id_string', fields.resource_id_string];
  if (value === undefined || isAbsent(value))
    return { kind: 'rejected', reason: 'record has no resource_id' };
  const id = canonicalText(value);
  if (id !== null) return { kind: 'ok', id };
  return { kind: 'rejected', reason: `${key} ${preview(value)} is not a canonical decimal integer` };
}
