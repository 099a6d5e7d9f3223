/**
 * Column value coercion (D5, D23). The API sends `"--"`, `""` or `"NA"` for "no
 * value" and `-1` for "no time"; scalar types are unstable (numbers arrive as strings and vice versa).
 */
import { isLosslessNumber } from 'lossless-json';
import { stringifyLossless } from './lossless.ts';
import type { JsonValue } from './lossless.ts';

const NULL_SENTINELS: ReadonlySet<string> = new Set(['--', '', 'NA']);

function isNullSentinel(text: string): boolean {
  return NULL_SENTINELS.has(text.trim());
}

/** TEXT column: strings as-is, numbers as their exact digits, objects as lossless JSON. */
export function toTextValue(value: JsonValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return isNullSentinel(value) ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'boolean') return String(value);
  if (isLosslessNumber(value)) return value.value;
  return stringifyLossless(value);
}

/**
 * INTEGER column: integers from numbers or numeric strings; anything non-integral is NULL. An
 * integer beyond 2^53 is returned as its exact digit string (SQLite's INTEGER affinity stores it
 * as a 64-bit integer), so no digit is lost.
 */
export function toIntegerValue(value: JsonValue | undefined): number | string | null {
  let text: string;
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? value : null;
  } else if (typeof value === 'string') {
    text = value.trim();
  } else if (isLosslessNumber(value)) {
    text = value.value;
  } else {
    return null;
  }
  if (!/^-?\d+$/.test(text)) return null;
  const parsed = Number(text);
  return Number.isSafeInteger(parsed) ? parsed : text.replace(/^(-?)0+(?=\d)/, '$1');
}
