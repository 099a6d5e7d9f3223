/**
 * Lossless JSON for PMP payloads. Resource ids are 17-digit integers (above 2^53), so JSON.parse would
 * round them. Safe numbers become plain numbers; anything that would lose digits stays a LosslessNumber,
 * which keeps its exact source text and is written back verbatim by stringifyLossless.
 */
import { isLosslessNumber, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

export type JsonValue = string | number | boolean | null | LosslessNumber | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

function parseNumber(text: string): number | LosslessNumber {
  return isSafeNumber(text) ? Number(text) : new LosslessNumber(text);
}

/** Throws SyntaxError on invalid JSON (including duplicate keys with different values). */
export function parseLossless(text: string): JsonValue {
  return parse(text, null, parseNumber) as JsonValue;
}

/** JSON text with every digit exactly as received. */
export function stringifyLossless(value: JsonValue): string {
  return stringify(value) ?? 'null';
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

/** The exact decimal text of a JSON number (plain or lossless); null for anything else. */
export function numberText(value: JsonValue | undefined): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (isLosslessNumber(value)) return value.value;
  return null;
}

/** A string value, or null for every other JSON type. */
export function stringValue(value: JsonValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}
